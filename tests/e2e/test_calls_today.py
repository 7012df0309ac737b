"""An animator's morning: "my calls today" on her phone (390×844) and her desktop (1280×800): the
calls due today and the overdue ones of her club's zone, each firm's number to tap; she logs a call
from a prospect's file and plans the next one, and the firm leaves today's list. axe-core clean."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from portal.clubs.models import ProspectFile
from portal.members import services as member_services
from portal.members.models import PersonRole, Role
from portal.members.scopes import ScopeKind
from tests.e2e.conftest import signed_in_context
from tests.e2e.test_site import assert_accessible
from tests.factories import ClubFactory, OrganisationFactory, PersonFactory, UserFactory, ZoneFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


def portal_today() -> datetime.date:
    """The portal's today (Europe/Paris), asked when needed: between 23:00 and midnight UTC the
    machine's date is already yesterday's for the portal."""
    return timezone.localdate()


@pytest.fixture
def morning():
    """Claire animates the club of the Tanneries; two calls and a visit are due today, one call is
    three days late; a firm of another park, still assigned to her, is not hers to call any more."""
    administrator = UserFactory(is_superuser=True, is_staff=True)
    tanneries, gare = ZoneFactory(name="Parc des Tanneries"), ZoneFactory(name="Quartier de la Gare")
    club = ClubFactory(zone=tanneries, name="Club des Tanneries")
    ClubFactory(zone=gare, name="Club de la Gare")
    claire = PersonFactory(
        role=PersonRole.MEMBER, user__first_name="Claire", user__last_name="Morel", organisation=OrganisationFactory()
    )
    member_services.role_grant(
        person=claire, role=Role.ANIMATOR, scope_kind=ScopeKind.CLUB, scope_id=club.pk, by=administrator
    )
    plan = [
        ("Boulangerie Martin", tanneries, "call", 0, "04 78 12 34 56"),
        ("Atelier Durand", tanneries, "visit", 0, ""),
        ("Garage du Pont", tanneries, "call", 3, "04 78 65 43 21"),
        ("Imprimerie Roy", tanneries, "call", -2, ""),
        ("Traiteur de la Gare", gare, "call", 0, "04 78 00 00 00"),
    ]
    for name, zone, action, days_late, phone in plan:
        ProspectFile.objects.create(
            organisation=OrganisationFactory(name=name, zone=zone, phone=phone),
            assigned_to=claire.user,
            next_action=action,
            next_action_due=portal_today() - datetime.timedelta(days=days_late),
        )
    return claire


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_my_calls_today_on_a_phone_and_a_desktop(
    morning, browser, browser_context_args, live_portal, screenshot, device
):
    context = signed_in_context(browser, browser_context_args, live_portal, morning, viewport=VIEWPORTS[device])
    page = context.new_page()
    page.goto("/clubs/appels/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes appels du jour")
    today = page.get_by_role("region", name="À faire aujourd’hui")
    overdue = page.get_by_role("region", name="En retard")
    expect(today.get_by_role("listitem")).to_have_count(2)
    expect(today).to_contain_text("Boulangerie Martin")
    expect(today).to_contain_text("Atelier Durand")
    expect(today.get_by_role("link", name="04 78 12 34 56")).to_have_attribute("href", "tel:0478123456")
    expect(overdue.get_by_role("listitem")).to_have_count(1)
    expect(overdue).to_contain_text("Garage du Pont")
    expect(page.get_by_text("Imprimerie Roy")).to_have_count(0)  # due later
    expect(page.get_by_text("Traiteur de la Gare")).to_have_count(0)  # another club's park
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways"
    assert_accessible(page, f"my calls today ({device})")
    screenshot(page, f"calls-today-{device}")

    # She calls the bakery, logs it and plans a visit next week: it leaves today's list.
    today.get_by_role("link", name="Boulangerie Martin").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Boulangerie Martin")
    assert_accessible(page, f"prospect file ({device})")
    log = page.get_by_role("region", name="Noter un contact")
    log.get_by_label("Ce qui a été dit").fill("Intéressée par le petit-déjeuner du club.")
    log.get_by_label("Prochaine action").select_option("visit")
    log.get_by_label("À faire le").fill((portal_today() + datetime.timedelta(days=7)).isoformat())
    log.get_by_role("button", name="Noter le contact").click()
    expect(page.get_by_role("region", name="Journal")).to_contain_text("Intéressée par le petit-déjeuner du club.")
    page.goto("/clubs/appels/")
    expect(page.get_by_role("region", name="À faire aujourd’hui").get_by_role("listitem")).to_have_count(1)
    expect(page.get_by_role("region", name="À faire aujourd’hui")).not_to_contain_text("Boulangerie Martin")
    context.close()
