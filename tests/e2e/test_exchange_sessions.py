"""The Bourse d'échanges run from the site (#19), in Chromium: a club's exchange organiser plans a
session from the site (1280×800) and puts it on the agenda; firms without an account register there
from a phone (390×844), get their link by e-mail (real SMTP on loopback) and file a sheet; the session
moved, then cancelled, from its screen: its agenda entry says so and the firms are told; the
facilitator of a table follows the round on a tablet (768×1024), live. Every screen axe-core clean."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from cms.events.models import EventIndexPage, EventPage
from cms.models import HomePage
from knowledge.exchange import services
from knowledge.exchange.models import ExchangeSession, ResourceSheet
from portal.members import services as member_services
from portal.members.models import Role
from portal.members.scopes import ScopeKind
from tests.cms.pages import add_page
from tests.e2e.conftest import signed_in_context
from tests.e2e.test_site import assert_accessible
from tests.factories import ClubFactory, PersonFactory, UserFactory
from tests.knowledge.exchange.conftest import seated_session

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE = {"width": 390, "height": 844}
TABLET = {"width": 768, "height": 1024}
DESKTOP = {"width": 1280, "height": 800}


def no_sideways_scroll(page, what):
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth"), f"{what} scrolls sideways"


def club_organiser(club):
    person = PersonFactory(user__first_name="Élodie", user__last_name="Lambert")
    member_services.role_grant(
        person=person,
        role=Role.EXCHANGE_ORGANISER,
        scope_kind=ScopeKind.CLUB,
        scope_id=club.pk,
        by=UserFactory(is_superuser=True, is_staff=True),
    )
    return person


def register_firm(visitor, event_url, name, contact, email):
    visitor.goto(event_url)
    visitor.locator("#id_name").fill(name)
    visitor.locator("#id_contact_name").fill(contact)
    visitor.locator("#id_contact_email").fill(email)
    visitor.get_by_role("button", name="Inscrire mon entreprise").click()
    expect(visitor.get_by_role("status")).to_contain_text(f"{name} est inscrite")


def test_an_organiser_plans_a_session_on_the_site_and_firms_register_from_the_agenda(
    smtp_sink, browser, browser_context_args, live_portal, screenshot
):
    agenda = add_page(HomePage.objects.get(), EventIndexPage, title="Agenda")
    club = ClubFactory(name="Club des Tanneries")
    organiser = signed_in_context(
        browser, browser_context_args, live_portal, club_organiser(club), viewport=DESKTOP
    ).new_page()

    # The organiser plans the session from the site, not the admin.
    organiser.goto("/bourse/sessions/")
    organiser.get_by_role("link", name="Programmer une session").click()
    expect(organiser.get_by_role("heading", level=1)).to_have_text("Programmer une bourse d'échanges")
    assert_accessible(organiser, "session form (desktop)")
    day = datetime.date.today() + datetime.timedelta(days=30)
    organiser.locator("#id_title").fill("Bourse des Tanneries")
    organiser.locator("#id_date").fill(day.isoformat())
    organiser.locator("#id_venue").fill("Atelier Dubois, salle 2")
    # It goes on the agenda as it is planned (the box is ticked unless she says not yet).
    expect(organiser.get_by_role("checkbox", name="La mettre à l'agenda public")).to_be_checked()
    organiser.get_by_role("button", name="Programmer la session").click()
    expect(organiser.get_by_role("heading", level=1)).to_have_text("Bourse des Tanneries")
    expect(organiser.get_by_role("status")).to_contain_text("La session est programmée et à l'agenda")
    session = ExchangeSession.objects.get(title="Bourse des Tanneries")
    assert session.club == club and session.date == day
    assert_accessible(organiser, "session page (desktop)")
    screenshot(organiser, "exchange-session-planned-desktop")
    event = EventPage.objects.get(exchange_session=session)

    # Two firms without an account register from the agenda, on a phone.
    visitor = browser.new_context(**{**browser_context_args, "viewport": PHONE}).new_page()
    visitor.goto(agenda.url)
    visitor.get_by_role("link", name="Bourse des Tanneries").first.click()
    expect(visitor.get_by_role("button", name="Inscrire mon entreprise")).to_be_visible()
    no_sideways_scroll(visitor, "the event page")
    assert_accessible(visitor, "agenda's Bourse page (phone)")
    register_firm(visitor, event.url, "Menuiserie Lenoir", "Jeanne Lenoir", "jeanne@lenoir.example.org")
    screenshot(visitor, "exchange-agenda-registered-phone")
    register_firm(visitor, event.url, "Conserverie du Val", "Paul Girard", "paul@conserverie.example.org")
    assert sorted(session.registrations.values_list("organisation__name", flat=True)) == [
        "Conserverie du Val",
        "Menuiserie Lenoir",
    ]

    # Each got its own link by e-mail; one firm files an offer through it.
    smtp_sink.wait_for(2)
    sent = {recipients[0]: message.get_content() for recipients, message in smtp_sink.messages}
    assert set(sent) == {"jeanne@lenoir.example.org", "paul@conserverie.example.org"}
    link = re.search(r"http://\S+/bourse/entreprise/[\w-]+/", sent["jeanne@lenoir.example.org"]).group(0)
    visitor.goto(link)
    expect(visitor.get_by_role("heading", level=1, name="Menuiserie Lenoir")).to_be_visible()
    visitor.get_by_role("link", name="Déposer ce que nous proposons").click()
    visitor.locator("#id_category").select_option("materials")
    visitor.locator("#id_title").fill("Chutes de chêne")
    visitor.locator("#id_description").fill("Environ deux palettes par mois, propres et triées.")
    visitor.get_by_role("button", name="Enregistrer").click()
    expect(visitor.get_by_text("1 offre sur 5 attendues")).to_be_visible()
    assert ResourceSheet.objects.get(title="Chutes de chêne").organisation.name == "Menuiserie Lenoir"

    # The organiser sees both firms, ready to be seated.
    organiser.reload()
    expect(organiser.locator("main table").first).to_contain_text("Menuiserie Lenoir")
    expect(organiser.locator("main table").first).to_contain_text("Conserverie du Val")

    # Moved a week later from its screen: the agenda entry follows by itself. Then called off: the
    # entry says so, and takes no registration any more.
    organiser.get_by_role("link", name="Modifier la session").click()
    organiser.locator("#id_date").fill((day + datetime.timedelta(days=7)).isoformat())
    organiser.get_by_role("button", name="Enregistrer").click()
    visitor.goto(event.url)
    expect(visitor.get_by_text("Nouvelle date : cet événement était d'abord prévu le")).to_be_visible()
    organiser.locator("summary", has_text="Annuler la session").click()
    assert_accessible(organiser, "session page with its cancel form (desktop)")
    organiser.get_by_role("button", name="Oui, annuler cette matinée").click()
    expect(organiser.get_by_role("status")).to_contain_text("La session est annulée")
    expect(organiser.get_by_role("note")).to_contain_text("Cette session a été annulée le")
    smtp_sink.wait_for(4)  # both firms are told, at the addresses they gave
    told = {recipients[0]: message.get_content() for recipients, message in smtp_sink.messages[2:]}
    assert set(told) == {"jeanne@lenoir.example.org", "paul@conserverie.example.org"}
    assert all("Cette matinée est annulée" in body for body in told.values())
    visitor.reload()
    expect(visitor.get_by_role("note")).to_contain_text("Cette date est annulée : elle n'aura pas lieu.")
    expect(visitor.get_by_role("button", name="Inscrire mon entreprise")).to_have_count(0)
    assert_accessible(visitor, "cancelled Bourse on the agenda (phone)")
    screenshot(visitor, "exchange-agenda-cancelled-phone")


def test_the_facilitator_follows_the_round_on_a_tablet(browser, browser_context_args, live_portal, screenshot):
    organiser = UserFactory()
    from portal.members.models import PersonRole
    from tests.factories import OrganisationFactory

    member_services.person_create(user=organiser, organisation=OrganisationFactory(), role=PersonRole.ORGANISER)
    session, tables, secretaries = seated_session(organiser, 8)
    facilitator = PersonFactory(user__first_name="Fanny", user__last_name="Animatrice")
    services.table_assign(table=tables[0], facilitator=facilitator, secretary=secretaries[0].person, by=organiser)
    services.round_advance(session=session, by=organiser)

    screen = signed_in_context(browser, browser_context_args, live_portal, facilitator, viewport=TABLET).new_page()
    screen.goto(session.get_absolute_url())
    screen.get_by_role("link", name="Mon écran d'animateur, table 1").click()
    expect(screen.get_by_role("heading", level=1)).to_contain_text("Round 1")
    expect(screen.locator("#round-clock")).to_have_text(re.compile(r"^\d+:\d\d$"))
    expect(screen.locator("#sheet-title")).to_have_text(re.compile("^Offre de "))
    expect(screen.locator('#running-order li[aria-current="step"]')).to_have_count(1)
    no_sideways_scroll(screen, "the facilitator's screen")
    for button in ("Fiche suivante", "Fiche précédente"):
        box = screen.get_by_role("button", name=button).bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44
    assert_accessible(screen, "facilitator's screen (tablet)")
    first = screen.locator("#sheet-title").inner_text()
    screen.get_by_role("button", name="Fiche suivante").click()
    expect(screen.locator("#sheet-title")).not_to_have_text(first)
    screenshot(screen, "exchange-facilitator-tablet")

    # The organiser starts round 2: the facilitator's screen follows by itself.
    services.round_advance(session=session, by=organiser)
    expect(screen.get_by_role("heading", level=1)).to_contain_text("Round 2", timeout=15000)
    expect(screen.locator("#sheet-title")).to_have_text(re.compile("^Besoin de "))

    screen.set_viewport_size(PHONE)
    no_sideways_scroll(screen, "the facilitator's screen on a phone")
    assert_accessible(screen, "facilitator's screen (phone)")
