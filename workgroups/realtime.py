"""Channel-layer group names and broadcasts. Every broadcast leaves after the transaction commits.

A frame is serialised once here and every consumer of the group sends the same text:
with hundreds of sockets, per-consumer serialisation is measurable CPU.
"""

import asyncio
import json
import logging

from asgiref.sync import SyncToAsync, async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)


def group_name(workgroup_id: int) -> str:
    return f"workgroup.{workgroup_id}"


def _server_loop() -> asyncio.AbstractEventLoop | None:
    """The event loop of the ASGI server when this thread runs a consumer's database work
    (database_sync_to_async sets it), so a broadcast can be handed to it without waiting."""
    loop = getattr(SyncToAsync.threadlocal, "main_event_loop", None)
    if loop is None or loop.is_closed() or not loop.is_running():
        return None
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return loop
    return None  # this thread runs a loop of its own: async_to_sync knows what to do


def _report(future) -> None:
    if not future.cancelled() and future.exception() is not None:
        logger.error("Broadcast failed", exc_info=future.exception())


def _send(workgroup_id: int, event: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    loop = _server_loop()
    try:
        if loop is not None:
            # In daphne: hand the publish to the server's event loop and let this database thread go
            # on at once. Publishes leave in the order they are handed over (one FIFO lock per Redis
            # connection), and a failure loses nothing: clients resume from the database.
            asyncio.run_coroutine_threadsafe(layer.group_send(group_name(workgroup_id), event), loop).add_done_callback(
                _report
            )
        else:
            async_to_sync(layer.group_send)(group_name(workgroup_id), event)
    except Exception:
        # The message is in the database: clients notice the sequence gap and resume from it.
        logger.exception("Broadcast to workgroup %s failed", workgroup_id)


def encode(frame: dict) -> str:
    return json.dumps(frame, ensure_ascii=False, separators=(",", ":"))


def broadcast_on_commit(workgroup_id: int, frame: dict) -> None:
    text = encode(frame)
    transaction.on_commit(lambda: _send(workgroup_id, {"type": "chat.frame", "text": text}))


async def broadcast_ephemeral(layer, workgroup_id: int, frame: dict) -> None:
    """For frames that touch no database row (typing), sent from a consumer's event loop."""
    await layer.group_send(group_name(workgroup_id), {"type": "chat.frame", "text": encode(frame)})


def revoke_on_commit(workgroup_id: int, person_id: int) -> None:
    """Closes the sockets of someone who left or was removed from the workgroup."""
    transaction.on_commit(lambda: _send(workgroup_id, {"type": "chat.revoke", "person_id": person_id}))
