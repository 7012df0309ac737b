import pytest
from django.test import Client

from portal.members.models import PersonRole
from tests.cms.newsletters.conftest import smtp  # noqa: F401 - fixture
from tests.factories import AxisFactory, PersonFactory
from workgroups.models import MembershipPolicy, Workgroup, WorkgroupMembership, WorkgroupRole


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


@pytest.fixture
def room(transactional_db):
    """An open workgroup with two members (alice, bob), a coordinator, and an outsider, each signed in."""
    axis = AxisFactory(title="Alimentation durable")
    workgroup = Workgroup.objects.create(
        axis=axis,
        name="Restauration collective",
        slug="restauration-collective",
        membership_policy=MembershipPolicy.OPEN,
    )
    people = {
        name: PersonFactory(handle=name, user__first_name=name.capitalize(), user__last_name="Test")
        for name in ("alice", "bob", "chloe", "outsider")
    }
    for name in ("alice", "bob"):
        WorkgroupMembership.objects.create(workgroup=workgroup, person=people[name])
    WorkgroupMembership.objects.create(workgroup=workgroup, person=people["chloe"], role=WorkgroupRole.COORDINATOR)
    people["outsider"].role = PersonRole.MEMBER
    return {
        "workgroup": workgroup,
        "people": people,
        "cookies": {name: session_cookie(person.user) for name, person in people.items()},
    }
