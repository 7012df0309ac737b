"""The data migration workgroups.0006 makes an axis's listed coordinators and the coordinator
assignments agree, and everyone listed keeps leading the axis."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("workgroups", "0005_club_models_moved_to_clubs")]
BEFORE_STATE = [*BEFORE, ("members", "0006_role_assignments_from_person_role"), ("auth", None)]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_listed_coordinators_get_the_assignment_and_assigned_ones_are_listed():
    from portal.members.models import Person, PersonRole, Role, RoleAssignment, RoleChange
    from portal.members.permissions import holds
    from portal.members.scopes import ScopeKind
    from workgroups.models import Axis

    try:
        executor = _migrate(BEFORE)
        old = executor.loader.project_state([*BEFORE, ("members", "0006_role_assignments_from_person_role")]).apps
        User = old.get_model("auth", "User")
        OldPerson = old.get_model("members", "Person")
        OldAssignment = old.get_model("members", "RoleAssignment")
        OldAxis = old.get_model("workgroups", "Axis")
        axes = [OldAxis.objects.create(number=n, title=f"Axe {n}", slug=f"axe-{n}") for n in (1, 2, 3)]

        def person(handle, role):
            user = User.objects.create(username=f"{handle}@example.org", email=f"{handle}@example.org")
            return OldPerson.objects.create(user=user, handle=handle, role=role)

        listed_member = person("listed-member", "member")  # listed by an administrator, whatever her role
        listed_organiser = person("listed-organiser", "organiser")
        assigned_only = person("assigned-only", "coordinator")
        both = person("both", "coordinator")
        axes[0].coordinators.add(listed_member, both)
        axes[1].coordinators.add(listed_organiser)
        OldAssignment.objects.create(person=assigned_only, role="coordinator", scope_kind="axis", scope_id=axes[2].pk)
        OldAssignment.objects.create(person=both, role="coordinator", scope_kind="axis", scope_id=axes[0].pk)
        ids = {p.handle: p.pk for p in (listed_member, listed_organiser, assigned_only, both)}
        axis_ids = [axis.pk for axis in axes]
    finally:
        _migrate(_latest())

    def coordinated(handle):
        return set(
            RoleAssignment.objects.filter(
                person_id=ids[handle], role=Role.COORDINATOR, scope_kind=ScopeKind.AXIS
            ).values_list("scope_id", flat=True)
        )

    axis1, axis2, axis3 = axis_ids
    assert coordinated("listed-member") == {axis1}
    assert coordinated("listed-organiser") == {axis2}
    assert coordinated("assigned-only") == {axis3}
    assert coordinated("both") == {axis1}
    assert set(Axis.objects.get(pk=axis1).coordinators.values_list("pk", flat=True)) == {
        ids["listed-member"],
        ids["both"],
    }
    assert list(Axis.objects.get(pk=axis3).coordinators.values_list("pk", flat=True)) == [ids["assigned-only"]]

    # Each grant is logged (by nobody: the migration), once.
    granted = RoleChange.objects.filter(role=Role.COORDINATOR, scope_kind=ScopeKind.AXIS, by__isnull=True)
    assert set(granted.values_list("person_id", "scope_id")) >= {
        (ids["listed-member"], axis1),
        (ids["listed-organiser"], axis2),
    }
    assert not granted.filter(person_id=ids["both"]).exists()

    # They keep leading their axis: the coordinator's rights, the coordinators' group, the single role.
    member = Person.objects.select_related("user").get(pk=ids["listed-member"])
    assert holds(member.user, Role.COORDINATOR, (ScopeKind.AXIS, axis1))
    assert not holds(member.user, Role.COORDINATOR, (ScopeKind.AXIS, axis2))
    assert member.user.groups.filter(name="Coordinateurs d'axe").exists()
    assert member.role == PersonRole.COORDINATOR
    assert Person.objects.get(pk=ids["listed-organiser"]).role == PersonRole.COORDINATOR
