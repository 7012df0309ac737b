"""An animator invites her campaign's firms to the club's needs survey from her desktop (1280×800):
she chooses it and the reminders, sends the invitations (they reach a real SMTP server), a firm opens
its link, and the funnel moves; on her phone (390×844) she reads the funnel and the firms left to
call, each leading to its prospect file. axe-core clean on both."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from portal.clubs import services as club_services
from portal.clubs.models import Survey
from portal.members import services as member_services
from portal.members.models import PersonRole, Role
from portal.members.scopes import ScopeKind
from tests.e2e.conftest import signed_in_context
from tests.e2e.test_site import assert_accessible
from tests.factories import ClubFactory, OrganisationFactory, PersonFactory, UserFactory, ZoneFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def campaign():
    """Claire's campaign on the Tanneries park: three prospects, one without an e-mail address, and
    the club's needs survey open for a month."""
    administrator = UserFactory(is_superuser=True, is_staff=True)
    zone = ZoneFactory(name="Parc des Tanneries")
    club = ClubFactory(zone=zone, name="Club des Tanneries")
    claire = PersonFactory(
        role=PersonRole.MEMBER, user__first_name="Claire", user__last_name="Morel", organisation=OrganisationFactory()
    )
    member_services.role_grant(
        person=claire, role=Role.ANIMATOR, scope_kind=ScopeKind.CLUB, scope_id=club.pk, by=administrator
    )
    for name, email in [("Atelier Durand", "contact@durand.example"), ("Boulangerie Martin", "bonjour@martin.example"),
                        ("Imprimerie Roy", "")]:  # fmt: skip
        OrganisationFactory(zone=zone, name=name, email=email, phone="04 78 12 34 56")
    Survey.objects.create(
        title="Vos besoins 2026", club=club, closes_on=timezone.localdate() + datetime.timedelta(days=30)
    )
    return claire, club_services.campaign_create(
        club=club, zone=zone, title="Rentrée des Tanneries", kind="mailing", by=claire.user, assignees=[claire.user]
    )


def test_inviting_a_campaign_and_reading_its_funnel(
    smtp_sink, campaign, browser, browser_context_args, live_portal, screenshot
):
    claire, the_campaign = campaign
    desktop = signed_in_context(browser, browser_context_args, live_portal, claire,
                                viewport={"width": 1280, "height": 800}).new_page()  # fmt: skip
    desktop.goto(f"/clubs/campagnes/{the_campaign.pk}/")
    section = desktop.get_by_role("region", name="Invitation par e-mail")
    section.get_by_label("Inviter les entreprises à").select_option(label="Vos besoins 2026")
    section.get_by_label("Relances, en jours après l'envoi").fill("7, 14")
    section.get_by_role("button", name="Enregistrer").click()
    expect(desktop.get_by_text("L'invitation et ses relances sont enregistrées.")).to_be_visible()
    desktop.get_by_role("button", name="Envoyer les invitations").click()
    expect(desktop.get_by_text("Invitations qui partent par e-mail dans quelques minutes : 2.")).to_be_visible()
    smtp_sink.wait_for(2)
    assert sorted(smtp_sink.recipients()) == ["bonjour@martin.example", "contact@durand.example"]

    # Durand opens its link (as anyone would, without an account): the survey's questionnaire.
    durand = next(message for rcpt, message in smtp_sink.messages if rcpt == ["contact@durand.example"])
    link = next(word for word in durand.get_content().split() if "/campagnes/" in word)
    visitor = browser.new_context(base_url=live_portal).new_page()
    visitor.goto("/" + link.split("/", 3)[3])
    expect(visitor.get_by_role("heading", level=1)).to_contain_text("Vos besoins 2026")
    visitor.context.close()

    desktop.reload()
    funnel = desktop.get_by_role("list", name="Entonnoir de l'invitation")
    expect(funnel).to_contain_text("Invitées par e-mail")
    expect(funnel.get_by_role("listitem").nth(0)).to_contain_text("2 · 67 %")
    expect(funnel.get_by_role("listitem").nth(1)).to_contain_text("1 · 33 %")
    assert_accessible(desktop, "campaign invitations (desktop)")
    desktop.context.close()

    phone = signed_in_context(browser, browser_context_args, live_portal, claire,
                              viewport={"width": 390, "height": 844}).new_page()  # fmt: skip
    phone.goto(f"/clubs/campagnes/{the_campaign.pk}/")
    phone.get_by_role("link", name="Restent à appeler (sans suite) : 3").click()
    cards = phone.locator(".call-card")
    expect(cards).to_have_count(3)
    expect(cards.first).to_contain_text("Imprimerie Roy")  # no address: the first to call
    expect(cards.first).to_contain_text("Pas d'adresse e-mail : à appeler")
    expect(cards.first.get_by_role("link", name="Imprimerie Roy")).to_have_attribute(
        "href", re.compile(r"/prospects/\d+/")
    )
    assert phone.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways"
    assert_accessible(phone, "campaign invitations (phone)")
    screenshot(phone, "campaign-invitations-phone")
