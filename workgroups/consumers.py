"""The websocket of a workgroup room. Thin: checks, then services; the protocol is in frames.py.

The guards (sign-in, close codes, the group, the fast dispatch of broadcasts, revocation) are
portal.consumers.GuardedConsumer's; here are the membership check and the room's frames.
"""

import time

from channels.db import database_sync_to_async
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from pydantic import ValidationError as FrameError

from portal import realtime
from portal.consumers import CLOSE_FORBIDDEN, CLOSE_NOT_FOUND, GuardedConsumer, Refused

from . import permissions, selectors, services
from .frames import client_frame
from .models import Message, Workgroup
from .serializers import message_frame

TYPING_INTERVAL = 3.0


def error(code: str, message: str, **extra) -> str:
    return realtime.encode({"type": "error", "code": code, "message": message, **extra})


class WorkgroupConsumer(GuardedConsumer):
    workgroup: Workgroup | None = None

    async def admit(self, user, slug):
        self.last_typing = 0.0
        self.workgroup, self.person = await self._load(user, slug)
        self.person_id = self.person.pk
        return realtime.workgroup_group(self.workgroup.pk)

    @database_sync_to_async
    def _load(self, user, slug):
        """The workgroup row alone, held for the socket's life (services take it): without its axis,
        which nothing on a socket's path reads (#22, memory per connection)."""
        workgroup = Workgroup.objects.filter(slug=slug).first()
        if workgroup is None:
            raise Refused(CLOSE_NOT_FOUND)
        if getattr(user, "person", None) is None or not permissions.can_read(user, workgroup):
            raise Refused(CLOSE_FORBIDDEN)
        return workgroup, user.person

    async def welcome(self):
        me = {"id": self.person.pk, "name": str(self.person), "handle": self.person.handle}
        await self.send_frame(
            {
                "type": "ready",
                "workgroup": self.workgroup.slug,
                "last_sequence": self.workgroup.last_sequence,
                "last_change": self.workgroup.last_change,
                "me": me,
            }
        )

    async def receive(self, text_data=None, bytes_data=None):
        if self.group is None:
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
        with realtime.held_publishes():  # the ack first, then the broadcast
            await self._send(frame)

    async def _send(self, frame):
        user = self.scope["user"]
        try:
            # On the event loop in the common case; else in a worker thread, off the single
            # thread-sensitive one: one member's slow send must not hold up every other socket's
            # database work in this process.
            message = await services.message_send_async(
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
        await self.send_frame(
            {"type": "ack", "client_id": frame.client_id, "sequence": message.sequence, "id": message.pk}
        )

    async def over_rate(self, frame_type: str) -> bool:
        """True (and the client told how long to wait) when the person sends `frame_type` too fast."""
        wait = await self.wait_needed(frame_type)
        if wait is None:
            return False
        message = _("You are doing this too fast: wait %(seconds)s seconds.") % {"seconds": round(wait)}
        await self.send(text_data=error("rate_limited", message, frame=frame_type, retry_after=round(wait, 1)))
        return True

    async def on_edit(self, frame):
        if not await self.over_rate("edit"):
            await self._change(services.message_edit, frame.sequence, body=frame.body)

    async def on_delete(self, frame):
        if not await self.over_rate("delete"):
            await self._change(services.message_remove, frame.sequence)

    async def on_typing(self, frame):
        now = time.monotonic()
        if now - self.last_typing < TYPING_INTERVAL:
            return
        self.last_typing = now
        if await self.wait_needed("typing") is not None:
            return  # a notice that only says "someone types": dropped, not answered
        author = {"id": self.person.pk, "name": str(self.person)}
        await realtime.broadcast_now(self.group, {"type": "typing", "author": author})

    async def on_mark_read(self, frame):
        if await self.over_rate("mark_read"):
            return
        sequence = await database_sync_to_async(services.mark_read)(
            workgroup=self.workgroup, by=self.scope["user"], sequence=frame.sequence
        )
        await self.send_frame({"type": "read", "sequence": sequence})

    async def on_resume(self, frame):
        if await self.over_rate("resume"):
            return
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
        await self.send_frame(resumed)

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
        # Past the room's end (a client that lost count): the real last sequence, so it counts again from there.
        last = messages[-1].sequence if messages else min(after, selectors.last_sequence(self.workgroup))
        return frames, last, last_change, complete

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

    def _may_still_read(self) -> bool:
        """Asked of the database, not of the user object the socket was opened with (it may be stale:
        an account deactivated since)."""
        user = self.scope["user"]
        current = get_user_model().objects.filter(pk=user.pk, is_active=True).select_related("person").first()
        return current is not None and permissions.can_read(current, self.workgroup)

    async def _refuse(self, problem, **extra):
        if isinstance(problem, PermissionDenied):
            await self.send(text_data=error("forbidden", str(problem) or _("You may not do this."), **extra))
            if not await database_sync_to_async(self._may_still_read)():
                await self.close(code=CLOSE_FORBIDDEN)
            return
        code = getattr(problem, "code", None) or "invalid"
        await self.send(text_data=error(code, " ".join(problem.messages), **extra))


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
