"""A club's exchange organisers run its sessions only; those of the cluster run every one, the
cluster's own included; a sheet is filed for the firms of one's clubs (and one's own firm)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from knowledge.exchange import services
from knowledge.exchange.models import ResourceSheet
from portal.members import services as member_services
from portal.members.models import MembershipStatus, Role
from portal.members.scopes import CLUSTER_ID, ScopeKind
from tests.factories import ClubFactory, MembershipFactory, OrganisationFactory, PersonFactory

from .conftest import SessionFactory


@pytest.fixture
def clubs(db):
    return ClubFactory(name="Club des Tanneries"), ClubFactory(name="Club des Vergers")


def _organiser_of(administrator, scope_kind, scope_id):
    person = PersonFactory()
    member_services.role_grant(
        person=person, role=Role.EXCHANGE_ORGANISER, scope_kind=scope_kind, scope_id=scope_id, by=administrator
    )
    return type(person.user).objects.get(pk=person.user_id)


def test_a_club_s_organiser_runs_its_sessions_and_no_other(administrator, clubs):
    mine, theirs = clubs
    organiser = _organiser_of(administrator, ScopeKind.CLUB, mine.pk)
    firms = [OrganisationFactory(zone=mine.zone) for _ in range(3)]
    own_session, other_session = SessionFactory(club=mine), SessionFactory(club=theirs)
    cluster_session = SessionFactory()  # of the cluster itself
    for firm in firms:
        services.registration_add(session=own_session, organisation=firm, by=organiser)
    assert len(services.seating_plan(session=own_session, by=organiser)) == 1
    assert services.round_advance(session=own_session, by=organiser).current_round == 1
    for session in (other_session, cluster_session):
        with pytest.raises(PermissionDenied):
            services.registration_add(session=session, organisation=firms[0], by=organiser)
        with pytest.raises(PermissionDenied):
            services.seating_plan(session=session, by=organiser)
        with pytest.raises(PermissionDenied):
            services.export_request(session=session, by=organiser)


def test_an_organiser_of_the_cluster_runs_every_session(administrator, clubs):
    organiser = _organiser_of(administrator, ScopeKind.CLUSTER, CLUSTER_ID)
    for session in (SessionFactory(club=clubs[0]), SessionFactory(club=clubs[1]), SessionFactory()):
        services.registration_add(session=session, organisation=OrganisationFactory(), by=organiser)
        assert services.seating_plan(session=session, by=organiser)


def test_the_admin_session_form_offers_the_organiser_s_clubs_and_the_cluster_to_its_organisers(
    client, administrator, clubs
):
    mine, theirs = clubs
    client.force_login(_organiser_of(administrator, ScopeKind.CLUB, mine.pk))
    field = client.get(reverse("exchange-sessions:add")).context["form"].fields["club"]
    assert list(field.queryset) == [mine] and field.required
    client.force_login(_organiser_of(administrator, ScopeKind.CLUSTER, CLUSTER_ID))
    field = client.get(reverse("exchange-sessions:add")).context["form"].fields["club"]
    assert set(field.queryset) == {mine, theirs} and not field.required


def test_an_organiser_files_sheets_for_the_firms_of_their_clubs_only(client, administrator, clubs):
    mine, theirs = clubs
    organiser = _organiser_of(administrator, ScopeKind.CLUB, mine.pk)
    member_firm = OrganisationFactory(name="Menuiserie adhérente")  # of no zone, a member of the club
    MembershipFactory(organisation=member_firm, club=mine, status=MembershipStatus.ACTIVE)
    on_the_park = OrganisationFactory(zone=mine.zone, name="Garage du parc")
    elsewhere = OrganisationFactory(zone=theirs.zone, name="Imprimerie des Vergers")
    client.force_login(organiser)
    choices = set(client.get(reverse("exchange:sheet_create")).context["form"].fields["organisation"].queryset)
    assert {member_firm, on_the_park, organiser.person.organisation} == choices
    data = {"direction": "offer", "category": "materials", "title": "Palettes", "description": "Des palettes.",
            "frequency": "one_off", "status": "open"}  # fmt: skip
    client.post(reverse("exchange:sheet_create"), {**data, "organisation": elsewhere.pk})
    assert not ResourceSheet.objects.filter(organisation=elsewhere).exists()
    with pytest.raises(PermissionDenied):
        services.sheet_create(by=organiser, organisation=elsewhere, **data)
    client.post(reverse("exchange:sheet_create"), {**data, "organisation": on_the_park.pk})
    assert ResourceSheet.objects.filter(organisation=on_the_park).exists()
