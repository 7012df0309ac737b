"""Builds (or refreshes) the fictional demo cluster; safe to run again."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from cms.demo import load_pages
from cms.newsletters.demo import load_newsletters
from knowledge.demo import load_best_practices
from knowledge.exchange.demo import load_exchange
from portal.members.demo import DEMO_PASSWORD, load_members
from portal.privacy.demo import load_consents
from workgroups.demo import load_axes, load_workgroups


class Command(BaseCommand):
    help = "Loads the fictional demo cluster: axes, zones, clubs, organisations, people and pages."

    def handle(self, *args, **options):
        self.stdout.write(_("Loading the demo cluster…"))
        members = load_members()
        self.stdout.write(
            _("  %(orgs)d organisations, %(zones)d zones, %(clubs)d clubs, %(people)d people")
            % {
                "orgs": len(members["organisations"]),
                "zones": len(members["zones"]),
                "clubs": len(members["clubs"]),
                "people": len(members["people"]),
            }
        )
        axes = load_axes(organisations=members["organisations"], people=members["people"])
        self.stdout.write(_("  %(count)d thematic axes") % {"count": len(axes)})
        workgroups = load_workgroups(axes=axes, clubs=members["clubs"], people=members["people"])
        self.stdout.write(_("  %(count)d workgroups with a discussion") % {"count": len(workgroups)})
        records = load_best_practices(axes=axes, people=members["people"])
        self.stdout.write(_("  %(count)d best-practice records") % {"count": len(records)})
        exchange = load_exchange(people=members["people"], clubs=members["clubs"])
        self.stdout.write(
            _("  Bourse d'échanges: %(count)d resource sheets, a past and a coming session")
            % {"count": exchange["sheets"]}
        )
        load_pages(axes=axes, clubs=members["clubs"])
        self.stdout.write(_("  public site published: axis and club pages, news, events, about and contact"))
        load_consents(people=members["people"])
        load_newsletters()
        self.stdout.write(
            self.style.SUCCESS(_("Demo logins (password for all: %(password)s):") % {"password": DEMO_PASSWORD})
        )
        for person in members["people"]:
            self.stdout.write(f"  {person.user.email:<45} {person.get_role_display()}")
