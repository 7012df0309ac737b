"""A registration knows its organisation: a member's own, or the directory's firm whose SIRET or
exact name the visitor typed. A prospect that registers for a breakfast and comes to it shows it in
its file's dated log, and moves on from "to contact": the animators see who to call back."""

import datetime

import pytest
from django.utils import timezone

from cms.events import services
from cms.events.models import EventIndexPage, EventKind, EventRegistration
from cms.models import ClubPage
from portal.clubs import selectors as club_selectors
from portal.clubs import services as club_services
from portal.clubs.models import CampaignResult, CampaignTarget, ContactKind, ContactStatus, ProspectContact
from portal.members import services as member_services
from portal.members.demo import fictional_siret
from portal.members.models import Organisation, PersonRole
from tests.cms.pages import add_event, add_page
from tests.dates import local_today
from tests.factories import ClubFactory, MembershipFactory, OrganisationFactory, PersonFactory, UserFactory, ZoneFactory
from tests.portal.clubs.test_prospect_files import another_animator
from tests.portal.outside.recorded import ADDRESS_PREFIX, REGISTER_PREFIX, RecordedServer


@pytest.fixture
def breakfast(agenda):
    return add_event(agenda, kind=EventKind.BREAKFAST, title="Petit-déjeuner des Tanneries", capacity=2)


@pytest.fixture
def prospect(db):
    zone = ZoneFactory(name="Parc des Tanneries")
    return OrganisationFactory(name="Imprimerie Vasseur", siret=fictional_siret(4242), zone=zone)


def register(event, n, organisation_name="", **extra):
    return services.registration_create(
        event=event, name=f"Lucie {n}", email=f"lucie{n}@example.org", organisation_name=organisation_name, **extra
    )


def log_of(organisation):
    return list(ProspectContact.objects.filter(organisation=organisation))


def test_the_typed_name_or_siret_finds_the_directorys_firm(breakfast, prospect):
    assert register(breakfast, 1, "  imprimerie   VASSEUR ").organisation == prospect
    spaced = f"{prospect.siret[:3]} {prospect.siret[3:6]} {prospect.siret[6:9]} {prospect.siret[9:]}"
    assert register(breakfast, 2, spaced).organisation == prospect


def test_no_match_or_two_homonyms_keep_the_free_text_only(breakfast, prospect):
    OrganisationFactory(name="Garage Central")
    OrganisationFactory(name="Garage central")
    unknown = register(breakfast, 1, "Boulangerie Inconnue")
    homonym = register(breakfast, 2, "Garage Central")
    assert (unknown.organisation, unknown.organisation_name) == (None, "Boulangerie Inconnue")
    assert homonym.organisation is None and not ProspectContact.objects.exists()


def test_a_members_registration_carries_their_organisation_and_logs_nothing(breakfast):
    membership = MembershipFactory()
    person = PersonFactory(organisation=membership.organisation)
    registration = register(breakfast, 1, person=person)
    assert registration.organisation == membership.organisation
    assert not ProspectContact.objects.exists()  # a member is no prospect


def test_a_prospect_registering_and_coming_shows_in_its_log_and_moves_on(breakfast, prospect):
    club = ClubFactory(zone=prospect.zone)
    animator = another_animator(club)
    campaign = club_services.campaign_create(
        club=club, zone=prospect.zone, title="Rentrée", kind="phoning", by=animator, assignees=[animator]
    )
    registration = register(breakfast, 1, "Imprimerie Vasseur")
    [registered] = log_of(prospect)
    day = timezone.localtime(breakfast.start).date()  # the note gives the event's day in Paris
    assert (registered.status, registered.kind, registered.contacted_on) == (
        ContactStatus.CALLED, ContactKind.EVENT, local_today())  # fmt: skip
    assert "Lucie 1 s’est inscrit(e) à « Petit-déjeuner des Tanneries » du" in registered.note
    assert day.strftime("%d/%m/%Y") in registered.note
    assert CampaignTarget.objects.get(campaign=campaign).result == CampaignResult.INTERESTED
    staff = UserFactory(email="accueil@example.org")
    member_services.person_create(user=staff, role=PersonRole.ADMINISTRATOR)
    services.attendance_check_in(event=breakfast, code=registration.badge_code, by=staff)
    services.attendance_check_in(event=breakfast, code=registration.badge_code, by=staff)  # twice: one line
    came, _registered = log_of(prospect)
    assert "Lucie 1 est venu(e) à « Petit-déjeuner des Tanneries »" in came.note


def test_the_waiting_list_logs_when_the_place_is_given(breakfast, prospect):
    first, _second = register(breakfast, 1), register(breakfast, 2)
    waiting = register(breakfast, 3, "Imprimerie Vasseur")
    assert waiting.status == "waiting" and not log_of(prospect)  # not confirmed yet
    services.registration_cancel(token=first.cancel_token)
    [promoted] = log_of(prospect)
    assert "Lucie 3" in promoted.note


