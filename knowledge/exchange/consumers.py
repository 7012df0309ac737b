"""The websocket of a session's live screens (organiser's dashboard, secretaries' screens).

Thin: the route is wrapped in AllowedHostsOriginValidator and AuthMiddlewareStack by portal/asgi.py;
here the role is checked, a snapshot of the session is sent from the database, then the frames the
services broadcast after their commits are passed on. Nothing is written through this socket: the
secretaries' toggles are HTTP POSTs, queued and resent by the browser.
"""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.urls import path

from . import permissions, realtime, selectors
from .models import ExchangeSession

CLOSE_NOT_SIGNED_IN = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404


class SessionConsumer(AsyncWebsocketConsumer):
    session_id: int | None = None

    async def connect(self):
        self.session_id = None
        user = self.scope.get("user")
        await self.accept()
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_NOT_SIGNED_IN)
            return
        access = await self._snapshot(user, self.scope["url_route"]["kwargs"]["pk"])
        if isinstance(access, int):
            await self.close(code=access)
            return
        self.session_id = self.scope["url_route"]["kwargs"]["pk"]
        await self.channel_layer.group_add(realtime.group_name(self.session_id), self.channel_name)
        await self.send(text_data=access)

    @database_sync_to_async
    def _snapshot(self, user, pk):
        session = ExchangeSession.objects.filter(pk=pk).first()
        if session is None:
            return CLOSE_NOT_FOUND
        if not permissions.can_follow_session(user, session):
            return CLOSE_FORBIDDEN
        return realtime.encode(selectors.live_state(session))

    async def disconnect(self, code):
        if self.session_id is not None:
            await self.channel_layer.group_discard(realtime.group_name(self.session_id), self.channel_name)

    async def receive(self, text_data=None, bytes_data=None):
        """The only client frame is "state" (a resync after a gap); anything else is ignored."""
        if self.session_id is None or text_data != '{"type":"state"}':
            return
        access = await self._snapshot(self.scope["user"], self.session_id)
        if isinstance(access, int):
            await self.close(code=access)
            return
        await self.send(text_data=access)

    async def exchange_frame(self, event):
        await self.send(text_data=event["text"])


# Added to the websocket routes by portal/asgi.py.
websocket_urlpatterns = [path("ws/bourse/<int:pk>/", SessionConsumer.as_asgi())]
