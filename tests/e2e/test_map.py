"""A visitor on a phone (390×844) and a desktop (1280×800) finds a business park on the map and goes on
to its club's page: without a tile server (none in the tests, no tile is asked for) the markers still
stand, two on one spot apart, a marker opens its popup by keyboard, and the directory switches list ⇄
map by keyboard. The club's page names its board (who agreed) and its commissions with their next
meeting. axe-core clean, nothing scrolls sideways, no request leaves the portal."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cms.models import ClubPage, HomePage
from portal.clubs.models import BoardPosition, ClubBoardMember
from portal.privacy import services as privacy_services
from portal.privacy.models import Purpose
from tests.cms.pages import add_page
from tests.e2e.test_site import assert_accessible
from tests.factories import ClubFactory, MembershipFactory, OrganisationFactory, PersonFactory, ZoneFactory
from workgroups.models import Meeting, Workgroup

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


@pytest.fixture
def territory(live_portal):
    """The Tanneries with their club's page, its board and a commission, two listed firms on the map (one
    at the park's own spot) and one that is not listed."""
    tanneries = ZoneFactory(name="Parc des Tanneries", latitude=Decimal("47.0755"), longitude=Decimal("2.412"))
    club = ClubFactory(zone=tanneries, name="Club des Tanneries")
    add_page(HomePage.objects.get(), ClubPage, title="Club des Tanneries", slug="club-des-tanneries", club=club)
    for name, latitude, longitude, listed in [
        ("SCOP Menuiserie du Pont-Vieux", "47.0810", "2.3990", True),
        ("Association Cuisine Partagée", "47.0755", "2.412", True),  # on the park's spot: spread apart
        ("Garage Discret", "47.0780", "2.4300", False),
    ]:
        MembershipFactory(
            organisation=OrganisationFactory(
                name=name,
                zone=tanneries,
                in_public_directory=listed,
                latitude=Decimal(latitude),
                longitude=Decimal(longitude),
            )  # fmt: skip
        )
    president = PersonFactory(user__first_name="Jeanne", user__last_name="Martin")
    hidden = PersonFactory(user__first_name="Paul", user__last_name="Discret")
    ClubBoardMember.objects.create(club=club, person=president, position=BoardPosition.PRESIDENT)
    ClubBoardMember.objects.create(club=club, person=hidden, position=BoardPosition.TREASURER)
    privacy_services.consent_give(person=president, purpose=Purpose.BOARD, by=president.user)
    mobility = Workgroup.objects.create(name="Commission mobilité", slug="commission-mobilite", club=club)
    Meeting.objects.create(workgroup=mobility, title="Navettes", starts_at=timezone.now() + datetime.timedelta(days=9))


def tab_to(page, locator, presses: int = 60):
    """Presses Tab until `locator` has the focus, as a keyboard user does."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if locator.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{locator} never got the focus by Tab")


def test_a_visitor_finds_a_business_park_on_the_map_and_opens_its_club_page(
    territory, browser, browser_context_args, live_portal, screenshot
):
    # One test for both sizes: the database is restored once (CI's time is counted).
    context = browser.new_context(**{**browser_context_args, "viewport": VIEWPORTS["phone"]})
    page = context.new_page()
    outside = []
    page.on("request", lambda request: None if request.url.startswith(live_portal) else outside.append(request.url))

    page.goto("/annuaire/")
    switch = page.get_by_role("navigation", name="Affichage de l'annuaire")
    expect(switch.get_by_role("link", name="Liste")).to_have_attribute("aria-current", "page")
    tab_to(page, switch.get_by_role("link", name="Carte"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Carte des parcs d'activités")

    for device in ("phone", "desktop"):
        page.set_viewport_size(VIEWPORTS[device])
        page.reload()
        the_map = page.get_by_role("region", name="Carte des parcs d'activités et des membres listés")
        expect(the_map).to_have_attribute("data-ready", "3")  # the park and its two listed firms, no tiles
        expect(the_map.get_by_role("button", name="Parc des Tanneries")).to_be_visible()
        expect(the_map.get_by_role("button", name="SCOP Menuiserie du Pont-Vieux")).to_be_visible()
        park = the_map.get_by_role("button", name="Parc des Tanneries").bounding_box()
        same_spot = the_map.get_by_role("button", name="Association Cuisine Partagée").bounding_box()
        apart = (
            park["x"] + park["width"] <= same_spot["x"] or same_spot["x"] + same_spot["width"] <= park["x"]
            or park["y"] + park["height"] <= same_spot["y"] or same_spot["y"] + same_spot["height"] <= park["y"]
        )  # fmt: skip
        assert apart, f"two markers of one spot overlap ({device}): {park} {same_spot}"
        expect(page.get_by_text("Garage Discret")).to_have_count(0)
        assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth"), f"sideways ({device})"
        assert_accessible(page, f"map ({device})")

        tab_to(page, the_map.get_by_role("button", name="Parc des Tanneries"))
        page.keyboard.press("Enter")
        popup = page.locator(".leaflet-popup-content")
        expect(page.locator(".leaflet-popup")).to_have_css("opacity", "1")  # faded in: axe reads its real colours
        expect(popup).to_contain_text("Membres listés : 2")
        expect(popup.get_by_role("link", name="SCOP Menuiserie du Pont-Vieux")).to_be_visible()
        assert_accessible(page, f"map with a popup ({device})")
        screenshot(page, f"map-{device}")

    popup.get_by_role("link", name="Page du club : Club des Tanneries").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Club des Tanneries")
    board = page.get_by_role("region", name="Bureau", exact=True)
    expect(board).to_contain_text("Président·e — Jeanne Martin")
    expect(board).not_to_contain_text("Paul Discret")  # no consent to be named
    commissions = page.get_by_role("region", name="Commissions", exact=True)
    expect(commissions).to_contain_text("Commission mobilité")
    expect(commissions).to_contain_text("Ouverte aux entreprises adhérentes du club.")
    expect(commissions).to_contain_text("Prochaine réunion")
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth"), "club page sideways"
    assert_accessible(page, "club page (desktop)")
    screenshot(page, "club-page-desktop")
    page.go_back()
    tab_to(page, page.get_by_role("navigation", name="Affichage de l'annuaire").get_by_role("link", name="Liste"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Annuaire des membres")
    assert not outside, f"requests outside the portal: {outside}"
    context.close()
