"""The guarded consumer base of every websocket of the portal, and the health check.

Every route is wrapped by portal/asgi.py in AllowedHostsOriginValidator (origin) and
AuthMiddlewareStack (the session's user). A `GuardedConsumer` then:
- accepts, then closes with a code when the socket is refused: a browser sees close codes, not
  HTTP statuses, and the portal's clients stop reconnecting on 44xx;
- asks its subclass's `admit` hook (the membership or role check, which also loads what the socket
  needs) which channel-layer group the socket joins, and `welcome` for its first frames;
- passes on the frames services broadcast with portal.realtime, already encoded: through the
  process-local fan-out (portal/fanout.py, the default), which writes them straight to the socket,
  or else through Channels' groups without their database hop per event (see `dispatch`); and
  closes the socket of a person whose access was revoked.
"""

import contextlib
import json
from collections import Counter

from asgiref.sync import sync_to_async
from channels.consumer import get_handler_name
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.utils import await_many_dispatch
from django.conf import settings
from django.utils.translation import gettext as _
from django_ratelimit.core import get_usage

from portal import collector, fanout, realtime

# Close codes (4000-4999 are the application's); the rooms' JS explains each to the user.
CLOSE_NOT_SIGNED_IN = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404
CLOSE_TOO_MANY_SOCKETS = 4429

# Open sockets per account in this process (PORTAL_MAX_SOCKETS_PER_PERSON bounds it). Counted in
# the process rather than in Redis: a crashed process must not leave counts that lock people out.
_open_sockets: Counter = Counter()


def _frame_key(group, scope) -> str:
    """django-ratelimit's key of a socket's frames: the account, or the address of an anonymous one."""
    user = scope.get("user")
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"address:{(scope.get('client') or ('?',))[0]}"


class Refused(Exception):
    """Raised by `admit` (or later checks) to close the socket with `code`."""

    def __init__(self, code: int):
        super().__init__(code)
        self.code = code


