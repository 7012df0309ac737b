"""Builds (or refreshes) the fictional demo cluster; safe to run again."""

import logging

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from cms.demo import load_pages
from cms.newsletters.demo import load_newsletters
from cms.services import survey_results_page_publish
from knowledge.demo import load_best_practices
from knowledge.exchange.demo import load_exchange
from portal.clubs.demo import load_clubs
from portal.members.demo import DEMO_PASSWORD, load_members
from portal.members.models import Person, PersonRole
from portal.privacy.demo import load_consents
from workgroups.demo import load_axes, load_workgroups
from workgroups.plans.demo import load_plans


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
        members = load_members()
        members.update(load_clubs(members))
        say(
            _("  %(orgs)d organisations, %(zones)d zones, %(clubs)d clubs, %(people)d people")
            % {
                "orgs": len(members["organisations"]),
                "zones": len(members["zones"]),
                "clubs": len(members["clubs"]),
                "people": len(members["people"]),
            }
        )
        axes = load_axes(organisations=members["organisations"], people=members["people"])
        say(_("  %(count)d thematic axes") % {"count": len(axes)})
        workgroups = load_workgroups(axes=axes, clubs=members["clubs"], people=members["people"])
        say(_("  %(count)d workgroups with a discussion") % {"count": len(workgroups)})
        load_plans(axes=axes, clubs=members["clubs"], workgroups=workgroups)
        records = load_best_practices(axes=axes, people=members["people"])
        say(_("  %(count)d best-practice records") % {"count": len(records)})
        exchange = load_exchange(people=members["people"], clubs=members["clubs"])
        say(
            _("  Bourse d'échanges: %(count)d resource sheets, a past and a coming session")
            % {"count": exchange["sheets"]}
        )
        load_pages(axes=axes, clubs=members["clubs"])
        say(_("  public site published: axis and club pages, news, events, about and contact"))
        organiser = Person.objects.filter(role=PersonRole.ORGANISER).select_related("user").order_by("pk").first()
        if organiser is not None and members.get("survey") is not None:
            survey_results_page_publish(survey=members["survey"], by=organiser.user)
            say(_("  the needs survey's results published as a page of the site"))
        load_consents(people=members["people"])
        load_newsletters()
        say(self.style.SUCCESS(_("Demo logins (password for all: %(password)s):") % {"password": DEMO_PASSWORD}))
        for person in members["people"]:
            say(f"  {person.user.email:<45} {person.get_role_display()}")
