"""The site on a phone (390×844), a tablet (768×1024) and a desktop (1280×800), #17: the public screens
(home, an axis, a club's page, the agenda, an event, the directory as a list and as a map, the best
practices) and the members' (a workgroup room, the Bourse's list; the secretary's screen is in
test_exchange.py): the header within its budget, no page scrolling sideways (WCAG 1.4.10, also at
320 px), the phone menu usable by keyboard, the language changed without a submit button, the room's
composer within reach and its members list folded on a phone, axe-core with no serious or critical
violation. Every screen is kept as a screenshot in test-artifacts/e2e/."""

import pytest
from playwright.sync_api import expect

from cms.events.models import EventIndexPage
from cms.models import ClubPage, HomePage
from tests.cms.pages import add_event, add_page, axis_page
from tests.e2e.conftest import signed_in_context
from tests.e2e.test_site import assert_accessible
from tests.factories import (
    AxisFactory,
    BestPracticeFactory,
    ClubFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
)
from workgroups import services as workgroup_services
from workgroups.models import Workgroup, WorkgroupMembership

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE = {"width": 390, "height": 844}
TABLET = {"width": 768, "height": 1024}
DESKTOP = {"width": 1280, "height": 800}
VIEWPORTS = {"phone": PHONE, "tablet": TABLET, "desktop": DESKTOP}
# The header's height: one line on a phone and a tablet (under 1024 px), at most two on a desktop.
HEADER_BUDGET = {"phone": 64, "tablet": 64, "desktop": 120}


@pytest.fixture
def public_site():
    """An axis page, and long names in the directory and the best practices, which used to push them wide."""
    axis = AxisFactory(number=2, title="Alimentation durable et circuits courts", slug="alimentation")
    page = axis_page(HomePage.objects.get(), axis, introduction="Manger mieux et local dans les cantines du Val.")
    organisation = OrganisationFactory(
        name="Société coopérative d'intérêt collectif des cuisines centrales d'Arvière-sur-Lône",
        description="Restauration collective, approvisionnement local, insertion par l'activité économique.",
    )
    other = OrganisationFactory(name="Ressourcerie-recyclerie intercommunale du Val d'Arvière")
    for listed in (organisation, other):
        MembershipFactory(organisation=listed)  # the directory lists the cluster's members
    BestPracticeFactory(
        title="Approvisionnement-en-circuit-court-des-restaurants-scolaires-intercommunaux",
        axis=axis,
        organisation=organisation,
    )
    home = HomePage.objects.get()
    club = ClubFactory(name="Club des entreprises de la zone d'activités intercommunale des Tanneries")
    club_page = add_page(home, ClubPage, title=club.name, slug="club-tanneries", club=club)
    agenda = add_page(home, EventIndexPage, title="Agenda")
    event = add_event(agenda, title="Petit-déjeuner des Tanneries : la mobilité des salariés", axis=axis)
    return {
        "home": "/",
        "axis": page.url,
        "club": club_page.url,
        "agenda": agenda.url,
        "event": event.url,
        "directory": "/annuaire/",
        "directory-map": "/annuaire/carte/",
        "best-practices": "/bonnes-pratiques/",
    }


def _screens(public_site):
    return public_site.items()


def _no_sideways_scroll(page):
    return page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")


def _width(page):
    return page.evaluate("document.scrollingElement.scrollWidth")


def _fits(page, name, device, problems):
    """The header within its budget and no sideways scroll (at 320 px too, on a phone)."""
    header = page.locator(".site-header").bounding_box()
    if header["height"] > HEADER_BUDGET[device]:
        problems.append(f"{name} on a {device}: the header is {header['height']:.0f} px high")
    if not _no_sideways_scroll(page):
        problems.append(f"{name} scrolls sideways on a {device}: {_width(page)} px")
    if device == "phone":
        page.set_viewport_size({"width": 320, "height": 640})
        if not _no_sideways_scroll(page):
            problems.append(f"{name} scrolls sideways at 320 px: {_width(page)} px")
        page.set_viewport_size(PHONE)


@pytest.mark.parametrize("device", VIEWPORTS)
def test_every_public_screen_fits_its_width_with_a_short_header(page, public_site, screenshot, device):
    page.set_viewport_size(VIEWPORTS[device])
    problems = []  # every screen is looked at (and kept) before the test says what failed
    for name, url in _screens(public_site):
        response = page.goto(url)
        assert response.ok, url
        screenshot(page, f"responsive-{name}-{device}")
        _fits(page, name, device, problems)
        assert_accessible(page, f"{name} on a {device}")
    assert not problems, problems


@pytest.fixture
def room():
    """A workgroup of an axis with a long discussion and twelve members, one of them signed in."""
    workgroup = Workgroup.objects.create(
        axis=AxisFactory(title="Alimentation durable"), name="Restauration collective", slug="restauration-collective"
    )
    people = [PersonFactory() for _ in range(12)]
    for person in people:
        WorkgroupMembership.objects.create(workgroup=workgroup, person=person)
    for number in range(25):
        workgroup_services.message_send(
            workgroup=workgroup, by=people[number % 3].user, body=f"Message {number} : livraisons de légumes du jeudi."
        )
    return workgroup, people[0]


