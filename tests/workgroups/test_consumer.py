"""The workgroup websocket on the real channel layer (Redis under ./run test), as browsers use it."""

import asyncio
import contextlib
import json
import os
import threading

import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connections

from portal.asgi import application
from workgroups import services
from workgroups.models import Message, WorkgroupMembership

pytestmark = pytest.mark.asyncio


@pytest.fixture(autouse=True)
async def _close_consumer_connections(transactional_db):
    """The consumer's ORM calls run in asgiref's worker thread, and sends in the event loop's thread pool
    (thread_sensitive=False): close their connections after each test, or PostgreSQL refuses to drop
    the test database at the end ("being accessed by other users")."""
    yield
    await database_sync_to_async(connections.close_all)()
    # One job per thread of the pool: each waits for the others, so every thread closes its own.
    workers = min(32, (os.cpu_count() or 1) + 4)  # ThreadPoolExecutor's default size
    barrier = threading.Barrier(workers)

    def close_in_this_thread():
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=5)
        connections.close_all()

    loop = asyncio.get_running_loop()
    await asyncio.gather(*(loop.run_in_executor(None, close_in_this_thread) for _ in range(workers)))


ORIGIN = "http://127.0.0.1"


async def open_socket(room, name=None, *, origin=ORIGIN, slug=None):
    headers = [(b"origin", origin.encode()), (b"host", b"127.0.0.1")]
    if name is not None:
        headers.append((b"cookie", f"sessionid={room['cookies'][name]}".encode()))
    path = f"/ws/workgroups/{slug or room['workgroup'].slug}/"
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, _subprotocol = await communicator.connect(timeout=5)
    return communicator, connected


async def joined(room, name):
    communicator, connected = await open_socket(room, name)
    assert connected
    ready = await communicator.receive_json_from(timeout=5)
    assert ready["type"] == "ready"
    return communicator


async def next_of(communicator, frame_type, timeout=5):
    """The next frame of a type, skipping typing notices and the like."""
    for _ in range(50):
        frame = await communicator.receive_json_from(timeout=timeout)
        if frame["type"] == frame_type:
            return frame
    raise AssertionError(f"no {frame_type} frame")


async def stored_count() -> int:
    return await sync_to_async(Message.objects.count)()


async def test_the_suite_runs_on_the_redis_layer_when_provisioned():
    from django.conf import settings

    if os.environ.get("REDIS_URL"):
        assert settings.CHANNEL_LAYERS["default"]["BACKEND"] == "channels_redis.pubsub.RedisPubSubChannelLayer"


async def test_member_sends_and_the_other_member_receives_with_sequence(room):
    alice, bob = await joined(room, "alice"), await joined(room, "bob")
    await alice.send_json_to({"type": "send", "body": "  Bonjour à tous  ", "client_id": "a-1"})
    ack = await next_of(alice, "ack")
    received = await next_of(bob, "message")
    assert ack == {"type": "ack", "client_id": "a-1", "sequence": 1, "id": received["message"]["id"]}
    assert received["message"]["sequence"] == 1 and received["message"]["body"] == "Bonjour à tous"
    assert received["message"]["author"]["name"] == "Alice Test"
    assert (await next_of(alice, "message"))["message"]["sequence"] == 1
    await alice.disconnect()
    await bob.disconnect()


async def test_non_member_and_anonymous_are_refused_with_a_close_code_and_no_data(room):
    outsider, connected = await open_socket(room, "outsider")
    assert connected
    assert await outsider.receive_output(timeout=5) == {"type": "websocket.close", "code": 4403}
    anonymous, connected = await open_socket(room, None)
    assert await anonymous.receive_output(timeout=5) == {"type": "websocket.close", "code": 4401}
    missing, connected = await open_socket(room, "alice", slug="no-such-group")
    assert await missing.receive_output(timeout=5) == {"type": "websocket.close", "code": 4404}


async def test_wrong_origin_is_refused_before_anything(room):
    _communicator, connected = await open_socket(room, "alice", origin="http://evil.example")
    assert not connected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("not json", "invalid_frame"),
        (json.dumps({"type": "shout", "body": "x"}), "invalid_frame"),
        (json.dumps({"body": "no type"}), "invalid_frame"),
        (json.dumps({"type": "send", "body": "   "}), "empty_body"),
        (json.dumps({"type": "send", "body": "x" * 100_000}), "body_too_long"),
        (json.dumps({"type": "send", "body": 42}), "invalid_frame"),
        (json.dumps({"type": "send", "body": "ok", "client_id": "x" * 100}), "invalid_frame"),
        (json.dumps({"type": "send", "body": "ok", "extra": True}), "invalid_frame"),
        (json.dumps({"type": "resume", "after": "12"}), "invalid_frame"),
        (json.dumps({"type": "resume", "after": 1, "changes_after": -1}), "invalid_frame"),
        (json.dumps({"type": "edit", "sequence": 99, "body": "x"}), "not_found"),
        (json.dumps([1, 2, 3]), "invalid_frame"),
    ],
)
async def test_malformed_frames_get_an_error_frame_and_store_nothing(room, raw, code):
    alice = await joined(room, "alice")
    await alice.send_to(text_data=raw)
    error = await next_of(alice, "error")
    assert error["code"] == code and error["message"]
    assert await stored_count() == 0
    # The connection stays usable after a bad frame.
    await alice.send_json_to({"type": "send", "body": "toujours là", "client_id": "after-error"})
    assert (await next_of(alice, "ack"))["sequence"] == 1
    await alice.disconnect()


