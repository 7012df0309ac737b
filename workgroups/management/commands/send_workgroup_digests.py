"""Run once a day (cron or a scheduler): e-mails each member their unread messages and mentions."""

from django.core.management.base import BaseCommand

from workgroups.digests import send_daily_digests


class Command(BaseCommand):
    help = "E-mails the daily digest of unread workgroup messages and mentions to the members who want it."

    def handle(self, *args, **options):
        sent = send_daily_digests()
        self.stdout.write(self.style.SUCCESS(f"{sent} digest(s) sent."))
