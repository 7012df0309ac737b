"""Two daphne processes on loopback sharing Redis: a message sent through one reaches a client of the other.

Production runs several daphne processes behind one address; a workgroup's members are spread over
them, and only the Redis channel layer links them. Everything here is real: the processes, the
test database, Redis, the websocket handshake with the session cookie and the Origin header.
"""

import json
import os
import time

import pytest
from websockets.sync.client import connect

from workgroups.models import Message

pytestmark = [
    # Real commits, seen by the daphne processes. No serialized_rollback: nothing here needs the rows the
    # migrations create, and restoring them fails after a test that flushed without it (see tests/e2e/conftest.py).
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.environ.get("REDIS_URL"),
        reason="REDIS_URL is unset: two daphne processes only share messages through Redis (./run test sets it)",
    ),
]


def join(server, room, name):
    """A member's websocket on one server, as a browser opens it: session cookie, the site's Origin."""
    socket = connect(
        server.ws_url(f"/ws/workgroups/{room['workgroup'].slug}/"),
        origin=server.base_url,
        additional_headers={"Cookie": f"sessionid={room['cookies'][name]}"},
        proxy=None,
        open_timeout=10,
        legacy=True,  # the connection itself (closed by the caller's `with`), not a context manager
    )
    ready = next_of(socket, "ready")
    assert ready["workgroup"] == room["workgroup"].slug and ready["me"]["handle"] == name
    return socket


def next_of(socket, frame_type, timeout=10.0):
    """The next frame of a type, skipping the others (the sender's own broadcast, typing notices)."""
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        frame = json.loads(socket.recv(timeout=left))
        if frame["type"] == frame_type:
            return frame
    raise AssertionError(f"no {frame_type!r} frame within {timeout} s")


def test_a_message_sent_through_one_process_reaches_a_member_connected_to_the_other(daphne, room):
    first, second = daphne(), daphne()
    assert first.pid != second.pid and first.port != second.port

    with join(first, room, "alice") as alice, join(second, room, "bob") as bob:
        alice.send(json.dumps({"type": "send", "body": "Bonjour depuis le premier processus", "client_id": "mp-a1"}))
        ack = next_of(alice, "ack")
        received = next_of(bob, "message")["message"]
        assert ack["client_id"] == "mp-a1" and ack["sequence"] == 1
        assert (received["sequence"], received["id"]) == (ack["sequence"], ack["id"])
        assert received["body"] == "Bonjour depuis le premier processus" and received["client_id"] == "mp-a1"
        assert received["author"]["name"] == "Alice Test"

        # And back: the second process publishes, the first one delivers.
        bob.send(json.dumps({"type": "send", "body": "Bien reçu sur le second", "client_id": "mp-b1"}))
        ack = next_of(bob, "ack")
        received = next_of(alice, "message")["message"]
        # alice's own message comes back to her first (she is in the group too): skip to bob's.
        if received["sequence"] == 1:
            received = next_of(alice, "message")["message"]
        assert ack["sequence"] == 2 and (received["sequence"], received["id"]) == (2, ack["id"])
        assert received["body"] == "Bien reçu sur le second" and received["author"]["name"] == "Bob Test"

    stored = list(Message.objects.order_by("sequence").values_list("sequence", "client_id", "author__handle"))
    assert stored == [(1, "mp-a1", "alice"), (2, "mp-b1", "bob")]
