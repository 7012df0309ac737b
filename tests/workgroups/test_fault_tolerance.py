"""kill -9 the daphne process while members are sending, start it again: nothing acknowledged is lost or doubled.

Three members, each on their own websocket, send messages with unique client_ids as fast as the
protocol lets them (a few in flight, waiting when rate-limited). Mid-stream the server process is
killed with SIGKILL, then started again on the same port, as a supervisor would. Each member then
does what the room's browser script must do: reconnect, send `resume` with the last sequence shown,
and send again, with the same client_ids, whatever was not acknowledged. Each also sends again its
last acknowledged message, as a tab that lost that ack would.

At the end: every acknowledged client_id is stored exactly once, at the sequence its ack gave; the
resent ones too (a message sent twice gets the same sequence in both acks); the sequences have no
gap; and every member shows every stored message once, in order. The members only keep a message
that follows the last one shown (a frame that skips ahead triggers a `resume`, one already shown is
dropped): that is the protocol's contract, since live broadcasts from concurrent senders may
overtake each other and may repeat what a `resume` sent.
"""

import json
import threading
import time

import pytest
from websockets.exceptions import WebSocketException
from websockets.sync.client import connect

from workgroups.models import Message, Workgroup

# Real commits, seen by the daphne process. No serialized_rollback: nothing here needs the rows the
# migrations create, and restoring them fails after a test that flushed without it (see tests/e2e/conftest.py).
pytestmark = pytest.mark.django_db(transaction=True)

MESSAGES_PER_MEMBER = 12  # a little over the rate limit (10 in 10 s), so the members also wait and retry
MAX_IN_FLIGHT = 4  # sent on the current connection, not yet acknowledged
KILL_AFTER_ACKS = 9  # acknowledgements, all members together, before the kill: mid-burst
TIME_LIMIT = 90.0  # seconds for the whole scenario; every loop below stops at this deadline


