"""The chat benchmark's floor: the portal's websocket stack with none of the chat's own work (#22).

Served by daphne like the portal (`benchmarks/chat.py --floor`), in a process set up by
portal/asgi.py (its collector settings and its patches of Twisted and autobahn), a message crosses
what a portal chat message crosses: Twisted and autobahn reading the frame, daphne, Channels'
dispatch through the portal's GuardedConsumer, the sender's ack, the publish through the fan-out and
Redis, and the fan-out's framed-once writes to the room's sockets. What it leaves out is the chat's
own work: no sign-in, no frame validation, no rate limit, no database statement; the sequence is
counted in memory, as the bare server does. The CPU a delivery costs here is what the portal's chat
cannot go below on daphne and Channels, the stack the project fixed.
"""

import datetime
import itertools
import json
from collections import Counter

from channels.routing import ProtocolTypeRouter, URLRouter
from django.urls import re_path

import portal.asgi  # noqa: F401  (the same process set-up as the portal's daphne)
from portal import realtime
from portal.consumers import GuardedConsumer

ME = {"id": 1, "name": "Floor", "handle": "floor"}
_sequences: Counter = Counter()
_ids = itertools.count(1)


class FloorConsumer(GuardedConsumer):
    sign_in_required = False

    async def admit(self, user, slug):
        self.slug = slug
        return f"floor.{slug}"

    async def welcome(self):
        await self.send_frame(
            {"type": "ready", "workgroup": self.slug, "last_sequence": _sequences[self.slug], "me": ME}
        )

    async def receive(self, text_data=None, bytes_data=None):
        frame = json.loads(text_data)
        _sequences[self.slug] += 1
        sequence, message_id = _sequences[self.slug], next(_ids)
        message = {
            "id": message_id,
            "sequence": sequence,
            "author": {**ME, "organisation": "", "is_sse": False},
            "body": frame.get("body", ""),
            "reply_to": None,
            "client_id": frame.get("client_id", ""),
            "created": datetime.datetime.now(datetime.UTC).isoformat(),
            "edited": None,
            "removed": None,
        }
        with realtime.held_publishes():  # the ack first, then the broadcast, as the portal's send
            realtime.broadcast_committed(self.group, {"type": "message", "message": message})
            await self.send_frame(
                {"type": "ack", "client_id": frame.get("client_id", ""), "sequence": sequence, "id": message_id}
            )


application = ProtocolTypeRouter(
    {"websocket": URLRouter([re_path(r"^ws/workgroups/(?P<slug>[-\w]+)/$", FloorConsumer.as_asgi())])}
)