@pytest.mark.parametrize("device", VIEWPORTS)
def test_the_members_screens_fit_every_width_and_the_room_keeps_its_composer_in_reach(
    browser, browser_context_args, live_portal, room, screenshot, device
):
    workgroup, member = room
    context = signed_in_context(browser, browser_context_args, live_portal, member, viewport=VIEWPORTS[device])
    page = context.new_page()
    problems = []
    for name, url in (("room", f"/groupes/{workgroup.slug}/"), ("bourse-list", "/bourse/")):
        assert page.goto(url).ok, url
        screenshot(page, f"responsive-{name}-{device}")
        _fits(page, name, device, problems)
        assert_accessible(page, f"{name} of a member on a {device}")
        if name != "room":
            continue
        composer = page.get_by_label("Votre message")
        if device != "desktop":
            # In hand, the composer and the latest message are on the first screen, one above the other.
            box = composer.bounding_box()
            if box["y"] + box["height"] > VIEWPORTS[device]["height"]:
                problems.append(f"the composer ends at {box['y'] + box['height']:.0f} px on a {device}")
            latest = page.locator("#message-list .chat-message").last
            expect(latest).to_contain_text("Message 24")
            latest_bottom = latest.evaluate("message => message.getBoundingClientRect().bottom")
            composer_top = page.locator("#composer").evaluate("form => form.getBoundingClientRect().top")
            if latest_bottom > composer_top + 1:
                problems.append(f"the composer covers the latest message on a {device}")
        members = page.locator(".room-members details")
        member_name = page.locator(".member-list .member-name").first
        if device != "desktop":  # one column up to 860 px: the list comes under the discussion
            expect(member_name).to_be_hidden()  # folded, not burying the links under it
            page.locator(".room-members summary").focus()
            page.keyboard.press("Enter")
            expect(member_name).to_be_visible()
            screenshot(page, f"responsive-room-members-open-{device}")
            assert_accessible(page, f"the room's members list opened on a {device}")
        else:
            expect(members).to_have_attribute("open", "")
            expect(member_name).to_be_visible()
        # Reached by keyboard from anywhere (it sticks to the bottom of the screen in one column).
        composer.focus()
        composer.fill("Bien reçu")
        expect(composer).to_be_in_viewport()
    context.close()
    assert not problems, problems


def test_the_phone_menu_opens_and_closes_by_keyboard(page, public_site, screenshot):
    page.set_viewport_size(PHONE)
    page.goto("/")
    toggle = page.get_by_role("button", name="Menu")
    menu = page.locator("#site-menu")
    expect(menu).to_be_hidden()
    expect(toggle).to_have_attribute("aria-expanded", "false")

    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(menu).to_be_visible()
    expect(menu.get_by_role("link", name="Accueil")).to_be_focused()
    expect(page.get_by_label("Rechercher dans le portail")).to_be_visible()
    assert_accessible(page, "the open phone menu")
    screenshot(page, "responsive-menu-open-phone")

    page.keyboard.press("Tab")
    expect(menu.get_by_role("link", name="Annuaire des membres")).to_be_focused()
    page.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    expect(toggle).to_be_focused()


def test_the_search_button_opens_the_menu_on_the_search_box(page, public_site):
    page.set_viewport_size(PHONE)
    page.goto("/")
    page.locator(".site-header").get_by_role("link", name="Recherche", exact=True).click()
    expect(page.get_by_label("Rechercher dans le portail")).to_be_focused()


def test_the_language_changes_as_soon_as_it_is_chosen(page, public_site):
    page.set_viewport_size(PHONE)
    page.goto("/annuaire/")
    page.get_by_role("button", name="Menu").click()
    expect(page.locator(".language-form button")).to_be_hidden()
    with page.expect_navigation():
        page.get_by_label("Langue").select_option("en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Members directory")


def test_a_signed_in_administrators_header_keeps_its_budget(
    browser, browser_context_args, live_portal, public_site, administrator, screenshot
):
    """Signed in, the menu has four more links (groups, profile, administration, sign out)."""
    context = signed_in_context(browser, browser_context_args, live_portal, administrator, viewport=DESKTOP)
    page = context.new_page()
    page.goto("/")
    expect(
        page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Administration")
    ).to_be_visible()
    screenshot(page, "responsive-home-desktop-administrator")
    assert page.locator(".site-header").bounding_box()["height"] <= HEADER_BUDGET["desktop"]
    page.set_viewport_size(PHONE)
    assert page.locator(".site-header").bounding_box()["height"] <= HEADER_BUDGET["phone"]
    assert _no_sideways_scroll(page)
    assert_accessible(page, "the home page of a signed-in administrator on a phone")
    context.close()
