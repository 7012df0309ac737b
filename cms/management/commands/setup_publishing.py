"""Sets up who publishes the public site: run after deploying, safe to run again."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from cms import services


class Command(BaseCommand):
    help = "Creates the approval workflow, the administrators' publishing rights and one group per axis page."

    def handle(self, *args, **options):
        result = services.publishing_setup()
        self.stdout.write(
            _("Workflow “%(workflow)s”; %(count)d axis coordination groups.")
            % {"workflow": result["workflow"] or "—", "count": len(result["groups"])}
        )
