"""Someone who may no longer read a room stops hearing it at once (#16): removed by an administrator,
account deleted, deactivated, password changed. Their open sockets close (4403) before the next message
reaches them, and a deactivated account cannot send through a socket it still holds."""

import pytest
from asgiref.sync import sync_to_async
from django.test import Client
from django.urls import reverse

from portal.members import services as member_services
from portal.members.models import PersonRole
from portal.privacy import services as privacy_services
from tests.factories import UserFactory
from workgroups import services
from workgroups.models import Message, WorkgroupMembership

from .test_consumer import _close_consumer_connections, joined  # noqa: F401 - the autouse fixture

pytestmark = pytest.mark.asyncio


async def closed_before_the_next_message(listener, room):
    """Alice posts; the listener's next output must be the close, never her message."""
    alice = room["people"]["alice"].user
    await sync_to_async(services.message_send)(workgroup=room["workgroup"], by=alice, body="après le départ")
    output = await listener.receive_output(timeout=5)
    while output["type"] == "websocket.send" and '"typing"' in output.get("text", ""):
        output = await listener.receive_output(timeout=5)
    return output


def _admin_removes(membership_pk):
    administrator = UserFactory()
    member_services.person_create(user=administrator, role=PersonRole.ADMINISTRATOR)
    client = Client()
    client.force_login(administrator)
    response = client.post(reverse("workgroup-memberships:delete", args=[membership_pk]))
    return response.status_code


async def test_a_member_removed_in_the_admin_hears_nothing_more(room):
    bob = await joined(room, "bob")
    membership = await sync_to_async(WorkgroupMembership.objects.get)(person=room["people"]["bob"])
    status = await sync_to_async(_admin_removes)(membership.pk)
    assert status == 302
    assert await closed_before_the_next_message(bob, room) == {"type": "websocket.close", "code": 4403}


async def test_a_deleted_account_hears_nothing_more(room):
    bob = await joined(room, "bob")
    person = room["people"]["bob"]
    await sync_to_async(privacy_services.account_delete)(person=person, by=person.user)
    assert await closed_before_the_next_message(bob, room) == {"type": "websocket.close", "code": 4403}


async def test_a_deactivated_account_hears_nothing_more_and_cannot_send(room):
    bob = await joined(room, "bob")
    user = room["people"]["bob"].user
    user.is_active = False
    await sync_to_async(user.save)()
    assert await closed_before_the_next_message(bob, room) == {"type": "websocket.close", "code": 4403}


async def test_a_deactivated_account_cannot_send_through_a_socket_opened_before(room):
    """Even where no revocation reached the socket (another process, a lost event), the send checks."""
    bob = await joined(room, "bob")
    user = room["people"]["bob"].user
    await sync_to_async(type(user).objects.filter(pk=user.pk).update)(is_active=False)
    await bob.send_json_to({"type": "send", "body": "encore moi", "client_id": "inactive-1"})
    frames = [await bob.receive_output(timeout=5) for _ in range(2)]
    assert frames[-1] == {"type": "websocket.close", "code": 4403}
    assert not await sync_to_async(Message.objects.filter(body="encore moi").exists)()


async def test_a_changed_password_closes_the_sockets_of_the_old_sessions(room):
    bob = await joined(room, "bob")
    user = room["people"]["bob"].user
    user.set_password("un-tout-nouveau-mot-de-passe-2026")
    await sync_to_async(user.save)()
    assert await closed_before_the_next_message(bob, room) == {"type": "websocket.close", "code": 4403}


async def test_a_sign_in_that_only_updates_last_login_leaves_sockets_open(room):
    bob = await joined(room, "bob")
    user = room["people"]["bob"].user
    await sync_to_async(user.save)(update_fields=["last_login"])
    output = await closed_before_the_next_message(bob, room)
    assert output["type"] == "websocket.send" and "après le départ" in output["text"]
    await bob.disconnect()
