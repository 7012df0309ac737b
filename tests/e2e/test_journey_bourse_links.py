"""The journey of #19's "Done when", which is also release two's journey 2 (#23), in Chromium: a firm
without an account files its sheets by link, takes part in a Bourse morning, gets its workbook by
e-mail, and a YES becomes a done synergy on the club's funnel.

A club's exchange organiser plans a Bourse from the site and puts it on the agenda. Menuiserie Lenoir,
without an account, registers from the agenda on a phone, gets its link by e-mail (a real SMTP server on
loopback), files an offer and a need through it and names its contact. Seven other firms register from
the agenda (seeded through the services: not this journey) and the organiser registers four member
firms from the session's page. On the morning she seats the firms and runs two rounds; the secretary of
Lenoir's table records its YES on her phone, and her screen follows the second round by itself; Lenoir
answers the satisfaction questionnaire through its link. The organiser closes the session and e-mails
each firm its workbook's link: Lenoir reads the e-mail, opens its page on a phone and downloads a
workbook with its YES and the counterparts' contacts; the member firm whose offer it wants downloads its
own, signed in, and finds Lenoir's contact. The organiser follows Lenoir's YES to a done synergy (3
tonnes diverted) and the club's funnel counts it. Each step's screen is checked at desktop (1280×800)
and phone (390×844) size, axe-core clean, a screenshot of each (test-artifacts/e2e/journey-2-*.png).
(This test took in the organiser's two-round morning of test_journey_exchange.py, which it replaces.)"""

import datetime
import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from cms.events.models import EventIndexPage, EventPage
from cms.models import HomePage
from knowledge.exchange import services
from knowledge.exchange.models import (
    Direction,
    ExchangeSession,
    ParticipationLink,
    Registration,
    ResourceSheet,
    Synergy,
    SynergyStatus,
)
from portal.members.models import Organisation
from tests.cms.pages import add_page
from tests.e2e.conftest import signed_in_context
from tests.e2e.journeys import DESKTOP, PHONE, Journey
from tests.e2e.test_exchange_sessions import club_organiser, register_firm
from tests.factories import ClubFactory, OrganisationFactory, PersonFactory, ZoneFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

WITHOUT_ACCOUNT = ["Conserverie du Val", "Distillerie Arnaud", "Électro Services", "Fonderie Martel",
                   "Garage Morel", "Huilerie Blanc", "Imprimerie Roux"]  # fmt: skip  # + one from the browser
MEMBERS = ["Atelier Bois Vif", "Biscuiterie Lemoine", "Cartonnages Petit", "Ferme Vidal"]


def sheet(direction, title):
    return {"direction": direction, "category": "materials", "title": title, "description": "Chaque mois."}


def seed_the_other_firms(session):
    """Seven firms registered through the services from the agenda without an account (each files an
    offer and a need through its link); four member firms with their sheets, not registered yet."""
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
        services.sheet_create(by=member.user, organisation=firm, **sheet(Direction.OFFER, f"Chutes de {name}"))
        services.sheet_create(by=member.user, organisation=firm, **sheet(Direction.NEED, f"Bois pour {name}"))


def yes_for(secretary, firm_name):
    """On the secretary's screen, a YES for `firm_name` on the first sheet it can answer (its own has no
    buttons): returns that sheet's title."""
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


def link_in(smtp_sink, recipient, number):
    """The firm's link in the `number`-th e-mail `recipient` received."""
    contents = [message.get_content() for recipients, message in smtp_sink.messages if recipient in recipients]
    return re.search(r"http://\S+/bourse/entreprise/[\w-]+/", contents[number]).group(0)