class GuardedConsumer(AsyncWebsocketConsumer):
    """Subclasses implement `admit` and, if they greet the client, `welcome`."""

    sign_in_required = True
    group: str | None = None  # the channel-layer group joined once admitted
    person_id: int | None = None  # whose sockets a `realtime.revoke` event closes
    user_group: str | None = None  # the account's own group: every socket it holds
    counted_for: int | None = None  # the account this socket counts against in _open_sockets
    hub: "fanout.Hub | None" = None  # the process-local fan-out this socket is registered with
    daphne_protocol = None  # daphne's protocol under `send`: the fan-out writes broadcasts to it once framed

    async def __call__(self, scope, receive, send):
        """With the fan-out (portal/fanout.py), no channel of its own: Channels' AsyncConsumer.__call__
        without the channel layer, so the socket costs no Redis subscription, queue or waiting task;
        broadcasts are written to it by the fan-out, and only the client's frames are dispatched."""
        if not fanout.enabled():
            return await super().__call__(scope, receive, send)
        self.scope = scope
        self.channel_layer = None
        self.channel_name = None
        self.base_send = send
        self.daphne_protocol = fanout.daphne_protocol(send)
        with contextlib.suppress(StopConsumer):
            await await_many_dispatch([receive], self.dispatch)

    async def admit(self, user, **route) -> str | None:
        """Checks `user` may open this socket (raise Refused(code) if not), loads what the socket
        needs onto self, and returns the group to join (None: none). Database work goes through
        database_sync_to_async."""
        raise NotImplementedError

    async def welcome(self) -> None:
        """The first frames, sent once the socket is in its group (so nothing is missed between)."""

    async def connect(self):
        self.group = None
        user = self.scope.get("user")
        await self.accept()
        if self.sign_in_required and (user is None or not user.is_authenticated):
            await self.close(code=CLOSE_NOT_SIGNED_IN)
            return
        if user is not None and user.is_authenticated:
            if _open_sockets[user.pk] >= settings.PORTAL_MAX_SOCKETS_PER_PERSON:
                await self.close(code=CLOSE_TOO_MANY_SOCKETS)
                return
            _open_sockets[user.pk] += 1
            self.counted_for = user.pk
        try:
            group = await self.admit(user, **self.scope["url_route"]["kwargs"])
        except Refused as refused:
            await self.close(code=refused.code)
            return
        signed_in = user is not None and user.is_authenticated
        if self.channel_layer is None and fanout.enabled():
            self.hub = fanout.hub()
            await self.hub.join(self, group, user.pk if signed_in else None)
            self.group = group
            await self.welcome()
            return
        if group is not None:
            await self.channel_layer.group_add(group, self.channel_name)
            self.group = group
        if signed_in:
            self.user_group = realtime.user_group(user.pk)
            await self.channel_layer.group_add(self.user_group, self.channel_name)
        await self.welcome()

    async def disconnect(self, code):
        collector.socket_closed()
        if self.counted_for is not None:
            _open_sockets[self.counted_for] -= 1
            if _open_sockets[self.counted_for] <= 0:
                del _open_sockets[self.counted_for]
            self.counted_for = None
        if self.hub is not None:
            hub, self.hub = self.hub, None
            await hub.leave(self)
            return
        if self.group is not None:
            await self.channel_layer.group_discard(self.group, self.channel_name)
        if self.user_group is not None:
            await self.channel_layer.group_discard(self.user_group, self.channel_name)

    async def dispatch(self, message):
        """Channels' dispatch without its database hop per event.

        AsyncConsumer.dispatch first awaits aclose_old_connections(): a trip to the one
        thread-sensitive worker thread for EVERY event, each broadcast delivery included — with 500
        sockets that is most of the server's CPU per delivery, queued behind the real database work.
        Nothing here touches the database on the event loop: every database call goes through
        database_sync_to_async, which closes stale connections around itself.
        """
        if message["type"] == realtime.FRAME:  # the hot path: a broadcast, already encoded
            await self.send(text_data=message["text"])
            return
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def wait_needed(self, frame_type: str) -> float | None:
        """Counts one `frame_type` frame against the person's rate (PORTAL_FRAME_RATES, shared by all
        their sockets); the seconds to wait when over it, else None."""
        rate = settings.PORTAL_FRAME_RATES.get(frame_type)
        if not rate:
            return None
        usage = await sync_to_async(get_usage, thread_sensitive=False)(
            self.scope, group=f"socket.{frame_type}", key=_frame_key, rate=rate, increment=True
        )
        if usage is None or not usage["should_limit"]:
            return None
        return float(max(usage["time_left"], 1))

    async def send_frame(self, frame: dict) -> None:
        """A frame for this socket only."""
        await self.send(text_data=realtime.encode(frame))

    # --- Channel-layer events ------------------------------------------------------------------------

    async def revoked(self):
        """The fan-out's revocation: this socket's person lost access to its group, or its account."""
        await self.close(code=CLOSE_FORBIDDEN)

    async def realtime_revoke(self, event):
        person_id, user_id = event.get("person_id"), event.get("user_id")
        user = self.scope.get("user")
        if (person_id is not None and person_id == self.person_id) or (
            user_id is not None and user is not None and user_id == user.pk
        ):
            await self.close(code=CLOSE_FORBIDDEN)


class HealthConsumer(GuardedConsumer):
    """A websocket health check: proves the ASGI stack, origin check and channel layer work."""

    sign_in_required = False

    async def admit(self, user, **route):
        return None

    async def welcome(self):
        user = self.scope.get("user")
        await self.send_frame({"type": "hello", "authenticated": bool(user and user.is_authenticated)})

    async def receive(self, text_data=None, bytes_data=None):
        try:
            content = json.loads(text_data) if text_data is not None else None
        except ValueError:
            content = None
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_frame({"type": "pong"})
        else:
            await self.send_frame({"type": "error", "message": _("Unknown frame: only “ping” is accepted.")})
