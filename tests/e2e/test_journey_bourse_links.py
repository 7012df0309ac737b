"""The journey of #19's "Done when", in Chromium: a club's exchange organiser plans a Bourse from the
site and puts it on the agenda (1280×800); twelve firms register, eight without an account (one from
the agenda on a phone, 390×844, who gets its link by e-mail through a real SMTP server on loopback and
files its sheet through it); the morning runs (seated, two YES recorded, closed); the organiser builds
the workbooks and e-mails each firm its link; the two YES are potential synergies, one of which the
organiser follows to done with 3 tonnes diverted; the club's funnel shows it, on a desktop and a phone.
The firms, their sheets and the morning's answers are seeded through the services; only the key
screens are driven in the browser, each axe-core clean, a screenshot a step."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from cms.events.models import EventIndexPage, EventPage
from cms.models import HomePage
from knowledge.exchange import services
from knowledge.exchange.models import (
    Direction,
    ExchangeSession,
    ParticipationLink,
    Registration,
    Synergy,
    SynergyStatus,
)
from tests.cms.pages import add_page
from tests.e2e.conftest import signed_in_context
from tests.e2e.test_exchange_sessions import DESKTOP, PHONE, club_organiser, no_sideways_scroll, register_firm
from tests.e2e.test_site import assert_accessible
from tests.factories import ClubFactory, OrganisationFactory, PersonFactory, ZoneFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

WITHOUT_ACCOUNT = ["Conserverie du Val", "Distillerie Arnaud", "Électro Services", "Fonderie Martel",
                   "Garage Morel", "Huilerie Blanc", "Imprimerie Roux"]  # fmt: skip  # + one from the browser
MEMBERS = ["Atelier Bois Vif", "Biscuiterie Lemoine", "Cartonnages Petit", "Ferme Vidal"]


def sheet(direction, title):
    return {"direction": direction, "category": "materials", "title": title, "description": "Chaque mois."}


def seed_the_other_firms(session, organiser_user):
    """Eleven firms registered through the services: seven from the agenda without an account (each
    files an offer and a need through its link), four members registered from their account."""
    for name in WITHOUT_ACCOUNT:
        registration = services.registration_by_firm(
            session=session, name=name, siret="", contact_name=f"Contact {name.split()[-1]}",
            contact_email=f"contact@{name.split()[-1].lower()}.example.org", base_url="http://unused/",
        )  # fmt: skip
        link = ParticipationLink.objects.get(registration=registration)
        services.sheet_create_by_link(link=link, **sheet(Direction.OFFER, f"Palettes de {name}"))
        services.sheet_create_by_link(link=link, **sheet(Direction.NEED, f"Cartons pour {name}"))
    zone = ZoneFactory()
    for name in MEMBERS:
        firm = OrganisationFactory(name=name, zone=zone, email=f"accueil@{name.split()[-1].lower()}.example.org")
        member = PersonFactory(organisation=firm)
        services.registration_add(session=session, organisation=firm, by=member.user)
        services.sheet_create(by=member.user, organisation=firm, **sheet(Direction.OFFER, f"Chutes de {name}"))
        services.sheet_create(by=member.user, organisation=firm, **sheet(Direction.NEED, f"Bois pour {name}"))


def run_the_morning(session, organiser_user):
    """Seated, round 1 (offers): two YES at table 1 to another firm's offers; then closed."""
    tables = services.seating_plan(session=session, by=organiser_user)
    secretary = PersonFactory(organisation=OrganisationFactory())
    services.table_assign(table=tables[0], facilitator=None, secretary=secretary, by=organiser_user)
    services.round_advance(session=session, by=organiser_user)
    seated = list(tables[0].registrations.order_by("organisation__name").values_list("organisation_id", flat=True))
    offers = session.organisations.exclude(pk__in=seated[:2]).first().resource_sheets.filter(direction="offer")
    for firm_id in seated[:2]:
        services.interest_record(
            table=tables[0], sheet_id=offers.first().pk, organisation_id=firm_id, interested=True, by=secretary.user
        )
    services.session_close(session=session, by=organiser_user)