class Member(threading.Thread):
    """One member's tab: a websocket client that follows the protocol of workgroups/frames.py."""

    def __init__(self, name: str, cookie: str, server, slug: str, deadline: float):
        super().__init__(name=f"member-{name}", daemon=True)
        self.handle, self.cookie, self.server, self.slug, self.deadline = name, cookie, server, slug, deadline
        self.plan = {f"{name}-{index:02d}": f"Message {index} de {name}" for index in range(MESSAGES_PER_MEMBER)}
        self.pending = list(self.plan)  # to send (again), in plan order
        self.in_flight: dict[str, float] = {}  # sent on this connection, waiting for the ack
        self.acks: dict[str, list[int]] = {}  # client_id -> every sequence an ack gave for it
        self.resent: set[str] = set()  # sent again after a connection was lost before their ack
        self.replayed: str | None = None  # acknowledged before the kill, sent again after it
        self.pause_until = 0.0  # rate-limited until then
        self.shown: list[dict] = []  # the messages the member sees, in order
        self.last = 0  # sequence of the last message shown
        self.resuming = False
        self.skipped_ahead = 0  # highest sequence dropped because it skipped ahead
        self.target: int | None = None  # set by the test once everything is acknowledged
        self.socket = None
        self.connections = 0
        self.refused = 0  # connection attempts that failed (server down)
        self.duplicates = 0  # frames dropped because already shown
        self.gaps = 0  # frames that skipped ahead
        self.rate_limited = 0
        self.errors: list[dict] = []  # unexpected error frames
        self.failure: str | None = None

    # --- what the test reads ---------------------------------------------------------------------

    def all_acked(self) -> bool:
        return not self.pending and not self.in_flight and set(self.acks) == set(self.plan)

    def ack_count(self) -> int:
        return len(self.acks)

    def finished(self) -> bool:
        return self.all_acked() and self.target is not None and self.last >= self.target

    # --- the client ------------------------------------------------------------------------------

    def run(self):
        try:
            while not self.finished():
                if time.monotonic() > self.deadline:
                    self.failure = f"time limit reached: {self.summary()}"
                    return
                if self.socket is None:
                    self._connect()
                    continue
                try:
                    self._send_due()
                    self._receive(timeout=0.05)
                    self._catch_up()
                except (WebSocketException, OSError):
                    self._lost()
        except Exception as problem:  # noqa: BLE001 - reported by the test, with the member's state
            self.failure = f"{type(problem).__name__}: {problem} ({self.summary()})"
        finally:
            if self.socket is not None:
                self.socket.close()

    def _connect(self):
        try:
            socket = connect(
                self.server.ws_url(f"/ws/workgroups/{self.slug}/"),
                origin=self.server.base_url,
                additional_headers={"Cookie": f"sessionid={self.cookie}"},
                proxy=None,
                open_timeout=5,
                legacy=True,
            )
        except (WebSocketException, OSError):
            self.refused += 1
            time.sleep(0.1)
            return
        try:
            ready = json.loads(socket.recv(timeout=5))
            if ready["type"] != "ready":
                raise AssertionError(f"first frame is not ready: {ready}")
            self.socket = socket
            self.connections += 1
            self.resuming = False
            # What a reconnecting client does: ask for what it missed, then send again what has no ack.
            self._resume()  # the unacknowledged messages are back in `pending`: _send_due sends them next
            if self.connections > 1 and self.acks and self.replayed is None:
                # A tab that lost the ack of its last message (it crashed too) sends it again as well.
                self.replayed = max(self.acks, key=lambda client_id: self.acks[client_id][-1])
                self.in_flight[self.replayed] = time.monotonic()
                self.socket.send(
                    json.dumps({"type": "send", "body": self.plan[self.replayed], "client_id": self.replayed})
                )
        except (WebSocketException, OSError):
            socket.close()
            self.refused += 1
            time.sleep(0.1)

    def _lost(self):
        self.socket.close()
        self.socket = None
        for client_id in self.in_flight:  # no ack: send them again, with the same client_ids
            self.resent.add(client_id)
        self.pending = sorted(set(self.pending) | set(self.in_flight))
        self.in_flight.clear()

    def _send_due(self):
        while self.pending and len(self.in_flight) < MAX_IN_FLIGHT and time.monotonic() >= self.pause_until:
            client_id = self.pending.pop(0)
            self.in_flight[client_id] = time.monotonic()
            self.socket.send(json.dumps({"type": "send", "body": self.plan[client_id], "client_id": client_id}))

    def _resume(self):
        if not self.resuming:
            self.resuming = True
            self.socket.send(json.dumps({"type": "resume", "after": self.last}))

    def _receive(self, timeout: float):
        try:
            frame = json.loads(self.socket.recv(timeout=timeout))
        except TimeoutError:
            return
        kind = frame["type"]
        if kind == "ack":
            self.in_flight.pop(frame["client_id"], None)
            self.acks.setdefault(frame["client_id"], []).append(frame["sequence"])
        elif kind == "error" and frame.get("code") == "rate_limited":
            self.rate_limited += 1
            client_id = frame["client_id"]
            if self.in_flight.pop(client_id, None) is not None and client_id not in self.acks:
                self.pending = sorted({*self.pending, client_id})
            self.pause_until = max(self.pause_until, time.monotonic() + frame["retry_after"])
        elif kind == "error":
            self.errors.append(frame)
        elif kind == "message":
            self._show(frame["message"])
        elif kind == "resumed":
            self.resuming = False
            if not frame["complete"] or self.skipped_ahead > self.last:
                self._resume()

    def _show(self, message: dict):
        sequence = message["sequence"]
        if sequence <= self.last:
            self.duplicates += 1
        elif sequence == self.last + 1:
            self.shown.append(message)
            self.last = sequence
        else:
            self.gaps += 1
            self.skipped_ahead = max(self.skipped_ahead, sequence)
            self._resume()

    def _catch_up(self):
        """Once told the final sequence, fetch whatever is still missing (a broadcast lost in the crash)."""
        if self.target is not None and self.last < self.target and self.all_acked():
            self._resume()

    def summary(self) -> str:
        return (
            f"{self.handle}: acked {len(self.acks)}/{len(self.plan)}, pending {len(self.pending)}, "
            f"in flight {len(self.in_flight)}, last shown {self.last}, target {self.target}, "
            f"connections {self.connections}, refused {self.refused}, resent {len(self.resent)}+1 acked, "
            f"duplicates dropped {self.duplicates}, gaps {self.gaps}, rate-limited {self.rate_limited}"
        )


