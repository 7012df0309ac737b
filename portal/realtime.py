"""Publishing to a channel-layer group from synchronous code without waiting for Redis.

`async_to_sync(layer.group_send)` in a WSGI worker or a management command starts an event loop
for each call, and channels_redis opens a connection for each loop: about 5 ms a publish. Here a
publish is handed to an event loop that stays: daphne's own when the caller runs inside it (its
sync thread), else one loop thread per process, started on first use. The caller goes on at once;
publishes leave in the order they were handed over (one loop, one connection per Redis shard); a
failure is logged. Callers publish after their transaction commits and clients catch up from the
database, so a lost publish loses nothing.
"""

import asyncio
import atexit
import concurrent.futures
import logging
import threading

from asgiref.sync import SyncToAsync
from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)

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


def group_send(group: str, event: dict) -> None:
    """Hands `event` to the group's subscribers; returns before Redis has it."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        running = asyncio.get_running_loop()
    except RuntimeError:
        running = None
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


atexit.register(wait_for_pending)
