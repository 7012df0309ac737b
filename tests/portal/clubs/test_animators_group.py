"""Club animators and exchange organisers have their own admin groups: an animator gets the clubs' and
the exchange's screens, an exchange organiser the exchange's only; the migration keeps everyone's rights."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from portal.members import roles, services
from portal.members.models import PersonRole, Role
from portal.members.scopes import CLUSTER_ID, ScopeKind
from tests.factories import ClubFactory, PersonFactory

CLUBS_SCREENS = ["clubs.add_survey", "clubs.change_prospectcontact", "clubs.add_clubboardmember"]
EXCHANGE_SCREENS = ["exchange.add_exchangesession", "exchange.change_resourcesheet", "exchange.view_interest"]


def _fresh(user):
    return get_user_model().objects.get(pk=user.pk)


@pytest.mark.django_db
def test_an_animator_has_the_clubs_and_the_exchange_screens_an_exchange_organiser_the_exchange_only(administrator):
    club = ClubFactory()
    animator, organiser = PersonFactory(), PersonFactory()
    services.role_grant(person=animator, role=Role.ANIMATOR, scope_kind=ScopeKind.CLUB, scope_id=club.pk,
                        by=administrator)  # fmt: skip
    services.role_grant(person=organiser, role=Role.EXCHANGE_ORGANISER, scope_kind=ScopeKind.CLUB, scope_id=club.pk,
                        by=administrator)  # fmt: skip
    animator_user, organiser_user = _fresh(animator.user), _fresh(organiser.user)
    assert roles.ROLE_GROUP_NAMES[Role.ANIMATOR] in set(animator_user.groups.values_list("name", flat=True))
    assert all(animator_user.has_perm(name) for name in CLUBS_SCREENS + EXCHANGE_SCREENS)
    assert animator_user.has_perm("members.view_organisation")  # what the organisers' group gives, too
    assert all(organiser_user.has_perm(name) for name in EXCHANGE_SCREENS)
    assert not any(organiser_user.has_perm(name) for name in CLUBS_SCREENS)
    assert organiser_user.has_perm("clubs.view_club")  # the list of their clubs


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_gives_animators_their_group_and_nobody_loses_a_right():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        others = [node for node in latest if node[0] != "clubs"]
        before = _migrate([*others, ("clubs", "0003_firm_import_register_summary")])
        User = before.get_model("auth", "User")
        Group = before.get_model("auth", "Group")
        Person = before.get_model("members", "Person")
        RoleAssignment = before.get_model("members", "RoleAssignment")
        organisers = Group.objects.get_or_create(name="Organisateurs")[0]
        held = {
            "animator": [("animator", "club", 7)],
            "both": [("animator", "club", 7), ("exchange_organiser", "club", 7)],
            "exchange": [("exchange_organiser", "cluster", CLUSTER_ID)],
        }
        users = {}
        for name, assignments in held.items():
            user = User.objects.create(username=f"{name}@example.org", email=f"{name}@example.org")
            User.groups.through.objects.create(user_id=user.pk, group_id=organisers.pk)
            person = Person.objects.create(user=user, handle=name, role=PersonRole.ORGANISER)
            for role, kind, scope_id in assignments:
                RoleAssignment.objects.create(person=person, role=role, scope_kind=kind, scope_id=scope_id)
            users[name] = user.pk
        _migrate(latest)
        services.ensure_role_groups()  # the members' post_migrate: each group's permissions
    finally:
        MigrationExecutor(connection).migrate(latest)

    def groups(name):
        return set(get_user_model().objects.get(pk=users[name]).groups.values_list("name", flat=True))

    assert groups("animator") == {"Animateurs de club"}
    assert groups("both") == {"Animateurs de club", "Organisateurs"}
    assert groups("exchange") == {"Organisateurs"}
    for name in ("animator", "both"):
        user = get_user_model().objects.get(pk=users[name])
        assert all(user.has_perm(perm) for perm in CLUBS_SCREENS + EXCHANGE_SCREENS), name
    exchange = get_user_model().objects.get(pk=users["exchange"])
    assert all(exchange.has_perm(perm) for perm in EXCHANGE_SCREENS)
