"""Builds (or refreshes) the fictional demo cluster; safe to run again.

Each app loads its own part (its demo.step, registered with portal.demo): this command knows none.
"""

import logging

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from portal import demo
from portal.members.demo import DEMO_PASSWORD


class Command(BaseCommand):
    help = "Loads the fictional demo cluster: axes, zones, clubs, organisations, people and pages."

    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        # Wagtail logs every page it creates and publishes: detail only at -v 2 and above.
        wagtail_logger = logging.getLogger("wagtail")
        level = wagtail_logger.level
        if verbosity < 2:
            wagtail_logger.setLevel(logging.WARNING)
        try:
            self._load(verbosity)
        finally:
            wagtail_logger.setLevel(level)

    def _load(self, verbosity: int) -> None:
        say = self.stdout.write if verbosity else (lambda *args, **kwargs: None)
        say(_("Loading the demo cluster…"))
        loaded = demo.load(say)
        say(self.style.SUCCESS(_("Demo logins (password for all: %(password)s):") % {"password": DEMO_PASSWORD}))
        for person in loaded["people"]:
            say(f"  {person.user.email:<45} {person.get_role_display()}")
