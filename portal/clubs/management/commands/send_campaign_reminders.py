"""Run once a day (cron or the compose scheduler), like the task reminders: each campaign's firms that
did not register or answer get the reminder their campaign's schedule says is due."""

from django.core.management.base import BaseCommand

from portal.clubs.services import campaign_reminders_send


class Command(BaseCommand):
    help = "E-mails the campaigns' reminders due today to the firms that did not act (once a day)."

    def handle(self, *args, **options):
        sent = campaign_reminders_send()
        self.stdout.write(self.style.SUCCESS(f"{sent} reminder(s) sent."))
