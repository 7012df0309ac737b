"""Roles held in a scope: granting and withdrawing them (services and the admin screen), the log,
the policy helpers, and Person.role and the role groups following the assignments."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from portal.members import permissions, roles, services
from portal.members.models import Person, PersonRole, Role, RoleAssignment, RoleChange
from portal.members.permissions import ALL
from portal.members.scopes import CLUSTER_ID, ScopeKind
from tests.factories import AxisFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def club():
    from portal.clubs.models import Club
    from tests.factories import ZoneFactory

    return Club.objects.create(zone=ZoneFactory(), name="Club des Tanneries", slug="club-tanneries")


@pytest.fixture
def axis():
    return AxisFactory(title="Alimentation durable")


@pytest.fixture
def staff(organisation):
    """A CCI staff member, a plain member so far."""
    return PersonFactory(organisation=organisation, user__first_name="Inès", user__last_name="Lefort")


def _held(person):
    return set(RoleAssignment.objects.filter(person=person).values_list("role", "scope_kind", "scope_id"))


def _group_names(person):
    """The role groups (the Wagtail groups per axis and club, cms's, are tested in tests/cms)."""
    names = set(roles.ROLE_GROUP_NAMES.values())
    return set(person.user.groups.filter(name__in=names).values_list("name", flat=True))


def test_a_person_holds_two_roles_and_both_are_logged(administrator, staff, axis, club):
    services.role_grant(person=staff, role=Role.ANIMATOR, scope_kind=ScopeKind.CLUB, scope_id=club.pk, by=administrator)
    services.role_grant(
        person=staff, role=Role.COORDINATOR, scope_kind=ScopeKind.AXIS, scope_id=axis.pk, by=administrator
    )

    assert {(Role.ANIMATOR, ScopeKind.CLUB, club.pk), (Role.COORDINATOR, ScopeKind.AXIS, axis.pk)} <= _held(staff)
    user = Person.objects.get(pk=staff.pk).user
    assert permissions.holds(user, Role.ANIMATOR, (ScopeKind.CLUB, club.pk))
    assert permissions.holds(user, Role.COORDINATOR, (ScopeKind.AXIS, axis.pk))
    assert not permissions.holds(user, Role.COORDINATOR, (ScopeKind.AXIS, axis.pk + 1))
    assert permissions.scope_ids(user, Role.ANIMATOR, ScopeKind.CLUB) == {club.pk}
    assert permissions.has_role(user, PersonRole.ORGANISER) and permissions.has_role(user, PersonRole.COORDINATOR)
    assert not permissions.is_administrator(user)
    # Person.role (kept until a later release drops it) names the highest; the groups follow every role held.
    staff.refresh_from_db()
    assert staff.role == PersonRole.COORDINATOR
    assert _group_names(staff) == {
        roles.ROLE_GROUP_NAMES[PersonRole.COORDINATOR],
        roles.ROLE_GROUP_NAMES[Role.ANIMATOR],
    }
    log = RoleChange.objects.filter(person=staff, action="granted", by=administrator)
    assert set(log.values_list("role", "scope_label")) == {
        (Role.ANIMATOR, "Club des Tanneries"),
        (Role.COORDINATOR, str(axis)),
    }


def test_withdrawing_the_last_role_of_a_kind_leaves_its_group_and_is_logged(administrator, staff, club):
    assignment = services.role_grant(
        person=staff, role=Role.ANIMATOR, scope_kind=ScopeKind.CLUB, scope_id=club.pk, by=administrator
    )
    services.role_withdraw(assignment=assignment, by=administrator)

    staff.refresh_from_db()
    assert staff.role == PersonRole.MEMBER
    assert _group_names(staff) == set()
    assert not permissions.has_role(Person.objects.get(pk=staff.pk).user, PersonRole.ORGANISER)
    assert RoleChange.objects.filter(person=staff, action="withdrawn", role=Role.ANIMATOR, by=administrator).exists()


@pytest.mark.parametrize(
    "role, kind, scope_id",
    [
        (Role.ANIMATOR, ScopeKind.CLUSTER, CLUSTER_ID),  # an animator animates a club
        (Role.ADMINISTRATOR, ScopeKind.CLUB, None),  # administrators hold the cluster
        (Role.ANIMATOR, ScopeKind.CLUB, 999999),  # no such club
        (Role.MEMBER, ScopeKind.ORGANISATION, "abc"),
        ("chef", ScopeKind.CLUSTER, CLUSTER_ID),
    ],
)
def test_bad_grants_are_refused_in_french_and_change_nothing(administrator, staff, club, role, kind, scope_id):
    before = (_held(staff), RoleChange.objects.count())
    with pytest.raises(ValidationError), translation.override("fr"):
        services.role_grant(
            person=staff,
            role=role,
            scope_kind=kind,
            scope_id=club.pk if scope_id is None else scope_id,
            by=administrator,
        )
    assert (_held(staff), RoleChange.objects.count()) == before


def test_a_role_is_held_once_per_scope(administrator, staff, club):
    services.role_grant(person=staff, role=Role.ANIMATOR, scope_kind=ScopeKind.CLUB, scope_id=club.pk, by=administrator)
    with pytest.raises(ValidationError):
        services.role_grant(
            person=staff, role=Role.ANIMATOR, scope_kind=ScopeKind.CLUB, scope_id=club.pk, by=administrator
        )
    assert RoleAssignment.objects.filter(person=staff, role=Role.ANIMATOR).count() == 1


def test_only_administrators_grant_and_withdraw(administrator, staff, club):
    coordinator = PersonFactory(role=PersonRole.COORDINATOR)
    organiser = PersonFactory(role=PersonRole.ORGANISER)
    for by in (staff.user, coordinator.user, organiser.user):
        with pytest.raises(PermissionDenied):
            services.role_grant(person=by.person, role=Role.ADMINISTRATOR, scope_kind=ScopeKind.CLUSTER, by=by)
        with pytest.raises(PermissionDenied):
            services.role_withdraw(assignment=RoleAssignment.objects.filter(person=organiser).first(), by=by)
    assert not permissions.is_administrator(organiser.user)


def test_the_cluster_keeps_one_administrator(administrator):
    only = RoleAssignment.objects.get(role=Role.ADMINISTRATOR)
    with pytest.raises(ValidationError):
        services.role_withdraw(assignment=only, by=administrator)
    assert RoleAssignment.objects.filter(pk=only.pk).exists()


def test_superusers_stay_administrators_and_rights_are_read_once_per_user(django_assert_num_queries):
    superuser = UserFactory(is_superuser=True)
    assert permissions.is_administrator(superuser) and permissions.scope_ids(superuser, Role.ANIMATOR, "club") is ALL
    user = PersonFactory(role=PersonRole.ORGANISER).user
    with django_assert_num_queries(1):
        for _ in range(3):
            assert permissions.has_role(user, PersonRole.ORGANISER)
            assert permissions.holds(user, Role.EXCHANGE_ORGANISER, (ScopeKind.CLUSTER, CLUSTER_ID))
            assert not permissions.is_administrator(user)


def test_changing_the_single_role_replaces_the_assignments_it_stood_for(administrator, staff, club, axis):
    services.role_grant(
        person=staff, role=Role.COORDINATOR, scope_kind=ScopeKind.AXIS, scope_id=axis.pk, by=administrator
    )
    staff.refresh_from_db()
    services.person_update(
        person=staff, by=administrator, organisation=staff.organisation, job_title="", phone="", role="organiser"
    )
    assert _held(staff) == {
        (Role.EXCHANGE_ORGANISER, ScopeKind.CLUSTER, CLUSTER_ID),
        (Role.ANIMATOR, ScopeKind.CLUB, club.pk),
        (Role.EXCHANGE_ORGANISER, ScopeKind.CLUB, club.pk),
    }
    assert _group_names(staff) == {roles.ROLE_GROUP_NAMES[PersonRole.ORGANISER], roles.ROLE_GROUP_NAMES[Role.ANIMATOR]}
    # Editing anything else leaves narrowed assignments alone.
    services.role_withdraw(
        assignment=RoleAssignment.objects.get(person=staff, role=Role.ANIMATOR, scope_id=club.pk), by=administrator
    )
    staff.refresh_from_db()
    services.person_update(
        person=staff, by=administrator, organisation=staff.organisation, job_title="CCI", phone="", role=staff.role
    )
    assert (Role.ANIMATOR, ScopeKind.CLUB, club.pk) not in _held(staff)


# --- The admin screen ---------------------------------------------------------------------------


def test_administrator_grants_lists_filters_and_withdraws_on_one_screen(client, administrator, staff, club, axis):
    client.force_login(administrator)
    add = reverse("role_assignments:add")
    assert client.get(add).status_code == 200
    response = client.post(add, {"person": staff.pk, "role": Role.ANIMATOR, "scope": f"club:{club.pk}"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assignment = RoleAssignment.objects.get(person=staff, role=Role.ANIMATOR)
    assert assignment.granted_by == administrator and assignment.scope_id == club.pk

    index = reverse("role_assignments:index")

    def listed(**query):
        response = client.get(index, query)
        assert response.status_code == 200
        return {row.pk for row in response.context["object_list"]}, response.content.decode()

    rows, page = listed(scope=f"club:{club.pk}")  # scope → its people
    assert rows == {assignment.pk} and "Club des Tanneries" in page
    rows, page = listed(person=staff.pk)  # person → their roles
    assert assignment.pk in rows and not RoleAssignment.objects.filter(pk__in=rows).exclude(person=staff).exists()
    assert listed(q="Lefort")[0] == set(RoleAssignment.objects.filter(person=staff).values_list("pk", flat=True))
    assert listed(scope=f"axis:{axis.pk}")[0] == set()

    response = client.post(reverse("role_assignments:delete", args=[assignment.pk]))
    assert response.status_code == 302
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    log = client.get(reverse("role_changes:index")).content.decode()
    assert "Lefort" in log and "Club des Tanneries" in log


def test_bad_input_on_the_roles_screen_shows_a_french_error_and_changes_nothing(client, administrator, staff, club):
    client.force_login(administrator)
    before = RoleAssignment.objects.count()
    response = client.post(
        reverse("role_assignments:add"),
        {"person": staff.pk, "role": Role.ADMINISTRATOR, "scope": f"club:{club.pk}"},
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.status_code == 200
    assert "ne peut pas être tenu" in response.content.decode()
    assert RoleAssignment.objects.count() == before


def test_the_last_administrator_cannot_be_withdrawn_from_the_screen(client, administrator):
    client.force_login(administrator)
    only = RoleAssignment.objects.get(role=Role.ADMINISTRATOR)
    response = client.post(reverse("role_assignments:delete", args=[only.pk]))
    assert response.status_code == 302
    assert RoleAssignment.objects.filter(pk=only.pk).exists()


@pytest.mark.parametrize("role", [PersonRole.MEMBER, PersonRole.COORDINATOR, PersonRole.ORGANISER])
def test_the_roles_screens_are_refused_to_non_administrators(client, administrator, staff, club, role):
    someone = PersonFactory(role=role)
    services.ensure_role_groups()
    services._sync_role_groups(someone)
    assignment = services.role_grant(
        person=staff, role=Role.ANIMATOR, scope_kind=ScopeKind.CLUB, scope_id=club.pk, by=administrator
    )
    client.force_login(someone.user)
    for url in (
        reverse("role_assignments:index"),
        reverse("role_assignments:add"),
        reverse("role_assignments:delete", args=[assignment.pk]),
        reverse("role_changes:index"),
    ):
        assert client.get(url).status_code in (302, 403), url
    client.post(
        reverse("role_assignments:add"), {"person": someone.pk, "role": Role.ADMINISTRATOR, "scope": "cluster:0"}
    )
    client.post(reverse("role_assignments:delete", args=[assignment.pk]))
    assert not permissions.is_administrator(Person.objects.get(pk=someone.pk).user)
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()


@pytest.mark.parametrize("listing", ["role_assignments:index", "role_changes:index"])
def test_the_roles_list_and_their_log_make_as_many_queries_for_many_people_as_for_few(
    client, administrator, organisation, listing
):
    """Each line names its person and its scope: read with the page, not once per line."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from portal.clubs.models import Club
    from tests.factories import ZoneFactory

    def grant(count):
        for _n in range(count):
            zone = ZoneFactory()
            club = Club.objects.create(zone=zone, name=f"Club {zone.pk}", slug=f"club-{zone.pk}")
            person = PersonFactory(organisation=organisation)
            services.role_grant(
                person=person, role=Role.ANIMATOR, scope_kind=ScopeKind.CLUB, scope_id=club.pk, by=administrator
            )

    client.force_login(administrator)

    def queries():
        client.get(reverse(listing))  # caches warmed alike
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse(listing))
        assert response.status_code == 200
        return len(captured)

    grant(2)
    few = queries()
    grant(8)
    assert queries() == few