async def test_binary_frames_are_refused(room):
    alice = await joined(room, "alice")
    await alice.send_to(bytes_data=b"\x00\x01")
    assert (await next_of(alice, "error"))["code"] == "invalid_frame"
    await alice.disconnect()


async def test_resume_after_a_gap_returns_exactly_the_missing_messages_in_order(room):
    alice_user = room["people"]["alice"].user
    for index in range(1, 6):
        await sync_to_async(services.message_send)(workgroup=room["workgroup"], by=alice_user, body=f"message {index}")
    bob = await joined(room, "bob")
    await bob.send_json_to({"type": "resume", "after": 2})
    bodies = [(await next_of(bob, "message"))["message"] for _ in range(3)]
    assert [(m["sequence"], m["body"]) for m in bodies] == [(3, "message 3"), (4, "message 4"), (5, "message 5")]
    assert await next_of(bob, "resumed") == {"type": "resumed", "after": 2, "last": 5, "complete": True}
    await bob.send_json_to({"type": "resume", "after": 5})
    assert await bob.receive_json_from(timeout=5) == {"type": "resumed", "after": 5, "last": 5, "complete": True}
    await bob.disconnect()


async def test_a_retried_send_with_the_same_client_id_is_stored_once(room):
    alice = await joined(room, "alice")
    for _ in range(3):
        await alice.send_json_to({"type": "send", "body": "une seule fois", "client_id": "retry-1"})
        assert (await next_of(alice, "ack"))["sequence"] == 1
    assert await stored_count() == 1
    await alice.disconnect()


async def test_editing_and_removing_follow_author_and_moderator_rules(room):
    alice, bob, chloe = await joined(room, "alice"), await joined(room, "bob"), await joined(room, "chloe")
    await alice.send_json_to({"type": "send", "body": "premier jet", "client_id": "e-1"})
    await next_of(alice, "ack")
    await alice.send_json_to({"type": "edit", "sequence": 1, "body": "version corrigée"})
    updated = await next_of(bob, "message_updated")
    assert updated["message"]["body"] == "version corrigée" and updated["message"]["edited"]
    assert (await next_of(alice, "message_updated"))["message"]["body"] == "version corrigée"

    await bob.send_json_to({"type": "edit", "sequence": 1, "body": "piraté"})
    assert (await next_of(bob, "error"))["code"] == "forbidden"
    await bob.send_json_to({"type": "delete", "sequence": 1})
    assert (await next_of(bob, "error"))["code"] == "forbidden"

    await chloe.send_json_to({"type": "delete", "sequence": 1})
    hidden = await next_of(alice, "message_updated")
    assert hidden["message"]["removed"] == "moderator" and hidden["message"]["body"] == ""
    message = await sync_to_async(Message.objects.get)(sequence=1)
    assert message.body == "version corrigée" and message.removed_at is not None  # kept for audit
    for communicator in (alice, bob, chloe):
        await communicator.disconnect()


async def test_rate_limit_answers_with_a_clear_error_and_stores_nothing_more(room):
    alice = await joined(room, "alice")
    for index in range(services.RATE_LIMIT_MESSAGES):
        await alice.send_json_to({"type": "send", "body": f"rafale {index}", "client_id": f"r-{index}"})
        await next_of(alice, "ack")
    await alice.send_json_to({"type": "send", "body": "de trop", "client_id": "r-extra"})
    error = await next_of(alice, "error")
    assert error["code"] == "rate_limited" and error["client_id"] == "r-extra" and error["retry_after"] > 0
    assert "trop vite" in error["message"]
    assert await stored_count() == services.RATE_LIMIT_MESSAGES
    await alice.disconnect()


async def test_leaving_the_workgroup_closes_open_sockets(room):
    bob = await joined(room, "bob")
    await sync_to_async(services.workgroup_leave)(workgroup=room["workgroup"], by=room["people"]["bob"].user)
    for _ in range(5):
        output = await bob.receive_output(timeout=5)
        if output["type"] == "websocket.close":
            break
    assert output == {"type": "websocket.close", "code": 4403}
    assert not await sync_to_async(WorkgroupMembership.objects.filter(person=room["people"]["bob"]).exists)()


