"""A searcher's grants are "public" and the union of what every app contributes for its own documents."""

import pytest

from knowledge.indexing import organisation_grant
from search import api, registry
from tests.factories import PersonFactory, UserFactory, WorkgroupFactory, WorkgroupMembershipFactory
from workgroups.indexing import workgroup_grant


@pytest.fixture
def extra_contribution():
    def contribution(user):
        return ["members", "club:9", "public"]

    registry.register_grants(contribution)
    yield contribution
    registry._grants_contributions.remove(contribution)


def test_the_grants_are_public_then_the_union_of_every_contribution_in_a_stable_order(db, extra_contribution):
    person = PersonFactory()
    rooms = [WorkgroupFactory(), WorkgroupFactory()]
    for room in reversed(rooms):
        WorkgroupMembershipFactory(workgroup=room, person=person)

    grants = api.grants_for(person.user)

    # members (the members app), the rooms (workgroups), the records in review of the person's
    # organisation (knowledge), then the extra app's own: each grant once.
    assert grants == [
        "public",
        "members",
        *(workgroup_grant(room.pk) for room in rooms),
        organisation_grant(person.organisation_id),
        "club:9",
    ]
    assert api.grants_for(person.user) == grants


def test_each_app_contributes_only_its_own_grants(db):
    person = PersonFactory()
    room = WorkgroupFactory()
    WorkgroupMembershipFactory(workgroup=room, person=person)
    names = {contribution.__module__: contribution(person.user) for contribution in registry.grants_contributions()}

    assert names == {
        "portal.members.indexing": ["members"],
        "workgroups.indexing": [workgroup_grant(room.pk)],
        "knowledge.indexing": [organisation_grant(person.organisation_id)],
    }


def test_visitors_accounts_without_a_profile_and_inactive_accounts_hold_only_public(db):
    from django.contrib.auth.models import AnonymousUser

    inactive = PersonFactory()
    inactive.user.is_active = False
    inactive.user.save()

    assert api.grants_for(AnonymousUser()) == ["public"]
    assert api.grants_for(UserFactory()) == ["public"]
    assert api.grants_for(inactive.user) == ["public"]


def test_registering_a_contribution_twice_counts_it_once(db, extra_contribution):
    before = registry.grants_contributions()
    registry.register_grants(extra_contribution)
    assert registry.grants_contributions() == before
