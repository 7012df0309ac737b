import json

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext as _

from portal.privacy import services


class Command(BaseCommand):
    help = (
        "Answers a request about an e-mail address without an account (a prospect firm's professional "
        "address): prints what the portal holds about it, or erases it with --erase (its objection to "
        "prospecting stays, so that it is never written to again)."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--by", required=True, help="Username of the administrator answering (logged).")
        parser.add_argument("--erase", action="store_true", help="Erase instead of printing.")

    def handle(self, *args, email, by, erase=False, **options):
        user = get_user_model().objects.filter(username=by, is_active=True).first()
        if user is None:
            raise CommandError(_("No active account named %(name)s.") % {"name": by})
        try:
            if erase:
                services.address_erase(email=email, by=user)
                self.stdout.write(_("Erased: %(email)s") % {"email": email})
                return
            sections = services.address_data(email=email, by=user)
        except PermissionDenied as error:
            raise CommandError(str(error)) from None
        self.stdout.write(json.dumps(sections, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2))
