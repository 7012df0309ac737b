from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from portal.privacy import registry, services, tasks


class Command(BaseCommand):
    help = "Deletes the personal data whose retention period is over (run it once a day, from cron)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue", action="store_true", help="Hand the purge to the background worker instead of running it here."
        )

    def handle(self, *args, enqueue=False, **options):
        if enqueue:
            result = tasks.purge_expired_personal_data.enqueue()
            self.stdout.write(_("Purge queued (task %(id)s).") % {"id": result.id})
            return
        removed = services.purge_expired()
        for rule in registry.purges():
            self.stdout.write(f"{rule.label}: {removed.get(rule.key, 0)} ({rule.days} j)")
