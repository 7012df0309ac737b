"""A Bourse d'échanges morning in two browsers: the organiser starts the first round, a table's
secretary records two YES on a tablet-sized screen, the organiser's live view shows them, and after
the session a firm downloads its workbook."""

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from knowledge.exchange import services
from knowledge.exchange.models import Direction, ExchangeSession, Interest, ResourceSheet
from portal.members import services as member_services
from portal.members.models import PersonRole
from tests.e2e.conftest import signed_in_context
from tests.factories import OrganisationFactory, PersonFactory, UserFactory, ZoneFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def signed_in_page(browser, browser_context_args, live_portal, user, **extra):
    return signed_in_context(browser, browser_context_args, live_portal, user, **extra).new_page()


@pytest.fixture
def morning():
    organiser = UserFactory(first_name="Élodie", last_name="Lambert")
    member_services.person_create(user=organiser, organisation=OrganisationFactory(), role=PersonRole.ORGANISER)
    zone = ZoneFactory(name="Parc des Tanneries")
    firms = [OrganisationFactory(name=f"Entreprise {letter}", zone=zone) for letter in "ABCDEF"]
    session = ExchangeSession.objects.create(title="Bourse du printemps", date="2026-12-03", venue="Salle du club")
    for firm in firms:
        PersonFactory(organisation=firm, user__first_name="Contact", user__last_name=firm.name[-1])
        ResourceSheet.objects.create(
            organisation=firm, direction=Direction.OFFER, category="materials",
            title=f"Palettes de l'entreprise {firm.name[-1]}", description="Palettes bois en bon état.",
        )  # fmt: skip
        services.registration_add(session=session, organisation=firm, by=organiser)
    tables = services.seating_plan(session=session, by=organiser)
    secretary = PersonFactory(user__first_name="Sam", user__last_name="Secrétaire")
    services.table_assign(table=tables[0], facilitator=None, secretary=secretary, by=organiser)
    return {"organiser": organiser, "secretary": secretary.user, "session": session, "table": tables[0]}


def test_a_round_is_run_live_and_a_firm_downloads_its_workbook(
    browser, browser_context_args, live_portal, morning, screenshot
):
    session, table = morning["session"], morning["table"]
    organiser = signed_in_page(browser, browser_context_args, live_portal, morning["organiser"])
    organiser.goto(f"/bourse/sessions/{session.pk}/pilotage/")
    expect(organiser.locator("body")).to_have_attribute("data-connection", "connected")
    organiser.locator("button[name=action][value=advance]").click()
    expect(organiser.locator("body")).to_have_attribute("data-connection", "connected")
    expect(organiser.locator("#round-label")).to_contain_text("1")

    secretary = signed_in_page(
        browser, browser_context_args, live_portal, morning["secretary"], viewport={"width": 1024, "height": 768}
    )
    secretary.goto(f"/bourse/sessions/{session.pk}/tables/{table.number}/")
    expect(secretary.locator("#sheet-title")).to_be_visible()
    firms = secretary.locator("#firms .firm-answer")
    expect(firms).to_have_count(table.registrations.count())
    # The sheet shown first belongs to one of the table's firms: that firm has no buttons.
    first_with_buttons = firms.filter(has=secretary.locator(".answer-yes")).first
    first_with_buttons.locator(".answer-yes").click()  # by touch
    secretary.keyboard.press("ArrowRight")  # next sheet, then a YES by keyboard for the first firm that can answer
    expect(secretary.locator("#sheet-position")).to_contain_text("2 /")
    rows = secretary.locator("#firms .firm-answer")
    index = next(i for i in range(rows.count()) if rows.nth(i).locator(".answer-yes").count())
    secretary.keyboard.press(str(index + 1))
    expect(secretary.locator("body")).to_have_attribute("data-queue", "0")
    expect(secretary.locator("#firms .answer-yes[aria-pressed=true]")).to_have_count(1)
    screenshot(secretary, "exchange-secretary")

    # The organiser's screen shows the two YES of that table without a reload.
    row = organiser.locator(f'tr[data-table="{table.number}"]')
    expect(row.locator(".yes")).to_have_text("2")
    expect(row.locator(".sheets")).to_have_text("2")
    screenshot(organiser, "exchange-organiser-live")
    assert Interest.objects.filter(session=session, interested=True).count() == 2

    # A reload keeps what was recorded.
    secretary.reload()
    secretary.keyboard.press("ArrowLeft")
    expect(secretary.locator("#firms .answer-yes[aria-pressed=true]")).to_have_count(1)

    # After the session: close, build the workbooks; a firm that said YES downloads its own.
    organiser.locator("button[name=action][value=close]").click()
    organiser.goto(f"/bourse/sessions/{session.pk}/classeurs/")
    organiser.locator("form[method=post] button[type=submit]").last.click()
    expect(organiser.locator("a[href$='.zip']")).to_be_visible()

    interested = Interest.objects.filter(session=session, interested=True).first().organisation
    firm_page = signed_in_page(browser, browser_context_args, live_portal, interested.people.first().user)
    firm_page.goto(f"/bourse/sessions/{session.pk}/")
    with firm_page.expect_download() as download_info:
        firm_page.locator(f"a[href$='entreprise-{interested.pk}.xlsx']").click()
    workbook = load_workbook(io.BytesIO(Path(download_info.value.path()).read_bytes()))
    titles = [row[0] for row in workbook.worksheets[0].iter_rows(min_row=3, values_only=True)]
    expected = Interest.objects.filter(session=session, organisation=interested, interested=True)
    assert sorted(titles) == sorted(expected.values_list("sheet__title", flat=True))


PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
TABLET_PORTRAIT = {"width": 768, "height": 1024}
TABLET_LANDSCAPE = {"width": 1024, "height": 768}
# Every control the secretary touches during a round: the YES/NO of each firm, the sheet arrows, the
# header's links and buttons. WCAG 2.5.5 asks 44×44 CSS pixels.
TARGETS = "main button, main a, main input[type=checkbox], header button, header a, header input, header select"
SMALL_TARGETS_JS = """(selector) => [...document.querySelectorAll(selector)]
    .filter((element) => element.offsetParent !== null)
    .map((element) => [element, element.getBoundingClientRect()])
    .filter(([, box]) => box.bottom > 0 && box.right > 0)  // a skip link waits off the screen
    .filter(([, box]) => box.width < 44 || box.height < 44)
    .map(([element, box]) => [element.tagName.toLowerCase(),
        JSON.stringify((element.textContent || element.getAttribute("aria-label") || "").trim().slice(0, 30)),
        `${Math.round(box.width)}×${Math.round(box.height)}`].join(" "))"""


def test_the_secretarys_screen_fits_a_tablet_held_either_way(
    browser, browser_context_args, live_portal, morning, screenshot
):
    from tests.e2e.test_site import assert_accessible

    session, table = morning["session"], morning["table"]
    services.round_advance(session=session, by=morning["organiser"])  # the first round is on
    secretary = signed_in_page(
        browser, browser_context_args, live_portal, morning["secretary"], viewport=TABLET_PORTRAIT, has_touch=True
    )
    problems = []
    # Held either way on a tablet (#17), and on a phone or a desktop when no tablet is at hand.
    sizes = {"portrait": TABLET_PORTRAIT, "landscape": TABLET_LANDSCAPE, "phone": PHONE, "desktop": DESKTOP}
    for name, size in sizes.items():
        secretary.set_viewport_size(size)
        secretary.goto(f"/bourse/sessions/{session.pk}/tables/{table.number}/")
        assert secretary.evaluate("matchMedia('(pointer: coarse)').matches"), "a touch screen, as a tablet's"
        expect(secretary.locator("#firms .answer-yes").first).to_be_visible()
        screenshot(secretary, f"exchange-secretary-{name}")
        if not secretary.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth"):
            problems.append(
                f"{name}: scrolls sideways ({secretary.evaluate('document.scrollingElement.scrollWidth')} px)"
            )
        header = secretary.locator(".site-header").bounding_box()["height"]
        if header > (64 if size["width"] < 1024 else 120):  # one line under 1024 px, two at most above
            problems.append(f"{name}: the header is {header:.0f} px high")
        small = secretary.evaluate(SMALL_TARGETS_JS, TARGETS) if name != "desktop" else []  # a mouse there
        if small:
            problems.append(f"{name}: targets under 44 px: {small}")
        assert_accessible(secretary, f"secretary's screen, {name}")
    assert not problems, problems
