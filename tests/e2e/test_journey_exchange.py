"""Journey of an exchange organiser: signs in, registers six firms to a Bourse d'échanges, seats
them, names a table's secretary, runs two rounds (offers, then needs) while the secretary records
answers on a tablet-sized screen, closes the session, builds the workbooks; a firm downloads its
own, on its phone (390×844), and finds one row per YES, with the counterpart's contact. The organiser's
screens, seen at desktop size (1280×800), are checked again at phone size (tests/e2e/sizes.py: no sideways scroll, the
action reachable, axe-core clean)."""

import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from knowledge.exchange.models import Direction, ExchangeSession, Interest, ResourceSheet
from portal.members import services as member_services
from portal.members.models import PersonRole
from portal.privacy.models import Purpose
from portal.privacy.services import consent_give
from tests.e2e.conftest import sign_in_through_the_form, signed_in_context
from tests.e2e.sizes import DESKTOP, PHONE, at_phone_too, check_screen
from tests.factories import PASSWORD, OrganisationFactory, PersonFactory, UserFactory, ZoneFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

FIRMS = ["Atelier Bois Vif", "Biscuiterie Lemoine", "Cartonnages du Val", "Distillerie Arnaud", "Électro Services",
         "Fonderie Martel"]  # fmt: skip


@pytest.fixture
def spring_session():
    organiser = UserFactory(first_name="Élodie", last_name="Lambert", email="elodie.lambert@example.org")
    member_services.person_create(user=organiser, organisation=OrganisationFactory(), role=PersonRole.ORGANISER)
    zone = ZoneFactory(name="Parc des Tanneries")
    for name in FIRMS:
        firm = OrganisationFactory(name=name, zone=zone)
        contact = PersonFactory(organisation=firm, user__first_name="Contact", user__last_name=name.split()[-1])
        # Named in the workbooks because they agreed to be shown as their firm's contact.
        consent_give(person=contact, purpose=Purpose.CONTACT, by=contact.user)
        ResourceSheet.objects.create(
            organisation=firm, direction=Direction.OFFER, category="materials",
            title=f"Palettes de {name}", description="Palettes bois en bon état.",
        )  # fmt: skip
        ResourceSheet.objects.create(
            organisation=firm, direction=Direction.NEED, category="services",
            title=f"Transport pour {name}", description="Une livraison par semaine vers Lyon.",
        )  # fmt: skip
    session = ExchangeSession.objects.create(title="Bourse du printemps", date="2026-12-03", venue="Salle du club")
    secretary = PersonFactory(user__first_name="Sam", user__last_name="Secrétaire")
    return {"organiser": organiser, "secretary": secretary, "session": session}


def open_session(page):
    """The session's page, through the site's menu and the exchange's own."""
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Bourse d'échanges").click()
    page.get_by_role("navigation", name="Bourse d'échanges").get_by_role("link", name="Bourses d'échanges").click()
    page.get_by_role("link", name="Bourse du printemps").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bourse du printemps")


def yes_for(secretary, firm_name):
    """On the secretary's screen, a YES for `firm_name` on the first sheet it can answer (its own has no buttons)."""
    for _ in range(20):
        row = secretary.locator("#firms .firm-answer", has_text=firm_name)
        if row.locator(".answer-yes").count():
            title = secretary.locator("#sheet-title").inner_text()
            row.locator(".answer-yes").click()
            expect(row.locator(".answer-yes")).to_have_attribute("aria-pressed", "true")
            expect(secretary.locator("body")).to_have_attribute("data-queue", "0")
            return title
        secretary.keyboard.press("ArrowRight")
    raise AssertionError(f"no sheet {firm_name} can answer")