async def test_mark_read_moves_forward_only(room):
    alice_user = room["people"]["alice"].user
    for index in range(3):
        await sync_to_async(services.message_send)(workgroup=room["workgroup"], by=alice_user, body=f"m{index}")
    bob = await joined(room, "bob")
    await bob.send_json_to({"type": "mark_read", "sequence": 2})
    assert await next_of(bob, "read") == {"type": "read", "sequence": 2}
    await bob.send_json_to({"type": "mark_read", "sequence": 1})
    await next_of(bob, "read")
    membership = await sync_to_async(WorkgroupMembership.objects.get)(person=room["people"]["bob"])
    assert membership.last_read_sequence == 2
    await bob.disconnect()


async def test_a_member_removed_without_notice_is_refused_and_disconnected_at_the_next_send(room):
    """The membership row deleted directly (the administration, a cascade): no revoke reached the socket,
    the send itself finds out, stores nothing and closes the socket."""
    bob = await joined(room, "bob")
    await sync_to_async(WorkgroupMembership.objects.filter(person=room["people"]["bob"]).delete)()
    await bob.send_json_to({"type": "send", "body": "toujours là ?", "client_id": "gone-1"})
    error = await next_of(bob, "error")
    assert error["code"] == "forbidden" and error["client_id"] == "gone-1"
    assert await bob.receive_output(timeout=5) == {"type": "websocket.close", "code": 4403}
    assert await stored_count() == 0


async def test_a_broadcast_reaches_every_member_while_a_member_s_own_send_is_stored(room):
    """Deliveries skip Channels' per-event database hop: many in a row all arrive, in order."""
    alice, bob = await joined(room, "alice"), await joined(room, "bob")
    for index in range(1, 6):
        await alice.send_json_to({"type": "send", "body": f"rafale {index}", "client_id": f"b-{index}"})
    sequences = [(await next_of(bob, "message"))["message"]["sequence"] for _ in range(5)]
    assert sequences == [1, 2, 3, 4, 5]
    await alice.disconnect()
    await bob.disconnect()


async def test_resume_also_brings_the_edits_and_removals_made_while_the_client_was_away(room):
    alice_user, chloe_user = room["people"]["alice"].user, room["people"]["chloe"].user
    first = await sync_to_async(services.message_send)(workgroup=room["workgroup"], by=alice_user, body="brouillon")
    second = await sync_to_async(services.message_send)(workgroup=room["workgroup"], by=alice_user, body="à cacher")
    bob = await joined(room, "bob")
    await bob.send_json_to({"type": "resume", "after": 0, "changes_after": 0})
    assert [(await next_of(bob, "message"))["message"]["sequence"] for _ in range(2)] == [1, 2]
    assert (await next_of(bob, "resumed"))["last_change"] == 0
    await bob.disconnect()

    # Bob is offline: alice corrects her first message, a coordinator hides the second, alice writes again.
    await sync_to_async(services.message_edit)(message=first, by=alice_user, body="version finale")
    await sync_to_async(services.message_remove)(message=second, by=chloe_user)
    await sync_to_async(services.message_send)(workgroup=room["workgroup"], by=alice_user, body="nouveau")

    bob = await joined(room, "bob")
    await bob.send_json_to({"type": "resume", "after": 2, "changes_after": 0})
    frames = [await bob.receive_json_from(timeout=5) for _ in range(4)]
    assert [(f["type"], f["message"]["sequence"]) for f in frames[:3]] == [
        ("message_updated", 1),
        ("message_updated", 2),
        ("message", 3),
    ]
    assert frames[0]["message"]["body"] == "version finale" and frames[0]["message"]["edited"]
    assert frames[1]["message"]["removed"] == "moderator" and frames[1]["message"]["body"] == ""
    assert frames[3] == {"type": "resumed", "after": 2, "last": 3, "complete": True, "last_change": 2}

    # Up to date: nothing again; a client that saw the edit only gets the removal.
    await bob.send_json_to({"type": "resume", "after": 3, "changes_after": 2})
    assert await bob.receive_json_from(timeout=5) == {
        "type": "resumed",
        "after": 3,
        "last": 3,
        "complete": True,
        "last_change": 2,
    }
    await bob.send_json_to({"type": "resume", "after": 3, "changes_after": 1})
    only = await bob.receive_json_from(timeout=5)
    assert (only["type"], only["message"]["sequence"], only["message"]["change"]) == ("message_updated", 2, 2)
    await bob.disconnect()


async def test_live_edits_carry_their_change_number(room):
    alice, bob = await joined(room, "alice"), await joined(room, "bob")
    await alice.send_json_to({"type": "send", "body": "v1", "client_id": "ch-1"})
    await next_of(alice, "ack")
    assert (await next_of(bob, "message"))["message"]["change"] == 0
    for version in ("v2", "v3"):
        await alice.send_json_to({"type": "edit", "sequence": 1, "body": version})
    changes = [(await next_of(bob, "message_updated"))["message"]["change"] for _ in range(2)]
    assert changes == [1, 2]
    await alice.disconnect()
    await bob.disconnect()
