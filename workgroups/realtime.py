"""Channel-layer group names and broadcasts. Every broadcast leaves after the transaction commits.

A frame is serialised once here and every consumer of the group sends the same text:
with hundreds of sockets, per-consumer serialisation is measurable CPU.
"""

import json

from django.db import transaction

from portal import realtime


def group_name(workgroup_id: int) -> str:
    return f"workgroup.{workgroup_id}"


def _send(workgroup_id: int, event: dict) -> None:
    # Handed over without waiting; the message is in the database: clients notice a sequence gap
    # and resume from it if the publish is lost.
    realtime.group_send(group_name(workgroup_id), event)


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
