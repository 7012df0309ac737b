"""For a person who lost both their phone and their recovery codes: `manage.py two_factor_off ADDRESS`."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from portal.members.services import account_two_factor_off


class Command(BaseCommand):
    help = (
        "Turns two-factor authentication off for the account of an e-mail address (authenticator app and "
        "recovery codes removed). Check the person's identity first, by another channel than e-mail."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        users = list(get_user_model().objects.filter(email__iexact=email.strip()))
        if len(users) != 1:
            raise CommandError(f"{len(users)} accounts have the address {email!r}: nothing changed.")
        removed = account_two_factor_off(user=users[0])
        self.stdout.write(
            self.style.SUCCESS(f"Two-factor authentication is off for account {users[0].pk} ({removed} removed).")
        )