def test_a_prospect_already_visited_keeps_its_status(breakfast, prospect):
    ProspectContact.objects.create(organisation=prospect, status=ContactStatus.VISITED)
    register(breakfast, 1, prospect.siret)
    assert ProspectContact.objects.filter(organisation=prospect).first().status == ContactStatus.VISITED


# --- A firm the directory does not know, registering for a club's event (#18) ----------------------

REGISTER_SIRET = "99810001000029"  # MENUISERIE DU VAL in the recorded register
SEARCH = "/entreprises/search"


@pytest.fixture
def register_service(settings):
    """The company register's recorded answers on loopback (as tests/portal's `recorded`)."""
    server = RecordedServer().start()
    settings.COMPANY_REGISTER_URL = server.base_url + REGISTER_PREFIX
    settings.ADDRESS_BASE_URL = server.base_url + ADDRESS_PREFIX
    yield server
    server.stop()


@pytest.fixture
def club_breakfast(home):
    """The club of the Tanneries' breakfast, on the club's own agenda: unknown firms become prospects
    of the Tanneries' park."""
    zone = ZoneFactory(name="Parc des Tanneries")
    club = ClubFactory(zone=zone, name="Club des Tanneries")
    club_page = add_page(home, ClubPage, title=club.name, slug="club-tanneries", club=club)
    agenda = add_page(club_page, EventIndexPage, title="Agenda du club", slug="agenda")
    return add_event(agenda, kind=EventKind.BREAKFAST, title="Petit-déjeuner des Tanneries", capacity=2)


def test_an_unknown_siret_becomes_a_prospect_of_the_clubs_zone_from_the_register(club_breakfast, register_service):
    register_service.answer(SEARCH, "company_register_siret.json", q=REGISTER_SIRET)
    registration = register(club_breakfast, 1, "Menuiserie", siret=REGISTER_SIRET)
    firm = registration.organisation
    assert (firm.name, firm.siret, firm.naf_code, firm.postcode) == ("MENUISERIE DU VAL", REGISTER_SIRET, "16.23Z",
                                                                    "18100")  # fmt: skip
    assert firm.zone.name == "Parc des Tanneries" and club_selectors.is_prospect(firm)
    [line] = log_of(firm)
    assert line.contacted_on == datetime.date.today() and line.kind == ContactKind.EVENT
    assert "Lucie 1 s’est inscrit(e) à « Petit-déjeuner des Tanneries »" in line.note
    assert "nouveau prospect de la zone" in line.note
    # A colleague of the same firm: the same organisation, never a second one.
    assert register(club_breakfast, 2, "Menuiserie du Val", siret=REGISTER_SIRET).organisation == firm
    assert Organisation.objects.filter(siret=REGISTER_SIRET).count() == 1


def test_the_register_down_the_firm_is_a_prospect_by_its_typed_name_and_siret(club_breakfast, register_service):
    register_service.answer(SEARCH, status=502, body="Bad Gateway", content_type="text/plain")
    firm = register(club_breakfast, 1, "Menuiserie du Val", siret=REGISTER_SIRET).organisation
    assert (firm.name, firm.siret, firm.zone.name) == ("Menuiserie du Val", REGISTER_SIRET, "Parc des Tanneries")


def test_without_siret_a_prospect_by_its_name_once_never_for_homonyms(club_breakfast):
    first = register(club_breakfast, 1, "  Boulangerie   Inconnue ").organisation
    assert (first.name, first.siret, first.zone.name) == ("Boulangerie Inconnue", "", "Parc des Tanneries")
    assert len(log_of(first)) == 1
    waiting_room = register(club_breakfast, 2, "boulangerie inconnue")  # the same firm, by its name
    assert waiting_room.organisation == first
    assert Organisation.objects.filter(name__iexact="Boulangerie Inconnue").count() == 1
    OrganisationFactory(name="Garage Central")
    OrganisationFactory(name="Garage central")
    homonym = register(club_breakfast, 3, "Garage Central")  # full: on the waiting list
    assert homonym.organisation is None and Organisation.objects.filter(name__iexact="Garage Central").count() == 2
    assert register(club_breakfast, 4, "").organisation is None  # no name typed: nothing made


def test_the_public_form_takes_an_optional_siret_and_refuses_a_wrong_one_in_french(
    client, club_breakfast, register_service
):
    register_service.answer(SEARCH, "company_register_siret.json", q=REGISTER_SIRET)
    fields = {"name": "Paul Menuisier", "organisation_name": "Menuiserie", "email": "paul@menuiserie.example"}
    bad = client.post(club_breakfast.url, {**fields, "siret": "998 100 010 00028"})
    assert bad.status_code == 200 and "SIRET" in bad.content.decode() and "valide" in bad.content.decode()
    assert not EventRegistration.objects.exists() and not Organisation.objects.filter(siret__startswith="998").exists()
    done = client.post(club_breakfast.url, {**fields, "siret": "998 100 010 00029"})
    assert done.status_code == 302
    assert EventRegistration.objects.get().organisation == Organisation.objects.get(siret=REGISTER_SIRET)
