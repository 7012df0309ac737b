"""Run once a day (cron or a scheduler), like the digests: e-mails each owner their workgroup tasks
due today or late."""

from django.core.management.base import BaseCommand

from workgroups.reminders import send_task_reminders


class Command(BaseCommand):
    help = "E-mails each member their workgroup tasks due today or late (once a day)."

    def handle(self, *args, **options):
        sent = send_task_reminders()
        self.stdout.write(self.style.SUCCESS(f"{sent} reminder(s) sent."))