def test_an_organiser_runs_a_bourse_from_the_agenda_to_the_club_s_funnel(
    smtp_sink, browser, browser_context_args, live_portal, screenshot
):
    # smtp_sink first: the server under test reads the SMTP address when it starts.
    agenda = add_page(HomePage.objects.get(), EventIndexPage, title="Agenda")
    club = ClubFactory(name="Club des Tanneries")
    organiser_person = club_organiser(club)
    organiser_user = organiser_person.user
    organiser = signed_in_context(browser, browser_context_args, live_portal, organiser_person, viewport=DESKTOP)
    page = organiser.new_page()

    # 1. Planned from the site: it goes on the agenda as it is planned.
    page.goto("/bourse/sessions/")
    page.get_by_role("link", name="Programmer une session").click()
    day = datetime.date.today() + datetime.timedelta(days=21)
    page.locator("#id_title").fill("Bourse des Tanneries")
    page.locator("#id_date").fill(day.isoformat())
    page.locator("#id_venue").fill("Atelier Dubois, salle 2")
    page.get_by_role("button", name="Programmer la session").click()
    expect(page.get_by_role("status")).to_contain_text("La session est programmée et à l'agenda")
    screenshot(page, "journey-bourse-1-planned")
    session = ExchangeSession.objects.get(title="Bourse des Tanneries", club=club)
    event = EventPage.objects.get(exchange_session=session)

    # 2. On the agenda, a firm without an account registers from a phone and files through its link.
    visitor = browser.new_context(**{**browser_context_args, "viewport": PHONE}).new_page()
    visitor.goto(agenda.url)
    visitor.get_by_role("link", name="Bourse des Tanneries").first.click()
    no_sideways_scroll(visitor, "the agenda's Bourse page")
    assert_accessible(visitor, "agenda's Bourse page (phone)")
    register_firm(visitor, event.url, "Menuiserie Lenoir", "Jeanne Lenoir", "jeanne@lenoir.example.org")
    screenshot(visitor, "journey-bourse-2-registered-phone")
    smtp_sink.wait_for(1)
    link = re.search(r"http://\S+/bourse/entreprise/[\w-]+/", smtp_sink.messages[0][1].get_content()).group(0)
    visitor.goto(link)
    visitor.get_by_role("link", name="Déposer ce que nous proposons").click()
    visitor.locator("#id_category").select_option("materials")
    visitor.locator("#id_title").fill("Chutes de chêne")
    visitor.locator("#id_description").fill("Environ deux palettes par mois, propres et triées.")
    visitor.get_by_role("button", name="Enregistrer").click()
    expect(visitor.get_by_text("1 offre sur 5 attendues")).to_be_visible()
    screenshot(visitor, "journey-bourse-3-sheet-by-link-phone")

    # The eleven other firms (seven without an account), then the morning.
    seed_the_other_firms(session, organiser_user)
    assert session.registrations.count() == 12
    assert session.organisations.filter(people__isnull=True).count() == 8  # eight firms without an account
    run_the_morning(session, organiser_user)
    assert Synergy.objects.filter(session=session, status=SynergyStatus.IDEA).count() == 2  # the two YES

    # 3. The workbooks built and e-mailed, each firm its own link.
    page.goto(session.get_absolute_url())
    page.get_by_role("link", name="Classeurs").click()
    page.get_by_role("button", name="Préparer les classeurs").click()
    page.get_by_role("button", name="Envoyer à chaque entreprise le lien de son classeur").click()
    expect(page.get_by_role("status").filter(has_text="Les liens des classeurs sont")).to_be_visible()
    smtp_sink.wait_for(13)
    workbook_mails = {recipients[0] for recipients, message in smtp_sink.messages[1:]}
    assert len(workbook_mails) == 12 and "jeanne@lenoir.example.org" in workbook_mails
    assert_accessible(page, "workbooks page (desktop)")
    screenshot(page, "journey-bourse-4-workbooks-sent")

    # 4. One of the two synergies followed to done, 3 tonnes diverted.
    page.goto(f"/bourse/sessions/{session.pk}/synergies/")
    expect(page.locator(".synergy-card")).to_have_count(2)
    page.locator(".synergy-card").first.get_by_role("link", name="Suivre").click()
    page.locator("#id_status").select_option("implemented")
    page.locator("#id_tonnes_per_year").fill("3")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("status").filter(has_text="Vos modifications sont enregistrées")).to_be_visible()
    screenshot(page, "journey-bourse-5-synergy-done")
    assert Synergy.objects.filter(session=session, status=SynergyStatus.IMPLEMENTED, tonnes_per_year=3).count() == 1

    # 5. The club's funnel shows it, on a desktop and on a phone.
    page.goto(f"/bourse/resultats/?club={club.slug}")
    totals = page.locator("#funnel-totals")
    expect(totals.locator("dt")).to_have_text(["OUI", "Contacts", "Synergies réalisées", re.compile("^Tonnes"),
                                               re.compile("^Euros"), re.compile(".")])  # fmt: skip
    expect(totals.locator("dd").nth(0)).to_have_text("2")  # the two YES
    expect(totals.locator("dd").nth(2)).to_have_text(re.compile(r"^1\b"))  # one synergy done
    expect(totals.locator("dd").nth(3)).to_have_text("3")  # tonnes diverted
    expect(page.locator("#funnel-sessions")).to_contain_text("Bourse des Tanneries")
    assert_accessible(page, "club's funnel (desktop)")
    screenshot(page, "journey-bourse-6-funnel-desktop")
    page.set_viewport_size(PHONE)
    no_sideways_scroll(page, "the club's funnel")
    assert_accessible(page, "club's funnel (phone)")
    screenshot(page, "journey-bourse-7-funnel-phone")
    assert Registration.objects.filter(session=session).count() == 12
