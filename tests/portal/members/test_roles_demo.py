"""The demo shows roles held in scopes: one animator per club, a person holding two roles, and the
coordinators holding their own axes."""

from django.core.management import call_command

from portal.clubs.models import Club
from portal.members import permissions
from portal.members.models import Person, Role, RoleAssignment
from portal.members.scopes import ScopeKind
from workgroups.models import Axis


def test_the_demo_has_an_animator_per_club_and_a_person_with_two_roles_and_loads_twice(db):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    count = RoleAssignment.objects.count()
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115 - again: nothing duplicated
    assert RoleAssignment.objects.count() == count

    organisers = set(  # the first release's organisers, who animate every club
        RoleAssignment.objects.filter(role=Role.EXCHANGE_ORGANISER, scope_kind=ScopeKind.CLUSTER).values_list(
            "person_id", flat=True
        )
    )
    for club in Club.objects.filter(merged_into__isnull=True):
        animators = set(
            RoleAssignment.objects.filter(role=Role.ANIMATOR, scope_kind=ScopeKind.CLUB, scope_id=club.pk).values_list(
                "person_id", flat=True
            )
        )
        assert animators - organisers, club  # an animator of this club, not only the cluster's organisers

    two_roles = Person.objects.get(user__email__startswith="cci.conseil@")
    user = two_roles.user
    assert len(permissions.scope_ids(user, Role.ANIMATOR, ScopeKind.CLUB)) == 1
    assert len(permissions.scope_ids(user, Role.COORDINATOR, ScopeKind.AXIS)) == 1
    assert not permissions.is_administrator(user)

    # The coordinators of the first release's demo hold their axes, no cluster-wide coordinator right.
    for axis in Axis.objects.prefetch_related("coordinators"):
        for coordinator in axis.coordinators.all():
            assert permissions.holds(coordinator.user, Role.COORDINATOR, (ScopeKind.AXIS, axis.pk))
    assert not RoleAssignment.objects.filter(role=Role.COORDINATOR, scope_kind=ScopeKind.CLUSTER).exists()
