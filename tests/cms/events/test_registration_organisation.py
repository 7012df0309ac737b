"""A registration knows its organisation: a member's own, or the directory's firm whose SIRET or
exact name the visitor typed. A prospect that registers for a breakfast and comes to it shows it in
its file's dated log, and moves on from "to contact": the animators see who to call back."""

import datetime

import pytest

from cms.events import services
from cms.events.models import EventKind
from portal.clubs import services as club_services
from portal.clubs.models import CampaignResult, CampaignTarget, ContactKind, ContactStatus, ProspectContact
from portal.members import services as member_services
from portal.members.demo import fictional_siret
from portal.members.models import PersonRole
from tests.cms.pages import add_event
from tests.factories import ClubFactory, MembershipFactory, OrganisationFactory, PersonFactory, UserFactory, ZoneFactory
from tests.portal.clubs.test_prospect_files import another_animator


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
    day = breakfast.start.astimezone(datetime.UTC).date()  # Paris and UTC agree at the test's hours
    assert (registered.status, registered.kind, registered.contacted_on) == (
        ContactStatus.CALLED, ContactKind.EVENT, datetime.date.today())  # fmt: skip
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
