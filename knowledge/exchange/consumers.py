"""The websocket of a session's live screens (organiser's dashboard, secretaries' screens).

Thin: the guards are portal.consumers.GuardedConsumer's (its route is in portal/routing.py); here
the role is checked, a snapshot of the session is sent from the database, then the frames the
services broadcast after their commits are passed on. Nothing is written through this socket: the
secretaries' toggles are HTTP POSTs, queued and resent by the browser.
"""

from channels.db import database_sync_to_async

from portal import realtime
from portal.consumers import CLOSE_FORBIDDEN, CLOSE_NOT_FOUND, GuardedConsumer, Refused

from . import permissions, selectors
from .models import ExchangeSession


class SessionConsumer(GuardedConsumer):
    async def admit(self, user, pk):
        self.snapshot = await self._snapshot(user, pk)
        return realtime.exchange_session_group(pk)

    async def welcome(self):
        """The snapshot of the session, then forgotten: a screen stays open for hours, and a resync
        asks the database again."""
        snapshot, self.snapshot = self.snapshot, None
        await self.send(text_data=snapshot)

    @database_sync_to_async
    def _snapshot(self, user, pk):
        session = ExchangeSession.objects.filter(pk=pk).first()
        if session is None:
            raise Refused(CLOSE_NOT_FOUND)
        if not permissions.can_follow_session(user, session):
            raise Refused(CLOSE_FORBIDDEN)
        return realtime.encode(selectors.live_state(session))

    async def receive(self, text_data=None, bytes_data=None):
        """The only client frame is "state" (a resync after a gap); anything else is ignored."""
        if self.group is None or text_data != '{"type":"state"}':
            return
        wait = await self.wait_needed("state")
        if wait is not None:
            await self.send_frame({"type": "error", "code": "rate_limited", "frame": "state", "retry_after": wait})
            return
        try:
            snapshot = await self._snapshot(self.scope["user"], self.scope["url_route"]["kwargs"]["pk"])
        except Refused as refused:
            await self.close(code=refused.code)
            return
        await self.send(text_data=snapshot)
