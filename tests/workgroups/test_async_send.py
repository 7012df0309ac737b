"""A chat send's statement on the event loop (portal/async_db.py, #22): what a member sees is the same as
when it ran in a worker thread: the ack before the broadcast, one message per client_id, the reasons of
a refusal, the message found by search, and nothing lost when the loop cannot reach PostgreSQL."""

import asyncio
import time
import uuid

import pytest
from asgiref.sync import sync_to_async
from django.db import connection

from portal import async_db
from search.backend import get_backend
from tests.workgroups.test_consumer import _close_consumer_connections, joined, next_of  # noqa: F401 - fixture
from workgroups import services
from workgroups.indexing import workgroup_grant
from workgroups.models import Message, Workgroup, WorkgroupMembership

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the event loop's statement is PostgreSQL's only"
)


async def warmed(room, name):
    """A socket whose first message went through the worker thread, which loads the author's
    organisation for the frames: the sends after it can run on the event loop."""
    communicator = await joined(room, name)
    await communicator.send_json_to({"type": "send", "body": "Bonjour", "client_id": f"{name}-0"})
    await next_of(communicator, "ack")
    await next_of(communicator, "message")
    return communicator


async def messages_of(room) -> list[tuple[int, str, str]]:
    rows = Message.objects.filter(workgroup=room["workgroup"]).order_by("sequence")
    return await sync_to_async(lambda: list(rows.values_list("sequence", "body", "client_id")))()


async def test_sends_on_the_loop_are_acked_before_their_broadcast_and_reach_every_member(room):
    alice, bob = await warmed(room, "alice"), await joined(room, "bob")
    organisation = await sync_to_async(lambda: room["people"]["alice"].organisation.name)()
    ran_before = async_db.statements_run()
    for index in range(1, 4):
        body = f"Point {index} de l'ordre du jour"
        await alice.send_json_to({"type": "send", "body": body, "client_id": f"a-{index}"})
        # The sender's next frame is its ack, then its own message comes back like everyone's.
        ack = await alice.receive_json_from(timeout=5)
        assert ack["type"] == "ack" and ack["client_id"] == f"a-{index}" and ack["sequence"] == index + 1
        assert (await next_of(alice, "message"))["message"]["id"] == ack["id"]
        received = (await next_of(bob, "message"))["message"]
        assert received["sequence"] == index + 1 and received["body"] == body
        assert received["author"]["name"] == "Alice Test" and received["author"]["organisation"] == organisation
    assert async_db.statements_run() == ran_before + 3  # the three ran on the loop, not in a thread
    assert [sequence for sequence, _body, _client in await messages_of(room)] == [1, 2, 3, 4]
    await alice.disconnect()
    await bob.disconnect()


async def test_a_message_sent_on_the_loop_is_found_by_search(room):
    alice = await warmed(room, "alice")
    ran_before = async_db.statements_run()
    word = f"compost{uuid.uuid4().hex[:10]}"  # the index outlives each test's rows: a word no earlier run wrote
    await alice.send_json_to({"type": "send", "body": f"Compostage des biodéchets : {word}", "client_id": "a-search"})
    ack = await next_of(alice, "ack")
    assert async_db.statements_run() == ran_before + 1
    backend = get_backend()
    await sync_to_async(backend.refresh)()
    found = await sync_to_async(backend.search)(word, grants=[workgroup_grant(room["workgroup"].pk)])
    assert [(hit.type, hit.id) for hit in found.hits] == [("message", str(ack["id"]))]
    await alice.disconnect()


async def test_a_retried_client_id_on_the_loop_is_stored_once(room):
    alice = await warmed(room, "alice")
    for _ in range(3):
        await alice.send_json_to({"type": "send", "body": "une seule fois", "client_id": "retry-loop"})
        assert (await next_of(alice, "ack"))["sequence"] == 2
    assert [client for _sequence, _body, client in await messages_of(room)] == ["alice-0", "retry-loop"]
    await alice.disconnect()


