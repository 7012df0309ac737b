"""The journey of #18's "Done when", in Chromium: Claire animates the club of the Tanneries. She
imports her zone's firms from an extract of the business register (SIRENE) through the import screen,
plans three calls and makes them from "my calls today" on her phone (390×844), noting what was said
and the e-mail address each firm gives; she invites the zone to the club's breakfast (a campaign whose
e-mails reach a real SMTP server on loopback); two firms register through their own links (one on a
phone), one of them asks to join the club from the site and she accepts it; the growth dashboard
counts one member more. Another club's prospects stay closed to her. Only people, clubs, zones and the
agenda's pages are seeded: every step a person does goes through the site's screens, each axe-core
clean, at desktop (1280×800) and phone (390×844) size, a screenshot of each
(test-artifacts/e2e/journey-1-*.png). Release two's journey 1 (#23)."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cms.events.models import EventIndexPage, EventRegistration
from cms.models import HomePage
from portal.clubs.demo import sirene_extract
from portal.clubs.models import CampaignTarget, JoinRequest, ProspectContact
from portal.members import services as member_services
from portal.members.models import Membership, Organisation, PersonRole, Role
from portal.members.scopes import ScopeKind
from tests.cms.pages import add_event, add_page
from tests.e2e.conftest import signed_in_context
from tests.e2e.journeys import DESKTOP, PHONE, Journey
from tests.factories import ClubFactory, OrganisationFactory, PersonFactory, UserFactory, ZoneFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

EXTRACT_LINES = 12  # the demo's fictional register: open firms of Arvière, others closed or elsewhere


@pytest.fixture
def tanneries():
    """The people, the clubs and their zones; the club's breakfast on the agenda (the site's content,
    published by the administrators as usual)."""
    administrator = UserFactory(is_superuser=True, is_staff=True)
    zone = ZoneFactory(name="Parc des Tanneries", slug="tanneries", commune="Arvière", firms_established=0)
    gare = ZoneFactory(name="Quartier de la Gare", slug="gare")
    club = ClubFactory(zone=zone, name="Club des Tanneries")
    ClubFactory(zone=gare, name="Club de la Gare")
    OrganisationFactory(zone=gare, name="Traiteur de la Gare")  # a prospect of the other club
    claire = PersonFactory(
        role=PersonRole.MEMBER, user__first_name="Claire", user__last_name="Morel", organisation=OrganisationFactory()
    )
    member_services.role_grant(
        person=claire, role=Role.ANIMATOR, scope_kind=ScopeKind.CLUB, scope_id=club.pk, by=administrator
    )
    agenda = add_page(HomePage.objects.get(), EventIndexPage, title="Agenda")
    add_event(agenda, days=14, title="Petit-déjeuner des Tanneries", capacity=40, place="Atelier du Val")
    return {"zone": zone, "club": club, "claire": claire}


def zone_cells(page):
    return page.get_by_role("row", name=re.compile(r"^Parc des Tanneries\b")).first.get_by_role("cell")


def link_in(message) -> str:
    """The path of the personal link an invitation e-mail carries."""
    url = next(word for word in message.get_content().split() if "/campagnes/" in word)
    return "/" + url.split("/", 3)[3]


def test_an_animator_mobilises_her_zone_from_the_register_to_a_new_member(
    smtp_sink, tanneries, browser, browser_context_args, live_portal, screenshot
):
    # smtp_sink first: the server under test reads the SMTP address when it starts.
    zone, claire = tanneries["zone"], tanneries["claire"]
    journey = Journey(1, screenshot)
    desktop = signed_in_context(browser, browser_context_args, live_portal, claire, viewport=DESKTOP).new_page()

    # 1. The dashboard before, then the zone's firms imported from the register's extract.
    desktop.goto("/clubs/croissance/")
    expect(desktop.get_by_role("heading", level=1)).to_have_text("Croissance des adhésions")
    expect(zone_cells(desktop).nth(1)).to_have_text("0")  # firms in the directory
    expect(zone_cells(desktop).nth(2)).to_have_text("0")  # members
    zone_cells(desktop).get_by_role("link", name="Importer").click()
    expect(desktop.get_by_role("heading", level=1)).to_have_text("Importer les entreprises de Parc des Tanneries")
    journey.check(desktop, "import", action=lambda page: page.get_by_role("button", name="Vérifier et importer"))
    desktop.get_by_label("Tableur (CSV ou XLSX)").set_input_files(
        files=[{"name": "StockEtablissement_extrait.csv", "mimeType": "text/csv",
                "buffer": sirene_extract(EXTRACT_LINES, encoding="latin-1")}]
    )  # fmt: skip
    desktop.get_by_role("button", name="Vérifier et importer").click()
    expect(desktop.locator("progress")).to_have_count(0, timeout=20_000)  # the page refreshes itself until done
    imported = Organisation.objects.filter(zone=zone).count()
    assert imported >= 5
    expect(desktop.get_by_role("status")).to_contain_text(f"{imported} entreprises ajoutées à la zone.")
    expect(desktop.get_by_role("row", name="Nouvelles entreprises pour l'annuaire")).to_contain_text(str(imported))
    journey.check(desktop, "imported", action=lambda page: page.get_by_role("link", name="Prospects de cette zone"))

    # 2. Three firms of the list, each planned as a call for today (she follows them).
    desktop.get_by_role("link", name="Prospects de cette zone").click()
    rows = desktop.locator("tbody tr")
    expect(rows).to_have_count(imported)
    chosen = [rows.nth(n).get_by_role("link").first.inner_text() for n in range(3)]
    journey.check(desktop, "prospects", action=lambda page: page.get_by_role("link", name=chosen[0], exact=True))
    today = timezone.localdate().isoformat()
    for name in chosen:
        desktop.get_by_role("link", name=name, exact=True).click()
        follow_up = desktop.get_by_role("region", name="Suite", exact=True)
        follow_up.get_by_label("Suivie par").select_option(label="Claire Morel")
        follow_up.get_by_label("Prochaine action").select_option("call")
        follow_up.get_by_label("À faire le").fill(today)
        if name == chosen[0]:
            save = desktop.get_by_role("button", name="Enregistrer le suivi")
            journey.check(desktop, "follow-up", action=save)
        follow_up.get_by_role("button", name="Enregistrer le suivi").click()
        expect(desktop.get_by_role("status").first).to_contain_text("est à jour")
        desktop.go_back()
        desktop.go_back()

    # 3. On her phone: "my calls today", three calls logged, each firm's e-mail address noted.
    phone = signed_in_context(browser, browser_context_args, live_portal, claire, viewport=PHONE).new_page()
    phone.goto("/clubs/appels/")
    due_today = phone.get_by_role("region", name="À faire aujourd’hui")
    expect(due_today.get_by_role("listitem")).to_have_count(3)
    journey.check(phone, "calls-today", action=lambda page: page.get_by_role("link", name=chosen[0], exact=True))
    for number, name in enumerate(chosen):
        phone.get_by_role("region", name="À faire aujourd’hui").get_by_role("link", name=name, exact=True).click()
        expect(phone.get_by_role("heading", level=1)).to_have_text(name)
        log = phone.get_by_role("region", name="Noter un contact")
        log.get_by_label("Ce qui a été dit").fill("Intéressée par le petit-déjeuner du club.")
        log.get_by_label("Adresse e-mail donnée").fill(f"contact{number}@firme{number}.example")
        log.get_by_role("button", name="Noter le contact").click()
        expect(phone.get_by_role("region", name="Journal")).to_contain_text("Intéressée par le petit-déjeuner")
        if number == 0:
            journey.check(phone, "call-logged", action=lambda page: page.get_by_role("button", name="Noter le contact"))
        phone.goto("/clubs/appels/")
    expect(phone.get_by_role("region", name="À faire aujourd’hui").get_by_role("listitem")).to_have_count(0)
    assert ProspectContact.objects.filter(organisation__zone=zone, by=claire.user, kind="call").count() == 3

    # 4. The zone invited to the breakfast: a campaign, its invitation, the e-mails sent.
    desktop.goto("/clubs/campagnes/")
    journey.check(desktop, "campaigns", action=lambda page: page.get_by_role("button", name="Lancer la campagne"))
    desktop.locator("#id_title").fill("Petit-déjeuner des Tanneries")
    desktop.locator("#id_kind").select_option("mailing")
    desktop.get_by_role("button", name="Lancer la campagne").click()
    expect(desktop.get_by_role("heading", level=1)).to_have_text("Petit-déjeuner des Tanneries")
    invitation = desktop.get_by_role("region", name="Invitation par e-mail")
    choice = invitation.get_by_label("Inviter les entreprises à")
    choice.select_option(choice.locator("option", has_text="Petit-déjeuner des Tanneries").get_attribute("value"))
    invitation.get_by_label("Relances, en jours après l'envoi").fill("7")
    invitation.get_by_role("button", name="Enregistrer").click()
    expect(desktop.get_by_text("L'invitation et ses relances sont enregistrées.")).to_be_visible()
    desktop.get_by_role("button", name="Envoyer les invitations").click()
    expect(desktop.get_by_text("Invitations qui partent par e-mail dans quelques minutes : 3.")).to_be_visible()
    smtp_sink.wait_for(3)
    assert sorted(smtp_sink.recipients()) == [f"contact{n}@firme{n}.example" for n in range(3)]
    journey.check(desktop, "invited")

    # 5. Two firms register through their own links, the first on a phone.
    mails = {recipients[0]: message for recipients, message in smtp_sink.messages}
    registering = [(0, chosen[0], PHONE), (1, chosen[1], DESKTOP)]
    for number, name, viewport in registering:
        visitor = browser.new_context(**{**browser_context_args, "viewport": viewport}).new_page()
        visitor.goto(link_in(mails[f"contact{number}@firme{number}.example"]))
        expect(visitor.get_by_role("heading", level=1)).to_have_text("Petit-déjeuner des Tanneries")
        visitor.get_by_label("Prénom et nom").fill(f"Gérant {number}")
        visitor.get_by_label("Organisation").fill(name)
        visitor.get_by_label("E-mail").fill(f"contact{number}@firme{number}.example")
        if number == 0:
            journey.check(visitor, "breakfast-link", action=lambda page: page.get_by_role("button", name="S'inscrire"))
        visitor.get_by_role("button", name="S'inscrire").click()
        expect(visitor.get_by_role("heading", level=1)).to_contain_text("confirmée")
        if number == 0:
            journey.check(visitor, "registered")
        visitor.context.close()
    assert EventRegistration.objects.filter(organisation__name__in=chosen[:2]).count() == 2
    assert CampaignTarget.objects.filter(organisation__name__in=chosen[:2], acted_at__isnull=False).count() == 2

    # 6. The first asks to join the club from the site, with its SIRET; Claire accepts.
    firm = Organisation.objects.get(name=chosen[0])
    applicant = browser.new_context(**{**browser_context_args, "viewport": PHONE}).new_page()
    applicant.goto("/clubs/adherer/")
    applicant.get_by_label("Parc d'activités").select_option(label="Parc des Tanneries")
    applicant.get_by_label("Nom de l’entreprise").fill(firm.name)
    applicant.get_by_label("SIRET :", exact=True).fill(firm.siret)
    applicant.get_by_label("Type").select_option("classic_firm")
    applicant.get_by_label("Prénom").fill("Gérant")
    applicant.get_by_label("Nom :", exact=True).fill("Zéro")
    applicant.get_by_label("E-mail :", exact=True).fill("contact0@firme0.example")
    journey.check(applicant, "join-form", action=lambda page: page.get_by_role("button", name="Envoyer la demande"))
    applicant.get_by_role("button", name="Envoyer la demande").click()
    expect(applicant.get_by_role("heading", level=1)).to_have_text("Demande envoyée")
    journey.check(applicant, "join-asked")
    applicant.context.close()

    desktop.goto("/clubs/demandes/")
    journey.check(desktop, "requests", action=lambda page: page.get_by_role("button", name=f"Accepter {firm.name}"))
    desktop.get_by_role("button", name=f"Accepter {firm.name}").click()
    expect(desktop.get_by_text(f"{firm.name} est membre de « Club des Tanneries »")).to_be_visible()
    journey.check(desktop, "accepted")
    assert JoinRequest.objects.get().organisation == firm  # the prospect itself, not a duplicate
    assert Membership.objects.get(organisation=firm).club == tanneries["club"]

    # 7. The dashboard moves: the register's firms in the directory, one member.
    desktop.goto("/clubs/croissance/")
    expect(zone_cells(desktop).nth(1)).to_have_text(str(imported))
    expect(zone_cells(desktop).nth(2)).to_have_text("1")
    journey.check(desktop, "dashboard")

    # 8. Another club's prospects are not hers.
    response = desktop.goto("/clubs/zones/gare/prospects/")
    assert response.status == 403
    expect(desktop.locator("main")).not_to_contain_text("Traiteur de la Gare")
    journey.check(desktop, "other-club-refused")
    desktop.goto("/clubs/appels/")
    expect(desktop.get_by_text("Traiteur de la Gare")).to_have_count(0)
