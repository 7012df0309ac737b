"""A visitor on a phone (390×844) and a desktop (1280×800) finds a business park on the map and goes on
to its club's page: without a tile server (none in the tests, no tile is asked for) the markers still
stand, a marker opens its popup by keyboard, and the directory switches list ⇄ map by keyboard.
axe-core clean, nothing scrolls sideways, no request leaves the portal."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from cms.models import ClubPage, HomePage
from tests.cms.pages import add_page
from tests.e2e.test_site import assert_accessible
from tests.factories import ClubFactory, MembershipFactory, OrganisationFactory, ZoneFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


@pytest.fixture
def territory(live_portal):
    """The Tanneries with their club's page, two listed firms on the map and one that is not listed."""
    tanneries = ZoneFactory(name="Parc des Tanneries", latitude=Decimal("47.0755"), longitude=Decimal("2.412"))
    club = ClubFactory(zone=tanneries, name="Club des Tanneries")
    add_page(HomePage.objects.get(), ClubPage, title="Club des Tanneries", slug="club-des-tanneries", club=club)
    for name, latitude, longitude, listed in [
        ("SCOP Menuiserie du Pont-Vieux", "47.0810", "2.3990", True),
        ("Association Cuisine Partagée", "47.0700", "2.4260", True),
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
    page.go_back()
    tab_to(page, page.get_by_role("navigation", name="Affichage de l'annuaire").get_by_role("link", name="Liste"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Annuaire des membres")
    assert not outside, f"requests outside the portal: {outside}"
    context.close()