def test_a_firm_without_an_account_goes_from_its_link_to_a_done_synergy_on_the_club_s_funnel(
    smtp_sink, browser, browser_context_args, live_portal, screenshot
):
    # smtp_sink first: the server under test reads the SMTP address when it starts.
    journey = Journey(2, screenshot)
    agenda = add_page(HomePage.objects.get(), EventIndexPage, title="Agenda")
    club = ClubFactory(name="Club des Tanneries")
    organiser_person = club_organiser(club)
    secretary_person = PersonFactory(user__first_name="Sam", user__last_name="Secrétaire")
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
    journey.check(page, "planned", action=lambda page: page.get_by_role("link", name="Plan de table"))
    session = ExchangeSession.objects.get(title="Bourse des Tanneries", club=club)
    event = EventPage.objects.get(exchange_session=session)

    # 2. On the agenda, the firm without an account registers from a phone and gets its link by e-mail.
    firm = browser.new_context(**{**browser_context_args, "viewport": PHONE}).new_page()
    firm.goto(agenda.url)
    firm.get_by_role("link", name="Bourse des Tanneries").first.click()
    journey.check(firm, "agenda-page", action=lambda page: page.get_by_role("button", name="Inscrire mon entreprise"))
    register_firm(firm, event.url, "Menuiserie Lenoir", "Jeanne Lenoir", "jeanne@lenoir.example.org")
    smtp_sink.wait_for(1)

    # 3. Through its link, on the phone: an offer, a need, and the contact the other firms will call.
    firm.goto(link_in(smtp_sink, "jeanne@lenoir.example.org", 0))
    journey.check(firm, "firm-page", action=lambda page: page.get_by_role("link", name="Déposer ce que nous proposons"))
    for button, title in (("Déposer ce que nous proposons", "Chutes de chêne"),
                          ("Déposer ce dont nous avons besoin", "Cartons d'emballage")):  # fmt: skip
        firm.get_by_role("link", name=button).click()
        firm.locator("#id_category").select_option("materials")
        firm.locator("#id_title").fill(title)
        firm.locator("#id_description").fill("Environ deux palettes par mois, propres et triées.")
        if title == "Chutes de chêne":
            journey.check(firm, "sheet-by-link", action=lambda page: page.get_by_role("button", name="Enregistrer"))
        firm.get_by_role("button", name="Enregistrer").click()
    expect(firm.get_by_text("1 offre sur 5 attendues")).to_be_visible()
    expect(firm.get_by_text("1 besoin sur 5 attendus")).to_be_visible()
    firm.get_by_label("Nous acceptons").check()
    firm.get_by_role("button", name="Enregistrer le contact").click()
    expect(firm.get_by_role("status")).to_contain_text("Votre contact est enregistré")
    journey.check(firm, "sheets-filed")

    # Seven other firms without an account register from the agenda (not this journey); the organiser
    # registers four member firms from the session's page.
    seed_the_other_firms(session)
    page.goto(session.get_absolute_url())
    page.locator("summary", has_text="Inscrire des entreprises").click()
    page.get_by_label("Entreprises à inscrire").select_option(label=MEMBERS)
    page.locator("form", has=page.get_by_label("Entreprises à inscrire")).get_by_role("button").click()
    for name in MEMBERS:
        expect(page.locator("main table").first).to_contain_text(name)
    assert session.registrations.count() == 12
    assert session.organisations.filter(people__isnull=True).count() == 8  # eight firms without an account

    # 4. The morning: the organiser seats the firms and names the secretary of Lenoir's table.
    page.get_by_role("link", name="Plan de table").click()
    page.get_by_role("button", name="Placer les entreprises").click()
    lenoir = session.registrations.get(organisation__name="Menuiserie Lenoir")
    table = lenoir.table
    if session.registrations.get(organisation__name="Atelier Bois Vif").table_id != table.pk:
        # A member firm moved to Lenoir's table by hand (its YES is read back in its own workbook below).
        page.locator("#id_organisation").select_option(label="Atelier Bois Vif")
        page.locator("#id_table").select_option(str(table.pk))
        page.get_by_role("button", name="Déplacer").click()
        expect(page.get_by_role("status")).to_contain_text("L'entreprise a changé de table.")
    staff = page.locator("form.staff-form", has=page.locator(f"input[name=table][value='{table.pk}']"))
    staff.get_by_label("Secrétaire", exact=True).select_option(label="Sam Secrétaire")
    staff.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("main")).to_contain_text("Sam Secrétaire")
    journey.check(page, "seated")
    page.get_by_role("link", name="Retour à la bourse").click()
    page.get_by_role("link", name="Animer les rounds").click()
    page.get_by_role("button", name="Lancer le premier round").click()
    expect(page.locator("#round-label")).to_contain_text("Round 1")
    expect(page.locator("body")).to_have_attribute("data-connection", "connected")
    journey.check(page, "round-1", action=lambda page: page.get_by_role("button", name="Lancer le round suivant"))

    # On her phone, the secretary records Lenoir's YES to another firm's offer, and its neighbour's.
    secretary = signed_in_context(browser, browser_context_args, live_portal, secretary_person, viewport=PHONE)
    table_screen = secretary.new_page()
    table_screen.goto(session.get_absolute_url())
    table_screen.get_by_role("link", name=f"Mon écran de secrétaire, table {table.number}").click()
    expect(table_screen.get_by_role("heading", level=1)).to_contain_text("Round 1")
    lenoir_yes = yes_for(table_screen, "Menuiserie Lenoir")
    member_yes = yes_for(table_screen, "Atelier Bois Vif")
    journey.check(table_screen, "secretary-phone")
    expect(page.locator(f'tr[data-table="{table.number}"]').locator(".yes")).to_have_text("2")

    # Round 2 (the needs): the secretary's screen follows by itself; Lenoir says YES to a need.
    page.get_by_role("button", name="Lancer le round suivant").click()
    expect(page.locator("#round-label")).to_contain_text("Round 2")
    expect(table_screen.get_by_role("heading", level=1)).to_contain_text("Round 2")
    lenoir_need_yes = yes_for(table_screen, "Menuiserie Lenoir")
    expect(page.locator(f'tr[data-table="{table.number}"]').locator(".yes")).to_have_text("1")  # this round's

    # Lenoir answers the satisfaction questionnaire on its phone, through its link.
    firm.reload()
    firm.get_by_role("link", name="Répondre au questionnaire de satisfaction").click()
    for group in ("logistics", "method", "atmosphere"):
        firm.locator(f"input[name={group}][value='5']").check()
    firm.get_by_label("Commentaire").fill("Trois contacts utiles en une matinée.")
    journey.check(firm, "questionnaire", action=lambda page: page.get_by_role("button", name="Envoyer"))
    firm.get_by_role("button", name="Envoyer").click()
    expect(firm.get_by_text("Votre entreprise a répondu au questionnaire")).to_be_visible()

    # 5. Closed; the workbooks built and e-mailed, each firm its own link.
    page.get_by_role("button", name="Clôturer la bourse").click()
    expect(page.locator("#round-label")).to_have_text(re.compile("clôturée"))
    page.goto(session.get_absolute_url())
    page.get_by_role("link", name="Classeurs").click()
    page.get_by_role("button", name="Préparer les classeurs").click()
    page.get_by_role("button", name="Envoyer à chaque entreprise le lien de son classeur").click()
    expect(page.get_by_role("status").filter(has_text="Les liens des classeurs sont")).to_be_visible()
    journey.check(page, "workbooks-sent")
    smtp_sink.wait_for(13)
    workbook_mails = {recipients[0] for recipients, message in smtp_sink.messages[1:]}
    assert len(workbook_mails) == 12 and "jeanne@lenoir.example.org" in workbook_mails

    # 6. Lenoir reads the e-mail (it says what the workbook holds), opens its page on the phone and
    # downloads its workbook.
    mail = next(message for recipients, message in smtp_sink.messages[1:] if "jeanne@lenoir.example.org" in recipients)
    assert (
        "les ressources auxquelles votre entreprise a dit OUI et les besoins auxquels elle peut répondre"
        in " ".join(mail.get_content().split())
    )
    firm.goto(link_in(smtp_sink, "jeanne@lenoir.example.org", 1))
    download = firm.get_by_role("link", name="Télécharger le classeur de mon entreprise")
    journey.check(firm, "workbook-by-mail", action=download)
    with firm.expect_download() as download_info:
        download.click()
    workbook = load_workbook(io.BytesIO(Path(download_info.value.path()).read_bytes()))
    offers, needs = (list(sheet.iter_rows(min_row=3, values_only=True)) for sheet in workbook.worksheets[:2])
    owner = {title: ResourceSheet.objects.get(title=title).organisation.name for title in (lenoir_yes, lenoir_need_yes)}
    assert [(row[0], row[2]) for row in offers] == [(lenoir_yes, owner[lenoir_yes])]  # its YES, with the firm
    assert [(row[0], row[2]) for row in needs] == [(lenoir_need_yes, owner[lenoir_need_yes])]
    assert all(row[4] and "@" in row[4] for row in offers + needs)  # and whom to write to there

    # The member firm at Lenoir's table downloads its own workbook from the session's page, signed in.
    atelier = Organisation.objects.get(name="Atelier Bois Vif")
    member = signed_in_context(browser, browser_context_args, live_portal, atelier.people.first()).new_page()
    member.goto(session.get_absolute_url())
    with member.expect_download() as download_info:
        member.get_by_role("link", name="Télécharger le classeur de mon entreprise").click()
    member_book = load_workbook(io.BytesIO(Path(download_info.value.path()).read_bytes()))
    offers = list(member_book.worksheets[0].iter_rows(min_row=3, values_only=True))
    assert [(row[0], row[2]) for row in offers] == [
        (member_yes, ResourceSheet.objects.get(title=member_yes).organisation.name)
    ]
    member.context.close()

    # 7. Lenoir's YES followed to a done synergy, 3 tonnes diverted.
    page.goto(f"/bourse/sessions/{session.pk}/synergies/")
    expect(page.locator(".synergy-card")).to_have_count(3)
    card = page.locator(".synergy-card").filter(has_text="Menuiserie Lenoir").filter(has_text=lenoir_yes)
    journey.check(page, "synergies", action=lambda page: card.get_by_role("link", name=re.compile("^Suivre")))
    card.get_by_role("link", name=re.compile("^Suivre")).click()
    page.locator("#id_status").select_option("implemented")
    page.locator("#id_tonnes_per_year").fill("3")
    journey.check(page, "synergy-form", action=lambda page: page.get_by_role("button", name="Enregistrer"))
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("status").filter(has_text="Vos modifications sont enregistrées")).to_be_visible()
    done = Synergy.objects.get(session=session, status=SynergyStatus.IMPLEMENTED)
    assert done.beneficiary.name == "Menuiserie Lenoir" and done.tonnes_per_year == 3

    # 8. The club's funnel shows it.
    page.goto(f"/bourse/resultats/?club={club.slug}")
    totals = page.locator("#funnel-totals")
    expect(totals.locator("dt")).to_have_text(["OUI", "Contacts", "Synergies réalisées", re.compile("^Tonnes"),
                                               re.compile("^Euros"), re.compile(".")])  # fmt: skip
    expect(totals.locator("dd").nth(0)).to_have_text("3")  # the three YES
    expect(totals.locator("dd").nth(2)).to_have_text(re.compile(r"^1\b"))  # one synergy done
    expect(totals.locator("dd").nth(3)).to_have_text("3")  # tonnes diverted
    expect(page.locator("#funnel-sessions")).to_contain_text("Bourse des Tanneries")
    journey.check(page, "funnel")
    assert Registration.objects.filter(session=session).count() == 12
