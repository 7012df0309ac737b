"""The JSON shape of messages, shared by websocket frames, resume and the room's first page."""

from .models import Message


def author_frame(person) -> dict | None:
    if person is None:
        return None
    organisation = person.organisation
    return {
        "id": person.pk,
        "name": str(person),
        "handle": person.handle,
        "organisation": organisation.name if organisation else "",
        "is_sse": bool(organisation and organisation.is_sse),
    }


def message_frame(message: Message) -> dict:
    removed = None
    if message.removed_at is not None:
        removed = "moderator" if message.removed_by_id != message.author_id else "author"
    return {
        "id": message.pk,
        "sequence": message.sequence,
        "author": author_frame(message.author),
        "body": "" if removed else message.body,
        "reply_to": message.reply_to.sequence if message.reply_to_id and message.reply_to else None,
        "client_id": message.client_id,
        "created": message.created_at.isoformat(),
        "edited": message.edited_at.isoformat() if message.edited_at else None,
        "removed": removed,
        "change": message.change,
    }
