"""A member's workgroup pages make as many queries with a long discussion and many groups as with a
short one and few (#22): no query per message, per author, per member or per group."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    AxisFactory,
    ClubFactory,
    MessageFactory,
    PersonFactory,
    WorkgroupFactory,
    WorkgroupMembershipFactory,
)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


def _grow_room(workgroup, size):
    """`size` more members, each writing a message that answers the previous one."""
    previous = None
    for _ in range(size):
        author = WorkgroupMembershipFactory(workgroup=workgroup).person
        previous = MessageFactory(workgroup=workgroup, author=author, reply_to=previous)


@pytest.mark.django_db
def test_the_room_page_makes_as_many_queries_with_fifty_messages_as_with_five():
    me = PersonFactory()
    workgroup = WorkgroupFactory()
    WorkgroupMembershipFactory(workgroup=workgroup, person=me)
    client = Client(headers={"accept-language": "fr"})
    client.force_login(me.user)
    url = f"/groupes/{workgroup.slug}/"
    _grow_room(workgroup, 5)
    client.get(url)  # the first visit marks the messages read: an UPDATE the next ones skip
    few = _queries(client, url)

    _grow_room(workgroup, 45)
    client.get(url)
    many = _queries(client, url)
    assert many == few, f"the room: {few} queries with 5 messages, {many} with 50"


def _grow_groups(me, size):
    """`size` groups the member is in and `size` she is not, each with its own axis or club and members."""
    for n in range(size):
        place = {"axis": AxisFactory()} if n % 2 else {"axis": None, "club": ClubFactory()}
        mine = WorkgroupFactory(**place)
        WorkgroupMembershipFactory(workgroup=mine, person=me)
        MessageFactory(workgroup=mine)
        other = WorkgroupFactory(**place)
        WorkgroupMembershipFactory(workgroup=other)


@pytest.mark.django_db
def test_my_groups_makes_as_many_queries_with_twenty_groups_as_with_two():
    me = PersonFactory()
    client = Client(headers={"accept-language": "fr"})
    client.force_login(me.user)
    _grow_groups(me, 2)
    client.get("/groupes/")  # warms the per-process caches (Wagtail's site), as on a running server
    few = _queries(client, "/groupes/")

    _grow_groups(me, 18)
    many = _queries(client, "/groupes/")
    assert many == few, f"my groups: {few} queries with 2 groups of mine, {many} with 20"