async def test_a_member_removed_while_connected_is_told_why_and_disconnected(room):
    bob = await warmed(room, "bob")
    await sync_to_async(WorkgroupMembership.objects.filter(person=room["people"]["bob"]).delete)()
    await bob.send_json_to({"type": "send", "body": "toujours là ?", "client_id": "gone-loop"})
    error = await next_of(bob, "error")
    assert error["code"] == "forbidden" and error["client_id"] == "gone-loop"
    assert await bob.receive_output(timeout=5) == {"type": "websocket.close", "code": 4403}
    assert len(await messages_of(room)) == 1


async def test_an_archived_workgroup_refuses_a_send_on_the_loop_with_its_reason(room):
    alice = await warmed(room, "alice")
    await sync_to_async(Workgroup.objects.filter(pk=room["workgroup"].pk).update)(is_archived=True)
    await alice.send_json_to({"type": "send", "body": "encore un mot", "client_id": "late"})
    error = await next_of(alice, "error")
    assert error["code"] == "archived" and error["client_id"] == "late" and "archiv" in error["message"]
    assert len(await messages_of(room)) == 1
    await alice.disconnect()


async def test_the_rate_limit_holds_on_the_loop(room):
    alice = await warmed(room, "alice")
    for index in range(1, services.RATE_LIMIT_MESSAGES):
        await alice.send_json_to({"type": "send", "body": f"rafale {index}", "client_id": f"r-{index}"})
        await next_of(alice, "ack")
    await alice.send_json_to({"type": "send", "body": "de trop", "client_id": "r-extra"})
    error = await next_of(alice, "error")
    assert error["code"] == "rate_limited" and error["client_id"] == "r-extra"
    assert len(await messages_of(room)) == services.RATE_LIMIT_MESSAGES
    await alice.disconnect()


async def test_postgresql_out_of_reach_from_the_loop_loses_no_message(room, settings, monkeypatch):
    """The loop's pool cannot connect (a wrong port here): the send goes through the worker thread,
    whose connection works, and is acked as usual."""
    settings.DATABASE_ASYNC_POOL_TIMEOUT = 1
    unreachable = {**async_db._connection_kwargs(), "port": 1, "connect_timeout": 1}
    monkeypatch.setattr(async_db, "_connection_kwargs", lambda: unreachable)
    alice = await warmed(room, "alice")
    await alice.send_json_to({"type": "send", "body": "malgré la panne", "client_id": "a-down"})
    ack = await next_of(alice, "ack", timeout=10)
    assert ack["sequence"] == 2
    assert [body for _sequence, body, _client in await messages_of(room)] == ["Bonjour", "malgré la panne"]
    await alice.disconnect()


async def test_switched_off_every_send_goes_through_the_worker_thread(room, settings):
    settings.PORTAL_ASYNC_DB = False
    alice = await warmed(room, "alice")
    await alice.send_json_to({"type": "send", "body": "par le fil", "client_id": "a-thread"})
    assert (await next_of(alice, "ack"))["sequence"] == 2
    assert async_db.statements_run() == 0
    await alice.disconnect()


def test_the_loop_s_connections_close_with_the_loop(room):
    """A test's loop, or a server's on shutdown: its PostgreSQL connections do not outlive it."""
    person = room["people"]["alice"]
    user = person.user
    _ = person.organisation, user.person  # the frame's reads, loaded as the first send does

    def open_connections() -> set[int]:
        """The server processes of loop connections to this test database. A live daphne of another
        test (the browser tests', say) may hold some of its own for the whole session: told apart by
        taking only those that were not there before."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = %s",
                [async_db.APPLICATION_NAME],
            )
            return {row[0] for row in cursor.fetchall()}

    def still_open(pids: set[int]) -> set[int]:
        """A closed connection's server process leaves pg_stat_activity a moment after: 2 s at most."""
        for _ in range(40):
            if not (left := pids & open_connections()):
                return left
            time.sleep(0.05)
        return left

    before = open_connections()

    async def send_twice():
        for index in range(2):
            await services.message_send_async(workgroup=room["workgroup"], by=user, body="x", client_id=f"c-{index}")
        return async_db.statements_run()

    with asyncio.Runner() as runner:
        assert runner.run(send_twice()) == 2  # both on the loop
        this_loop = open_connections() - before
    assert this_loop  # the loop's pool held a connection…
    assert still_open(this_loop) == set()  # …closed with the loop
