"""Channel-layer group of a session's live screens; every broadcast leaves after the transaction commits.

The frame is serialised once here (as workgroups/realtime.py does) and every consumer sends the same
text. A lost broadcast costs nothing: a screen that reconnects gets a fresh snapshot from the database.
"""

import json

from django.db import transaction

from portal import realtime


def group_name(session_id: int) -> str:
    return f"exchange.session.{session_id}"


def encode(frame: dict) -> str:
    return json.dumps(frame, ensure_ascii=False, separators=(",", ":"), default=str)


def _send(session_id: int, text: str) -> None:
    realtime.group_send(group_name(session_id), {"type": "exchange.frame", "text": text})


def broadcast_on_commit(session_id: int, frame: dict) -> None:
    text = encode(frame)
    transaction.on_commit(lambda: _send(session_id, text))