def test_an_organiser_runs_a_two_round_session_and_a_firm_downloads_its_workbook(
    browser, browser_context_args, live_portal, spring_session, screenshot
):
    session = spring_session["session"]
    organiser = browser.new_context(**{**browser_context_args, "viewport": DESKTOP}).new_page()
    sign_in_through_the_form(organiser, "elodie.lambert@example.org", PASSWORD)
    open_session(organiser)

    # Register the six firms.
    organiser.locator("summary", has_text="Inscrire des entreprises").click()
    organiser.get_by_label("Entreprises à inscrire").select_option(label=FIRMS)
    organiser.locator("form", has=organiser.get_by_label("Entreprises à inscrire")).get_by_role("button").click()
    for name in FIRMS:
        expect(organiser.locator("main table").first).to_contain_text(name)
    screenshot(organiser, "journey-exchange-1-registered")
    assert session.registrations.count() == 6

    # Seat them, and name the secretary of table 1.
    organiser.get_by_role("link", name="Plan de table").click()
    organiser.get_by_role("button", name="Placer les entreprises").click()
    staff = organiser.locator("form.staff-form").first
    staff.get_by_label("Secrétaire", exact=True).select_option(label="Sam Secrétaire")
    staff.get_by_role("button", name="Enregistrer").click()
    expect(organiser.locator("main")).to_contain_text("Sam Secrétaire")
    screenshot(organiser, "journey-exchange-2-seated")
    at_phone_too(organiser, "journey-exchange-2-seated", screenshot)
    table = session.tables.get(number=1)
    assert table.secretary == spring_session["secretary"]
    firm_name = table.registrations.order_by("organisation__name").first().organisation.name

    # Round 1.
    organiser.get_by_role("link", name="Retour à la bourse").click()
    organiser.get_by_role("link", name="Animer les rounds").click()
    organiser.get_by_role("button", name="Lancer le premier round").click()
    expect(organiser.locator("#round-label")).to_contain_text("Round 1")
    expect(organiser.locator("body")).to_have_attribute("data-connection", "connected")

    secretary = signed_in_context(
        browser, browser_context_args, live_portal, spring_session["secretary"], viewport={"width": 1024, "height": 768}
    ).new_page()
    secretary.goto("/")
    open_session(secretary)
    secretary.get_by_role("link", name="Mon écran de secrétaire, table 1").click()
    expect(secretary.get_by_role("heading", level=1)).to_contain_text("Round 1")
    offer_title = yes_for(secretary, firm_name)
    screenshot(secretary, "journey-exchange-3-secretary-round-1")
    row = organiser.locator('tr[data-table="1"]')
    expect(row.locator(".yes")).to_have_text("1")

    # Round 2: the secretary's screen follows by itself.
    organiser.get_by_role("button", name="Lancer le round suivant").click()
    expect(organiser.locator("#round-label")).to_contain_text("Round 2")
    expect(secretary.get_by_role("heading", level=1)).to_contain_text("Round 2")
    need_title = yes_for(secretary, firm_name)
    screenshot(secretary, "journey-exchange-4-secretary-round-2")
    expect(row.locator(".yes")).to_have_text("1")  # the table's count of the current round
    screenshot(organiser, "journey-exchange-5-organiser-live")
    at_phone_too(organiser, "journey-exchange-5-organiser-live", screenshot,
               action=organiser.get_by_role("button", name="Clôturer la bourse"))  # fmt: skip
    assert set(Interest.objects.filter(session=session, interested=True).values_list("round", flat=True)) == {1, 2}

    # Close, build the workbooks.
    organiser.get_by_role("button", name="Clôturer la bourse").click()
    expect(organiser.locator("#round-label")).to_have_text(re.compile("clôturée"))
    open_session(organiser)
    organiser.get_by_role("link", name="Classeurs").click()
    organiser.locator("form[method=post] button[type=submit]").last.click()
    expect(organiser.locator("a[href$='.zip']")).to_be_visible()
    screenshot(organiser, "journey-exchange-6-workbooks")
    at_phone_too(organiser, "journey-exchange-6-workbooks", screenshot, action=organiser.locator("a[href$='.zip']"))

    # The firm downloads its own workbook from the session's page.
    firm = ExchangeSession.objects.get(pk=session.pk).registrations.get(organisation__name=firm_name).organisation
    firm_page = signed_in_context(
        browser, browser_context_args, live_portal, firm.people.first(), viewport=PHONE
    ).new_page()
    firm_page.goto("/")
    firm_page.get_by_role("button", name="Menu").click()  # the phone's header folds the menu
    open_session(firm_page)
    check_screen(firm_page, "journey-exchange-7-firm-session", screenshot,
                 action=firm_page.get_by_role("link", name="Télécharger le fichier de mon entreprise"))  # fmt: skip
    with firm_page.expect_download() as download_info:
        firm_page.get_by_role("link", name="Télécharger le classeur de mon entreprise").click()
    workbook = load_workbook(io.BytesIO(Path(download_info.value.path()).read_bytes()))
    offers, needs = (list(sheet.iter_rows(min_row=3, values_only=True)) for sheet in workbook.worksheets)
    owner = {title: ResourceSheet.objects.get(title=title).organisation.name for title in (offer_title, need_title)}
    assert [(row[0], row[2]) for row in offers] == [(offer_title, owner[offer_title])]
    assert [(row[0], row[2]) for row in needs] == [(need_title, owner[need_title])]
    assert all(row[3].startswith("Contact ") for row in offers + needs)  # the counterpart's contact, who agreed
    assert all(row[4] and "@" in row[4] for row in offers + needs)  # the counterpart's e-mail
