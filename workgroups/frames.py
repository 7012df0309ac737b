"""The websocket protocol of a workgroup room: what a client may send, checked before anything runs.

Client → server frames (JSON objects, one per websocket text message):
  {"type": "send", "body": str, "client_id": str (≤64, optional), "reply_to": int|null}
  {"type": "edit", "sequence": int, "body": str}
  {"type": "delete", "sequence": int}
  {"type": "typing"}
  {"type": "mark_read", "sequence": int}
  {"type": "resume", "after": int, "changes_after": int (optional)}
        # every message with a larger sequence, oldest first; with changes_after, first every edit or
        # removal numbered above it of the messages up to `after` (as message_updated frames)

Server → client frames:
  {"type": "ready", "workgroup": slug, "last_sequence": int, "last_change": int, "me": {id, name, handle}}
  {"type": "message", "message": {...}}            # a new message (also the answer to resume)
  {"type": "message_updated", "message": {...}}    # edited or removed; message.change numbers the change
  {"type": "ack", "client_id": str, "sequence": int, "id": int}
  {"type": "resumed", "after": int, "last": int, "last_change": int, "complete": bool}
  {"type": "typing", "author": {id, name}}
  {"type": "read", "sequence": int}
  {"type": "error", "code": str, "message": str (French), "client_id"?: str, "retry_after"?: float,
   "frame"?: str}                                  # code "rate_limited": frame names what was too fast
Close codes (portal.consumers): 4401 not signed in, 4403 not a member (or no longer one), 4404 no such
workgroup, 4429 too many sockets open with this account.
"""

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr, TypeAdapter


class _Frame(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SendFrame(_Frame):
    type: Literal["send"]
    body: StrictStr
    client_id: Annotated[StrictStr, Field(max_length=64, pattern=r"^[A-Za-z0-9_.:-]*$")] = ""
    reply_to: Annotated[StrictInt, Field(ge=1)] | None = None


class EditFrame(_Frame):
    type: Literal["edit"]
    sequence: Annotated[StrictInt, Field(ge=1)]
    body: StrictStr


class DeleteFrame(_Frame):
    type: Literal["delete"]
    sequence: Annotated[StrictInt, Field(ge=1)]


class TypingFrame(_Frame):
    type: Literal["typing"]


class MarkReadFrame(_Frame):
    type: Literal["mark_read"]
    sequence: Annotated[StrictInt, Field(ge=0)]


class ResumeFrame(_Frame):
    type: Literal["resume"]
    after: Annotated[StrictInt, Field(ge=0)]
    changes_after: Annotated[StrictInt, Field(ge=0)] | None = None


ClientFrame = Annotated[
    SendFrame | EditFrame | DeleteFrame | TypingFrame | MarkReadFrame | ResumeFrame,
    Field(discriminator="type"),
]
client_frame = TypeAdapter(ClientFrame)
