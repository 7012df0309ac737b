"""Less memory held by each open websocket under daphne (#22): three things it keeps for nothing.

1. The application's input queue. daphne gives every connection an `asyncio.Queue` that it fills
   with `put_nowait` and the application empties with `get` (its ASGI `receive`). An asyncio.Queue
   holds three deques (items, getters, putters: a 64-slot block each) and an Event: 2.4 KiB a
   socket, for a queue that is empty nearly all the time and has one reader. `InputQueue` keeps the
   same two calls and the same order, with a list made only while items wait and one future while
   the reader waits (PORTAL_LEAN_INPUT_QUEUE=0 keeps asyncio's).
2. The HTTP request of the upgrade. Once daphne has handed the TCP connection to the websocket
   protocol, Twisted's HTTP channel stays the transport's producer (it pauses and resumes reading
   when the send buffer fills, which must go on) and keeps the upgrade request in its list of
   requests in progress: its headers (the session cookie among them), its body buffer and daphne's
   request object, about 3.6 KiB a socket, until the socket closes. Nothing reads that request after
   the upgrade (the websocket protocol got a copy of the raw request; daphne forgot it), so the
   channel lets go of it; and as the channel, still "handling" that request, no longer pauses nor
   resumes anything, the transport lets go of the channel (PORTAL_RELEASE_UPGRADE_REQUEST=0 keeps
   both).

3. The opening handshake. autobahn keeps the raw HTTP request it parsed (`http_request_data`) and its
   headers as a dict (`http_headers`, also held by the ConnectionRequest daphne keeps as
   `request`): about 1.5 KiB a socket, the session cookie among them, for the socket's whole life.
   Both are read only while the handshake is processed; daphne built the scope's headers from them
   before, and later reads only `request.path` (its access log). Once the socket is open they are
   replaced by one shared empty mapping (PORTAL_RELEASE_HANDSHAKE=0 keeps them).

Installed by portal/asgi.py under daphne only; each returns False when daphne is not loaded or not
the version this was written for.
"""

import asyncio
import logging
import types
from functools import partial

from portal import patching

logger = logging.getLogger(__name__)


class InputQueue:
    """The part of asyncio.Queue daphne and an ASGI application use: `put_nowait` (never blocks:
    unbounded) and `get` (waits for an item; a cancelled `get` takes nothing, as asyncio's)."""

    __slots__ = ("_items", "_getters")

    def __init__(self):
        self._items: list | None = None
        self._getters: list | None = None

    def qsize(self) -> int:
        return len(self._items) if self._items else 0

    def empty(self) -> bool:
        return not self._items

    def put_nowait(self, item) -> None:
        if self._items is None:
            self._items = [item]
        else:
            self._items.append(item)
        # Wakes the first waiting reader; the item stays queued until it runs, so a reader cancelled
        # in between leaves it for the next one.
        self._wake_next()

    def get_nowait(self):
        if not self._items:
            raise asyncio.QueueEmpty
        item = self._items.pop(0)
        if not self._items:
            self._items = None
        return item

    async def get(self):
        while not self._items:
            getter = asyncio.get_running_loop().create_future()
            if self._getters is None:
                self._getters = [getter]
            else:
                self._getters.append(getter)
            try:
                await getter
            except BaseException:
                getter.cancel()
                if self._getters is not None and getter in self._getters:
                    self._getters.remove(getter)
                    if not self._getters:
                        self._getters = None
                if self._items and not getter.cancelled():
                    # Woken, then cancelled before it ran: the next reader gets the item instead.
                    self._wake_next()
                raise
        return self.get_nowait()

    def _wake_next(self) -> None:
        while self._getters:
            getter = self._getters.pop(0)
            if not getter.done():
                getter.set_result(None)
                break
        if not self._getters:
            self._getters = None


def install_input_queue() -> bool:
    """daphne's Server.create_application with an InputQueue instead of an asyncio.Queue."""
    return patching.wrap("daphne.server", "Server", "create_application", _lean_create_application)


def _lean_create_application(server_class, original):
    if original.__code__.co_names.count("Queue") != 1:  # not the daphne this was written for
        logger.warning("daphne's create_application changed: its input queue stays asyncio's")
        return None

    def create_application(self, protocol, scope):
        # daphne 4.2's body, with the queue swapped.
        assert "application_instance" not in self.connections[protocol]  # noqa: S101 - daphne's own check
        input_queue = InputQueue()
        scope.setdefault("asgi", {"version": "3.0"})
        application_instance = self.application(
            scope=scope,
            receive=input_queue.get,
            send=partial(self.handle_reply, protocol),
        )
        if protocol not in self.connections:
            return None
        self.connections[protocol]["application_instance"] = asyncio.ensure_future(
            application_instance,
            loop=asyncio.get_event_loop(),
        )
        return input_queue

    return create_application


def install_release_upgrade_request() -> bool:
    """After daphne's WebRequest.process has upgraded the connection, the HTTP channel forgets the
    request (it stays the transport's producer)."""
    return patching.wrap("daphne.http_protocol", "WebRequest", "process", _releasing_process)


def _releasing_process(request_class, original):
    from daphne.ws_protocol import WebSocketProtocol

    def process(self):
        result = original(self)
        # daphne's upgrade branch runs before process's first yield, so it is done by now: it set
        # self.transport to None and made a websocket protocol the TCP (or TLS) transport's protocol.
        channel = self.channel
        if self.transport is None and channel is not None and channel.transport is not None:
            transport = channel.transport
            handed_to = getattr(transport, "wrappedProtocol", None) or getattr(transport, "protocol", None)
            requests = getattr(channel, "requests", None)
            if isinstance(handed_to, WebSocketProtocol) and requests and requests[-1] is self:
                requests.pop()
                # The channel stays the transport's producer, but a no-op one from now on: its request
                # never finishes, so it stays "handling a request", and then pausing or resuming it
                # leaves the transport alone (twisted.web.http.HTTPChannel.pauseProducing). Unregistered,
                # the transport lets go of the channel too (its state, buffers, factory wrapper).
                idle = getattr(channel, "_handlingRequest", False) and getattr(channel, "_requestProducer", 1) is None
                if idle and getattr(transport, "producer", None) is channel:
                    transport.unregisterProducer()
        return result

    return process


_NO_HEADERS = types.MappingProxyType({})  # read-only: shared by every open socket


def install_release_handshake() -> bool:
    """After daphne's WebSocketProtocol.onOpen, autobahn's copy of the handshake request is dropped."""
    return patching.wrap("daphne.ws_protocol", "WebSocketProtocol", "onOpen", _releasing_on_open)


def _releasing_on_open(protocol_class, original):
    def onOpen(self):  # noqa: N802 - autobahn's name
        original(self)
        self.http_request_data = None
        self.http_headers = _NO_HEADERS
        request = getattr(self, "request", None)
        if request is not None:
            request.headers = _NO_HEADERS

    return onOpen
