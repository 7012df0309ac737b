"""The realtime kit: group names, a frame encoded once, broadcast after commit, and the publish.

Every live screen of the portal (a workgroup room, the Bourse's session screens) follows one path:
a service writes in its transaction and calls `broadcast_on_commit(group, frame)`; the frame is
encoded here ONCE, and after the commit the text is published to the group as a `realtime.frame`
event that every consumer of the group (portal/consumers.py) writes to its socket as is. With
hundreds of sockets, per-consumer serialisation is measurable CPU. A lost publish loses nothing:
the rows are in the database and clients catch up from it (a sequence gap, a fresh snapshot).

The publish itself does not wait for Redis. `async_to_sync(layer.group_send)` in a WSGI worker or a
management command starts an event loop for each call, and channels_redis opens a connection for
each loop: about 5 ms a publish. Here a publish is handed to an event loop that stays: daphne's own
when the caller runs inside it (its sync thread), else one loop thread per process, started on
first use. The caller goes on at once; publishes leave in the order they were handed over (one
loop, one connection per Redis shard); a failure is logged.

With PORTAL_REALTIME_FANOUT (the default) the publish goes to the process-local fan-out of
portal/fanout.py instead of Channels' groups: one Redis subscription per group and process, the
frame written straight to each local socket. A consumer's own publishes wait for its answer
(`held_publishes`): a sender gets its `ack` before the broadcast of its message.
"""

import asyncio
import atexit
import concurrent.futures
import contextlib
import contextvars
import json
import logging
import threading

from asgiref.sync import SyncToAsync
from channels.layers import get_channel_layer
from django.db import transaction

from portal import fanout

logger = logging.getLogger(__name__)

# Channel-layer event types the consumers of portal/consumers.py handle.
FRAME = "realtime.frame"  # {"text": an encoded frame}: written to every socket of the group as is
REVOKE = "realtime.revoke"  # {"person_id": int} or {"user_id": int}: those sockets in the group close (4403)


# --- Group names -----------------------------------------------------------------------------------


def workgroup_group(workgroup_id: int) -> str:
    """The sockets of a workgroup room."""
    return f"workgroup.{workgroup_id}"


def user_group(user_id: int) -> str:
    """Every socket a signed-in account holds, whatever its screen: closed together when the account
    is deactivated, deleted or its password changes."""
    return f"user.{user_id}"


def exchange_session_group(session_id: int) -> str:
    """The live screens of a Bourse d'échanges session (organiser's dashboard, secretaries)."""
    return f"exchange.session.{session_id}"


# --- Frames ----------------------------------------------------------------------------------------


def encode(frame: dict) -> str:
    """The text of a frame, compact and in UTF-8 (French stays readable); dates become strings."""
    return json.dumps(frame, ensure_ascii=False, separators=(",", ":"), default=str)


def frame_event(frame: dict) -> dict:
    """The channel-layer event that carries `frame`, encoded once for every socket of the group."""
    return {"type": FRAME, "text": encode(frame)}


def broadcast_on_commit(group: str, frame: dict) -> None:
    """Encodes `frame` now, publishes it to `group` once the current transaction commits.

    A rolled-back write never reaches a socket; outside a transaction it leaves at once.
    """
    event = frame_event(frame)
    transaction.on_commit(lambda: group_send(group, event))


def broadcast_committed(group: str, frame: dict) -> None:
    """Publishes `frame` to `group` now: its write has committed already (a statement run in
    autocommit on the event loop, portal/async_db.py), so there is no transaction to wait for."""
    group_send(group, frame_event(frame))


async def broadcast_now(group: str, frame: dict) -> None:
    """For frames that touch no database row (typing), sent from a consumer's event loop."""
    if fanout.enabled():
        group_send(group, frame_event(frame))
        return
    layer = get_channel_layer()
    if layer is not None:
        await layer.group_send(group, frame_event(frame))


def revoke_on_commit(group: str, person_id: int) -> None:
    """Closes the sockets `person_id` holds in `group` (they left or were removed) after the commit."""
    transaction.on_commit(lambda: group_send(group, {"type": REVOKE, "person_id": person_id}))


def revoke_user_on_commit(user_id: int) -> None:
    """Closes every socket of the account `user_id` after the commit (deactivated, deleted, new password)."""
    transaction.on_commit(lambda: group_send(user_group(user_id), {"type": REVOKE, "user_id": user_id}))


# --- The publish -----------------------------------------------------------------------------------

_lock = threading.Lock()
_own_loop: asyncio.AbstractEventLoop | None = None
_pending: set[concurrent.futures.Future] = set()
_tasks: set[asyncio.Task] = set()


def _server_loop() -> asyncio.AbstractEventLoop | None:
    """daphne's event loop when this thread does its sync work (sync_to_async records it)."""
    loop = getattr(SyncToAsync.threadlocal, "main_event_loop", None)
    if loop is None or loop.is_closed() or not loop.is_running():
        return None
    return loop


def _process_loop() -> asyncio.AbstractEventLoop:
    global _own_loop
    with _lock:
        if _own_loop is None or _own_loop.is_closed():
            _own_loop = asyncio.new_event_loop()
            threading.Thread(target=_own_loop.run_forever, name="channel-layer-publisher", daemon=True).start()
        return _own_loop


def _done(future: concurrent.futures.Future) -> None:
    _pending.discard(future)
    if not future.cancelled() and future.exception() is not None:
        logger.error("Publish to the channel layer failed", exc_info=future.exception())


_held: contextvars.ContextVar[list | None] = contextvars.ContextVar("realtime_held", default=None)


@contextlib.contextmanager
def held_publishes():
    """Publishes made inside (in this task, or in the threads its sync work runs in) leave at the end.

    A consumer answers its own client first: the sender's `ack` goes out before the broadcast of
    the message it acknowledges reaches any socket, the sender's included.
    """
    held: list = []
    token = _held.set(held)
    try:
        yield held
    finally:
        _held.reset(token)
        for group, event in held:
            group_send(group, event)


def group_send(group: str, event: dict) -> None:
    """Hands `event` to the group's subscribers; returns before Redis has it."""
    held = _held.get()
    if held is not None:
        held.append((group, event))
        return
    try:
        running = asyncio.get_running_loop()
    except RuntimeError:
        running = None
    if fanout.enabled():  # portal/fanout.py: the loop's hub publishes, in the order handed over
        fanout.publish(group, event, running or _server_loop() or _process_loop())
        return
    layer = get_channel_layer()
    if layer is None:
        return
    if running is not None:  # called from a coroutine's thread (an async test, say): its loop sends
        task = running.create_task(layer.group_send(group, event))
        _tasks.add(task)
        task.add_done_callback(_tasks.discard)
        return
    loop = _server_loop() or _process_loop()
    try:
        future = asyncio.run_coroutine_threadsafe(layer.group_send(group, event), loop)
    except Exception:
        logger.exception("Publish to %s could not be handed over", group)
        return
    _pending.add(future)
    future.add_done_callback(_done)


def wait_for_pending(timeout: float = 2.0) -> None:
    """Lets publishes already handed over leave before the process exits (management commands)."""
    concurrent.futures.wait(list(_pending), timeout=timeout)
    if _own_loop is not None and fanout.enabled():
        fanout.flush(_own_loop, timeout)


atexit.register(wait_for_pending)
