"""The websocket of a workgroup room. Thin: checks, then services; the protocol is in frames.py."""

import time

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from pydantic import ValidationError as FrameError

from . import permissions, realtime, selectors, services
from .frames import client_frame
from .models import Message, Workgroup
from .serializers import message_frame

CLOSE_NOT_SIGNED_IN = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404
TYPING_INTERVAL = 3.0


def error(code: str, message: str, **extra) -> str:
    return realtime.encode({"type": "error", "code": code, "message": message, **extra})


class WorkgroupConsumer(AsyncWebsocketConsumer):
    workgroup: Workgroup | None = None

    async def connect(self):
        self.workgroup = None
        self.last_typing = 0.0
        user = self.scope.get("user")
        # Accept, then close with a code: a browser sees close codes, not HTTP statuses,
        # and its client stops reconnecting on 44xx.
        await self.accept()
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_NOT_SIGNED_IN)
            return
        access = await self._load(user, self.scope["url_route"]["kwargs"]["slug"])
        if isinstance(access, int):
            await self.close(code=access)
            return
        self.workgroup, self.person = access
        await self.channel_layer.group_add(realtime.group_name(self.workgroup.pk), self.channel_name)
        me = {"id": self.person.pk, "name": str(self.person), "handle": self.person.handle}
        await self.send(
            text_data=realtime.encode(
                {
                    "type": "ready",
                    "workgroup": self.workgroup.slug,
                    "last_sequence": self.workgroup.last_sequence,
                    "last_change": self.workgroup.last_change,
                    "me": me,
                }
            )
        )

    @database_sync_to_async
    def _load(self, user, slug):
        workgroup = Workgroup.objects.select_related("axis").filter(slug=slug).first()
        if workgroup is None:
            return CLOSE_NOT_FOUND
        if not permissions.can_read(user, workgroup):
            return CLOSE_FORBIDDEN
        return workgroup, user.person

    async def dispatch(self, message):
        """Channels' dispatch without its database hop per event.

        AsyncConsumer.dispatch first awaits aclose_old_connections(): a trip to the one
        thread-sensitive worker thread for EVERY event, each broadcast delivery included — with 500
        sockets that is most of the server's CPU per delivery, queued behind the real database work.
        Nothing here touches the database on the event loop: every database call goes through
        database_sync_to_async, which closes stale connections around itself.
        """
        if message["type"] == "chat.frame":  # the hot path: a broadcast, already encoded
            await self.send(text_data=message["text"])
            return
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def disconnect(self, code):
        if self.workgroup is not None:
            await self.channel_layer.group_discard(realtime.group_name(self.workgroup.pk), self.channel_name)

    async def receive(self, text_data=None, bytes_data=None):
        if self.workgroup is None:
            return
        if text_data is None:
            await self.send(text_data=error("invalid_frame", _("Frames must be JSON text.")))
            return
        try:
            frame = client_frame.validate_json(text_data)
        except FrameError as problem:
            await self.send(text_data=error("invalid_frame", _describe(problem)))
            return
        handler = getattr(self, f"on_{frame.type}")
        await handler(frame)

    # --- Client frames ---------------------------------------------------------------------------

    async def on_send(self, frame):
        user = self.scope["user"]
        try:
            # Off the single thread-sensitive worker: one member's slow send must not hold up
            # every other socket's database work in this process.
            message = await database_sync_to_async(services.message_send, thread_sensitive=False)(
                workgroup=self.workgroup, by=user, body=frame.body, client_id=frame.client_id, reply_to=frame.reply_to
            )
        except services.RateLimited as limited:
            await self.send(
                text_data=error(
                    "rate_limited",
                    _("You are sending messages too fast: wait a few seconds."),
                    client_id=frame.client_id,
                    retry_after=round(limited.retry_after, 1),
                )
            )
            return
        except (ValidationError, PermissionDenied) as problem:
            await self._refuse(problem, client_id=frame.client_id)
            return
        await self.send(
            text_data=realtime.encode(
                {"type": "ack", "client_id": frame.client_id, "sequence": message.sequence, "id": message.pk}
            )
        )

    async def on_edit(self, frame):
        await self._change(services.message_edit, frame.sequence, body=frame.body)

    async def on_delete(self, frame):
        await self._change(services.message_remove, frame.sequence)

    async def on_typing(self, frame):
        now = time.monotonic()
        if now - self.last_typing < TYPING_INTERVAL:
            return
        self.last_typing = now
        await realtime.broadcast_ephemeral(
            self.channel_layer,
            self.workgroup.pk,
            {"type": "typing", "author": {"id": self.person.pk, "name": str(self.person)}},
        )

    async def on_mark_read(self, frame):
        sequence = await database_sync_to_async(services.mark_read)(
            workgroup=self.workgroup, by=self.scope["user"], sequence=frame.sequence
        )
        await self.send(text_data=realtime.encode({"type": "read", "sequence": sequence}))

    async def on_resume(self, frame):
        missed = await self._missed(frame.after, frame.changes_after)
        if missed is None:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        frames, last, last_change, complete = missed
        for text in frames:
            await self.send(text_data=text)
        resumed = {"type": "resumed", "after": frame.after, "last": last, "complete": complete}
        if last_change is not None:
            resumed["last_change"] = last_change
        await self.send(text_data=realtime.encode(resumed))

    @database_sync_to_async
    def _missed(self, after: int, changes_after: int | None):
        """Edits and removals the client has not seen (if it says which it saw), then the new messages."""
        if not permissions.can_read(self.scope["user"], self.workgroup):
            return None
        frames, last_change, complete = [], None, True
        if changes_after is not None:
            # The counter first: every change numbered up to it has committed, so the query sees them all.
            last_change = selectors.last_change(self.workgroup)
            changed = selectors.changes_after(self.workgroup, changes_after, after)
            frames += [realtime.encode({"type": "message_updated", "message": message_frame(m)}) for m in changed]
            if len(changed) == selectors.RESUME_BATCH:
                last_change, complete = changed[-1].change, False
        messages = selectors.messages_after(self.workgroup, after)
        frames += [realtime.encode({"type": "message", "message": message_frame(m)}) for m in messages]
        complete = complete and len(messages) < selectors.RESUME_BATCH
        return frames, (messages[-1].sequence if messages else after), last_change, complete

    async def _change(self, service, sequence: int, **kwargs):
        try:
            await database_sync_to_async(self._apply)(service, sequence, **kwargs)
        except (ValidationError, PermissionDenied) as problem:
            await self._refuse(problem)

    def _apply(self, service, sequence: int, **kwargs):
        message = (
            Message.objects.select_related("workgroup", "author")
            .filter(workgroup=self.workgroup, sequence=sequence)
            .first()
        )
        if message is None:
            raise ValidationError(_("There is no such message in this workgroup."), code="not_found")
        return service(message=message, by=self.scope["user"], **kwargs)

    async def _refuse(self, problem, **extra):
        if isinstance(problem, PermissionDenied):
            await self.send(text_data=error("forbidden", str(problem) or _("You may not do this."), **extra))
            if not await database_sync_to_async(permissions.can_read)(self.scope["user"], self.workgroup):
                await self.close(code=CLOSE_FORBIDDEN)
            return
        code = getattr(problem, "code", None) or "invalid"
        await self.send(text_data=error(code, " ".join(problem.messages), **extra))

    # --- Channel-layer events ------------------------------------------------------------------------

    async def chat_frame(self, event):
        await self.send(text_data=event["text"])

    async def chat_revoke(self, event):
        if event["person_id"] == self.person.pk:
            await self.close(code=CLOSE_FORBIDDEN)


def _describe(problem: FrameError) -> str:
    """A French sentence for the first schema error; the field path helps client developers."""
    first = problem.errors()[0]
    location = ".".join(str(part) for part in first.get("loc", ())) or "frame"
    kind = first.get("type", "")
    if kind == "json_invalid":
        return _("The frame is not valid JSON.")
    if kind in {"union_tag_invalid", "union_tag_not_found", "model_attributes_type", "model_type"}:
        return _("Unknown frame type: expected send, edit, delete, typing, mark_read or resume.")
    if kind == "missing":
        return _("The field “%(field)s” is missing.") % {"field": location.split(".")[-1]}
    if kind == "extra_forbidden":
        return _("The field “%(field)s” is not expected.") % {"field": location.split(".")[-1]}
    return _("The field “%(field)s” has a wrong value.") % {"field": location.split(".")[-1]}
