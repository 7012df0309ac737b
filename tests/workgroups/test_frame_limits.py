"""Costly frames are limited per person (across their sockets), and a person's open sockets are
bounded: a script in a browser tab cannot make the server replay a room or flood it with edits."""

import pytest
from asgiref.sync import sync_to_async
from django.core.cache import cache

from workgroups import services

from .test_consumer import _close_consumer_connections, joined, next_of, open_socket  # noqa: F401

pytestmark = pytest.mark.asyncio


@pytest.fixture(autouse=True)
def _tight_limits(settings):
    settings.PORTAL_FRAME_RATES = {**settings.PORTAL_FRAME_RATES, "edit": "3/m", "resume": "2/m", "typing": "2/m"}
    settings.PORTAL_MAX_SOCKETS_PER_PERSON = 3
    cache.clear()
    yield
    cache.clear()


async def test_edits_beyond_the_rate_are_refused_and_change_nothing(room):
    alice = await joined(room, "alice")
    await alice.send_json_to({"type": "send", "body": "premier jet", "client_id": "e-1"})
    await next_of(alice, "ack")
    for index in range(3):
        await alice.send_json_to({"type": "edit", "sequence": 1, "body": f"version {index}"})
        assert (await next_of(alice, "message_updated"))["message"]["body"] == f"version {index}"
    await alice.send_json_to({"type": "edit", "sequence": 1, "body": "une de trop"})
    refused = await next_of(alice, "error")
    assert refused["code"] == "rate_limited" and refused["frame"] == "edit" and refused["retry_after"] > 0
    assert "trop vite" in refused["message"] or "too fast" in refused["message"]
    message = await sync_to_async(room["workgroup"].messages.get)(sequence=1)
    assert message.body == "version 2"
    await alice.disconnect()


async def test_the_limit_is_per_person_not_per_socket(room):
    first, second = await joined(room, "alice"), await joined(room, "alice")
    await first.send_json_to({"type": "resume", "after": 0})
    await next_of(first, "resumed")
    await second.send_json_to({"type": "resume", "after": 0})
    await next_of(second, "resumed")
    await first.send_json_to({"type": "resume", "after": 0})
    refused = await next_of(first, "error")
    assert refused["code"] == "rate_limited" and refused["frame"] == "resume"
    # Someone else is not held back by Alice's frames.
    bob = await joined(room, "bob")
    await bob.send_json_to({"type": "resume", "after": 0})
    assert (await next_of(bob, "resumed"))["last"] == 0
    for socket in (first, second, bob):
        await socket.disconnect()


async def test_typing_notices_beyond_the_rate_are_dropped(room, settings):
    bob = await joined(room, "bob")
    sockets = [await joined(room, "alice") for _ in range(3)]
    for socket in sockets:  # three sockets: the per-socket interval lets each one through once
        await socket.send_json_to({"type": "typing"})
    seen = 0
    while not await bob.receive_nothing(timeout=1):
        seen += (await bob.receive_json_from())["type"] == "typing"
    assert seen == 2
    for socket in (*sockets, bob):
        await socket.disconnect()


async def test_a_person_cannot_hold_more_sockets_than_the_bound(room):
    sockets = [await joined(room, "alice") for _ in range(3)]
    extra, connected = await open_socket(room, "alice")
    assert await extra.receive_output(timeout=5) == {"type": "websocket.close", "code": 4429}
    # Bob's sockets are counted apart.
    bob = await joined(room, "bob")
    # Closing one of Alice's frees a place.
    await sockets[0].disconnect()
    again = await joined(room, "alice")
    for socket in (*sockets[1:], bob, again):
        await socket.disconnect()


async def test_resume_past_the_last_message_answers_the_real_last_sequence(room):
    alice_user = room["people"]["alice"].user
    for index in range(1, 4):
        await sync_to_async(services.message_send)(workgroup=room["workgroup"], by=alice_user, body=f"message {index}")
    bob = await joined(room, "bob")
    await bob.send_json_to({"type": "resume", "after": 99})
    assert await next_of(bob, "resumed") == {"type": "resumed", "after": 99, "last": 3, "complete": True}
    await bob.disconnect()
