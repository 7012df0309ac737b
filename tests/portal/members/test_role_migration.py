"""The data migration members.0006 turns the first release's single role into role assignments
and every person keeps the rights they had."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("members", "0005_role_assignments")]
MIGRATION = ("members", "0006_role_assignments_from_person_role")
# The models as the data migration reads them (the clubs' tables already in their own app).
BEFORE_STATE = [*BEFORE, ("clubs", "0002_tables_and_content_types"), ("workgroups", "0005_club_models_moved_to_clubs")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(BEFORE_STATE if targets == BEFORE else targets).apps


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def _first_release_people(apps) -> dict[str, int]:
    User = apps.get_model("auth", "User")
    Person = apps.get_model("members", "Person")
    Organisation = apps.get_model("members", "Organisation")
    Axis = apps.get_model("workgroups", "Axis")
    Club = apps.get_model("clubs", "Club")
    Zone = apps.get_model("members", "Zone")
    zone = Zone.objects.create(name="Parc des Tanneries", slug="tanneries", commune="Arvière")
    firm = Organisation.objects.create(name="SCOP Menuiserie", slug="scop-menuiserie", kind="cooperative")
    axes = [Axis.objects.create(number=n, title=f"Axe {n}", slug=f"axe-{n}") for n in (1, 2, 3)]
    clubs = [Club.objects.create(zone=zone, name=f"Club {n}", slug=f"club-{n}") for n in (1, 2)]

    def person(handle, role, organisation=firm):
        user = User.objects.create(username=f"{handle}@example.org", email=f"{handle}@example.org")
        return Person.objects.create(user=user, organisation=organisation, handle=handle, role=role)

    people = {
        "administrator": person("administrator", "administrator"),
        "coordinator": person("coordinator", "coordinator"),
        "coordinator_of_no_axis": person("coordinator-of-no-axis", "coordinator"),
        "organiser": person("organiser", "organiser"),
        "member": person("member", "member"),
        "member_of_no_organisation": person("member-alone", "member", organisation=None),
    }
    axes[0].coordinators.add(people["coordinator"])
    axes[2].coordinators.add(people["coordinator"])
    return {
        **{name: p.pk for name, p in people.items()},
        "axes": [axis.pk for axis in axes],
        "clubs": [club.pk for club in clubs],
        "firm": firm.pk,
    }


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_every_person_keeps_the_rights_of_their_role_and_the_migration_can_be_undone_and_done_again():
    """One trip back to the first release's roles (a minute of migrations each way) serves both."""
    from portal.members import permissions
    from portal.members.models import Person, PersonRole, RoleAssignment, RoleChange
    from portal.members.permissions import ALL

    try:
        ids = _first_release_people(_migrate(BEFORE))
        assignments = _migrate([MIGRATION]).get_model("members", "RoleAssignment").objects
        granted = set(assignments.values_list("person_id", "role", "scope_kind", "scope_id"))
        # Undone: the assignments it made go; done again: the same ones come back.
        _migrate(BEFORE)
        assert not assignments.exists()
        _migrate([MIGRATION])
        assert set(assignments.values_list("person_id", "role", "scope_kind", "scope_id")) == granted
    finally:
        MigrationExecutor(connection).migrate(_latest())

    def held(name):
        return set(RoleAssignment.objects.filter(person_id=ids[name]).values_list("role", "scope_kind", "scope_id"))

    axis1, axis2, axis3 = ids["axes"]
    club1, club2 = ids["clubs"]
    assert held("administrator") == {("administrator", "cluster", 0)}
    assert held("coordinator") == {("coordinator", "axis", axis1), ("coordinator", "axis", axis3)}
    assert held("coordinator_of_no_axis") == {("coordinator", "cluster", 0)}
    assert held("organiser") == {
        ("exchange_organiser", "cluster", 0),
        ("animator", "club", club1),
        ("animator", "club", club2),
        ("exchange_organiser", "club", club1),
        ("exchange_organiser", "club", club2),
    }
    assert held("member") == {("member", "organisation", ids["firm"])}
    assert held("member_of_no_organisation") == set()
    # Every grant is in the log, made by nobody (the migration), with the scope's name.
    assert RoleChange.objects.count() == RoleAssignment.objects.count()
    assert set(RoleChange.objects.filter(person_id=ids["coordinator"]).values_list("scope_label", flat=True)) == {
        "1. Axe 1",
        "3. Axe 3",
    }

    # The first release's checks answer as before, now from the assignments.
    for name in ("administrator", "coordinator", "coordinator_of_no_axis", "organiser", "member"):
        person = Person.objects.select_related("user").get(pk=ids[name])
        for role in PersonRole.values:
            expected = person.role == role or person.role == PersonRole.ADMINISTRATOR
            assert permissions.has_role(person.user, role) is expected, (name, role)
        assert permissions.is_administrator(person.user) is (name == "administrator")
    organiser = Person.objects.get(pk=ids["organiser"]).user
    assert permissions.scope_ids(organiser, "animator", "club") == {club1, club2}
    assert permissions.scope_ids(organiser, "exchange_organiser", "club") is ALL
    coordinator = Person.objects.get(pk=ids["coordinator"]).user
    assert permissions.scope_ids(coordinator, "coordinator", "axis") == {axis1, axis3}
    assert permissions.holds(coordinator, "coordinator", ("axis", axis1))
    assert not permissions.holds(coordinator, "coordinator", ("axis", axis2))
    no_axis = Person.objects.get(pk=ids["coordinator_of_no_axis"]).user
    assert permissions.scope_ids(no_axis, "coordinator", "axis") == set()