def wait_for(condition, deadline: float, what: str, step: float = 0.005):
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(step)


def test_acknowledged_messages_survive_a_server_kill_exactly_once_and_in_order(daphne, room):
    started = time.monotonic()
    deadline = started + TIME_LIMIT
    server = daphne()
    workgroup = room["workgroup"]
    members = [
        Member(name, room["cookies"][name], server, workgroup.slug, deadline) for name in ("alice", "bob", "chloe")
    ]
    for member in members:
        member.start()
    try:
        # Mid-stream: some messages acknowledged, others sent and waiting for their ack.
        wait_for(
            lambda: sum(m.ack_count() for m in members) >= KILL_AFTER_ACKS and any(m.in_flight for m in members),
            deadline,
            "the first acknowledgements",
        )
        in_flight = {client_id for m in members for client_id in list(m.in_flight)}
        server.kill()  # SIGKILL: no close frames, no cleanup, transactions cut short
        killed_at = time.monotonic()
        acked_at_kill = {client_id for m in members for client_id in list(m.acks)}
        in_flight_at_kill = in_flight - acked_at_kill  # sent, and the ack will never come
        stored_at_kill = set(Message.objects.filter(workgroup=workgroup).values_list("client_id", flat=True))
        server.start()  # same port: the members' reconnection loop finds it again
        restarted_at = time.monotonic()

        wait_for(lambda: all(m.all_acked() or m.failure for m in members), deadline, "every acknowledgement", 0.05)
        final = Workgroup.objects.get(pk=workgroup.pk).last_sequence
        for member in members:
            member.target = final
        for member in members:
            member.join(timeout=max(deadline - time.monotonic(), 0) + 1)
    finally:
        for member in members:
            member.deadline = 0  # stops a member still looping after a failed assertion above
    finished = time.monotonic()

    report = "\n".join(m.summary() for m in members)
    print(
        f"\nkill after {killed_at - started:.2f} s; restarted in {restarted_at - killed_at:.2f} s; "
        f"all shown after {finished - started:.2f} s. At the kill: {len(acked_at_kill)} acked, "
        f"{len(in_flight_at_kill)} in flight, of which {len(in_flight_at_kill & stored_at_kill)} already committed.\n"
        + report
    )
    assert not any(m.is_alive() for m in members), report
    assert [m.failure for m in members] == [None, None, None], report
    assert [m.errors for m in members] == [[], [], []], report
    assert in_flight_at_kill, "the kill must happen while messages are in flight"
    assert all(m.connections >= 2 for m in members), f"every member reconnects after the kill\n{report}"

    stored = list(
        Message.objects.filter(workgroup=workgroup)
        .order_by("sequence")
        .values_list("sequence", "client_id", "author__handle", "body")
    )
    sequences = [row[0] for row in stored]
    client_ids = [row[1] for row in stored]
    # No gap, no duplicate, and the workgroup's counter agrees.
    assert sequences == list(range(1, len(stored) + 1)) and final == len(stored)
    assert len(client_ids) == len(set(client_ids))
    planned = {client_id: (m.handle, body) for m in members for client_id, body in m.plan.items()}
    # Every planned message (each one was acknowledged in the end) is stored exactly once, as sent.
    assert {row[1]: (row[2], row[3]) for row in stored} == planned
    sequence_of = {row[1]: row[0] for row in stored}
    for member in members:
        for client_id, acked_sequences in member.acks.items():
            # An ack (before the kill, or for a resent message) always names the stored sequence.
            assert set(acked_sequences) == {sequence_of[client_id]}, (client_id, acked_sequences)
    assert acked_at_kill <= set(sequence_of)
    for member in members:  # the acked message sent again got the same sequence in a second ack, and no new row
        assert member.replayed is not None and len(member.acks[member.replayed]) == 2, member.summary()
    assert in_flight_at_kill <= set(sequence_of)  # unacked when the server died, resent, stored once
    for member in members:
        shown = [(message["sequence"], message["client_id"]) for message in member.shown]
        assert shown == [(row[0], row[1]) for row in stored], member.summary()
