"""The process-local fan-out of the realtime kit: one Redis subscription per group, not per socket.

Channels' layer gives every socket its own channel, queue and task: a broadcast to a room of 20 is
published once, then deserialised and dispatched 20 times, each through a task and an
`asyncio.wait` (await_many_dispatch). Here each event loop (daphne's one) keeps a registry
group -> the local sockets in it, and ONE pub/sub connection subscribed to the groups that have
local sockets. A frame arrives once, as the text the service encoded once, and is written straight
to each socket of the group: under daphne framed once and handed to each socket's protocol (see
"Frames written once" below), else through the consumer's ASGI `send`; nothing queued in between.

- Order. Every publish of a process leaves through one connection, in the order it was handed
  over; every group of a process is read from one subscription connection. Redis keeps that order,
  so a revocation published after a commit reaches the sockets before any later broadcast, and the
  reader closes the revoked sockets (and drops them from the registry) before it reads the next
  frame.
- Revocation of an account (deactivated, deleted, new password) goes to one channel every process
  listens to, with the account's id: no subscription per account.
- Subscriptions follow the sockets: the first local socket of a group subscribes, the last one to
  leave unsubscribes. A killed process's subscriptions go with its connection: nothing is stored
  in Redis, so there is nothing to clean up.
- Sequence numbers, resume and idempotent sends are untouched: they live in the database. A frame
  lost on the way (Redis restarting) is a sequence gap, which clients fill from the database.

Without Redis (the demo's in-memory layer) the registry alone serves one process. The fan-out is
on when PORTAL_REALTIME_FANOUT is true (the default); off, Channels' groups carry everything as
before.
"""

import asyncio
import collections
import contextlib
import functools
import json
import logging
import sys
import threading

from django.conf import settings

from portal import loop_close

logger = logging.getLogger(__name__)

FRAME = b"F"  # then the frame's UTF-8 text: written to every local socket of the group
REVOKE = b"R"  # then {"person_id": int}: those sockets of the group close
USERS = "users"  # the channel of account revocations: the payload is a user id
PUBLISH_BATCH = 200  # publishes sent in one round trip at most (a pipeline), order kept


def enabled() -> bool:
    return bool(getattr(settings, "PORTAL_REALTIME_FANOUT", True))


def _layer_config() -> tuple[str | None, str]:
    """The Redis URL and key prefix of the pub/sub channel layer, or (None, prefix) without Redis."""
    config = settings.CHANNEL_LAYERS.get("default", {})
    options = config.get("CONFIG", {})
    prefix = options.get("prefix", "asgi")
    if "Redis" not in config.get("BACKEND", ""):
        return None, prefix
    host = (options.get("hosts") or [None])[0]
    if isinstance(host, dict):
        host = host.get("address")
    return host, prefix


class Hub:
    """The fan-out of one event loop: its sockets by group and by account, its Redis connections."""

    def __init__(self, loop: asyncio.AbstractEventLoop):
        self.loop = loop
        self.url, prefix = _layer_config()
        self.prefix = f"{prefix}:fanout:"
        self.groups: dict[str, set] = {}  # group -> local sockets
        self.users: dict[int, set] = {}  # user id -> local sockets
        self.subscribed: set[str] = set()  # Redis channels this loop is subscribed to
        self.outbox: collections.deque = collections.deque()
        self.wake = asyncio.Event()
        self.idle = asyncio.Event()  # set while the outbox is empty and nothing is being sent
        self.idle.set()
        self.redis = None
        self.pubsub = None
        self.lock = asyncio.Lock()  # subscribe / unsubscribe, one at a time
        self.tasks: set[asyncio.Task] = set()
        self.closed = False

    # --- Sockets -----------------------------------------------------------------------------------

    async def join(self, socket, group: str | None, user_id: int | None) -> None:
        """Registers `socket`; returns once the SUBSCRIBE for a new group is written to Redis, which
        runs it before anything that reaches it later: a broadcast published after the socket's
        welcome reaches it (one published in between is a sequence gap, filled by a resume)."""
        socket._fanout_groups = []
        if group is not None:
            self.groups.setdefault(group, set()).add(socket)
            socket._fanout_groups.append(group)
        if user_id is not None:
            self.users.setdefault(user_id, set()).add(socket)
            socket._fanout_user = user_id
        await self._sync()

    async def leave(self, socket) -> None:
        self._forget(socket)
        await self._sync()

    def _forget(self, socket) -> None:
        for group in getattr(socket, "_fanout_groups", ()):
            sockets = self.groups.get(group)
            if sockets is not None:
                sockets.discard(socket)
                if not sockets:
                    del self.groups[group]
        socket._fanout_groups = []
        user_id = getattr(socket, "_fanout_user", None)
        if user_id is not None:
            sockets = self.users.get(user_id)
            if sockets is not None:
                sockets.discard(socket)
                if not sockets:
                    del self.users[user_id]
            socket._fanout_user = None

    async def _sync(self) -> None:
        """Subscribes to the groups that have local sockets, unsubscribes from the others."""
        if self.url is None:
            return
        async with self.lock:
            wanted = {self.prefix + group for group in self.groups}
            if self.users:
                wanted.add(self.prefix + USERS)
            new, gone = wanted - self.subscribed, self.subscribed - wanted
            if not new and not gone:
                return
            self._connect()
            try:
                if new:
                    await self.pubsub.subscribe(*new)
                if gone:
                    await self.pubsub.unsubscribe(*gone)
            except Exception:
                logger.exception("The fan-out could not (un)subscribe %s / %s", sorted(new), sorted(gone))
                return
            self.subscribed = wanted
            self._start(self._read)

    # --- Publishing -----------------------------------------------------------------------------

    def publish(self, channel: str, payload: bytes) -> None:
        """In this loop's thread: queues a publish; they leave in this order."""
        self.outbox.append((self.prefix + channel, payload))
        self.idle.clear()
        self.wake.set()
        self._start(self._send)

    async def _send(self) -> None:
        me = asyncio.current_task()
        while not self.closed and not me.cancelling():
            await self.wake.wait()
            self.wake.clear()
            while self.outbox:
                batch = [self.outbox.popleft() for _ in range(min(len(self.outbox), PUBLISH_BATCH))]
                if self.url is None:
                    for channel, payload in batch:
                        await self.deliver(channel, payload)
                    continue
                try:
                    self._connect()
                    if len(batch) == 1:
                        await self.redis.publish(*batch[0])
                    else:
                        pipe = self.redis.pipeline(transaction=False)
                        for channel, payload in batch:
                            pipe.publish(channel, payload)
                        await pipe.execute()
                except Exception:
                    if self.closed or me.cancelling():  # a cancelled publish that redis-py turned into an error
                        raise
                    # Nothing is lost for good: the rows are in the database, clients catch up on a gap.
                    logger.exception("The fan-out could not publish %d frame(s)", len(batch))
            self.idle.set()

    async def flush(self) -> None:
        """Returns once every publish handed over so far has left."""
        await self.idle.wait()

    # --- Receiving ------------------------------------------------------------------------------

    async def _read(self) -> None:
        me = asyncio.current_task()
        # redis-py may turn a cancellation inside a read into a connection error and retry: the
        # task's own `cancelling()` is what says to stop.
        while not self.closed and not me.cancelling():
            try:
                if not self.pubsub.subscribed:
                    await asyncio.sleep(0.1)
                    continue
                message = await self.pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
                if message is not None and message["type"] == "message":
                    channel = message["channel"]
                    await self.deliver(channel.decode() if isinstance(channel, bytes) else channel, message["data"])
            except asyncio.CancelledError:
                raise
            except Exception:
                if self.closed or me.cancelling():
                    raise
                logger.exception("The fan-out's reader failed; it goes on in a second")
                await asyncio.sleep(1)

    async def deliver(self, channel: str, payload: bytes) -> None:
        """Writes a frame to every local socket of its group, or closes the revoked ones."""
        name = channel[len(self.prefix) :]
        if name == USERS:
            await self._close(list(self.users.get(int(payload), ())))
            return
        sockets = self.groups.get(name)
        if not sockets:
            return
        kind, body = payload[:1], payload[1:]
        if kind == FRAME:
            event = prepared = None
            for socket in list(sockets):
                try:
                    protocol = socket.daphne_protocol
                    if protocol is not None:
                        if prepared is None:
                            prepared = prepare(body)
                        written = _write_prepared(protocol, prepared)
                        if written is not False:
                            continue
                    if event is None:
                        event = {"type": "websocket.send", "text": body.decode()}
                    await socket.base_send(event)
                except Exception:
                    logger.exception("A broadcast could not be written to a socket of %s", name)
        elif kind == REVOKE:
            person_id = json.loads(body)["person_id"]
            await self._close([socket for socket in sockets if socket.person_id == person_id])

    async def _close(self, sockets) -> None:
        """Out of the registry first (no later delivery reaches them), then the close frame."""
        for socket in sockets:
            self._forget(socket)
        for socket in sockets:
            await socket.revoked()
        if sockets:
            self._start(self._sync)

    # --- Plumbing -------------------------------------------------------------------------------

    def _connect(self) -> None:
        if self.redis is None:
            from redis import asyncio as aioredis

            self.redis = aioredis.Redis.from_url(self.url)
            self.pubsub = self.redis.pubsub()

    def _start(self, work) -> None:
        """Starts the reader or the sender once (a coroutine function of this hub)."""
        name = work.__name__
        if any(task.get_name() == name for task in self.tasks) or self.closed:
            return
        task = self.loop.create_task(work(), name=name)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def close(self) -> None:
        self.closed = True
        for task in list(self.tasks):
            task.cancel()
        for task in list(self.tasks):
            with contextlib.suppress(BaseException):  # cancelled or already failed: nothing to do
                await task
        if self.pubsub is not None:
            await self.pubsub.aclose()
        if self.redis is not None:
            await self.redis.aclose()


# --- Frames written once for every socket ----------------------------------------------------------
#
# Under daphne a socket's ASGI `send` is Channels' session wrapper around daphne's `handle_reply`
# coroutine, which hands the text to autobahn's `sendMessage`: per socket, two coroutines, a check of
# the message, the text encoded to UTF-8 again and a websocket frame built again. A broadcast is the
# same frame for every socket of the room: a server's frames are not masked, so its bytes are the same
# on every connection. The frame is built once (autobahn's own PreparedMessage, made for broadcasts)
# and handed to each open socket's `sendPreparedMessage`, which writes it to the transport as the
# normal path does, in the order of the calls: a socket's own frames (its ack) and the broadcasts stay
# in the order they were sent. A socket whose protocol is not daphne's plain one (tests'
# communicators, the session wrapper of another version), that negotiated per-message compression, or
# that is in the middle of a fragmented message gets the event through its ASGI `send`, as before; a
# closing or closed socket gets nothing (autobahn would refuse it). PORTAL_PREPARED_FRAMES=0: every
# socket through its ASGI `send`.


def prepared_frames_enabled() -> bool:
    return bool(getattr(settings, "PORTAL_PREPARED_FRAMES", True))


def daphne_protocol(send):
    """The daphne websocket protocol behind an ASGI `send`, when nothing in between acts on a
    `websocket.send` (Channels' session wrapper only acts on HTTP responses); else None."""
    server_module, protocol_module = sys.modules.get("daphne.server"), sys.modules.get("daphne.ws_protocol")
    if server_module is None or protocol_module is None or not prepared_frames_enabled():
        return None
    from channels.sessions import InstanceSessionWrapper

    owner = getattr(send, "__self__", None)
    while (
        type(owner) is InstanceSessionWrapper
        and getattr(send, "__func__", None) is InstanceSessionWrapper.send
        and "websocket.send" not in owner.save_message_types
        and "websocket.send" not in owner.cookie_response_message_types
    ):
        send = owner.real_send
        owner = getattr(send, "__self__", None)
    if not isinstance(send, functools.partial) or send.keywords or len(send.args) != 1:
        return None
    handler, protocol = send.func, send.args[0]
    if getattr(handler, "__func__", None) is not server_module.Server.handle_reply:
        return None
    if type(protocol) is not protocol_module.WebSocketProtocol or not hasattr(protocol, "sendPreparedMessage"):
        return None
    return protocol


def _write_prepared(protocol, prepared) -> bool | None:
    """True: written; None: the socket is closing or closed (nothing to write to); False: use the
    socket's ASGI `send` (compression, a fragmented message under way, a handshake not finished)."""
    state = protocol.state
    if state == protocol.STATE_OPEN:
        if protocol._perMessageCompress is not None or protocol.send_state != protocol.SEND_STATE_GROUND:
            return False
        protocol.sendPreparedMessage(prepared)
        return True
    if state in (protocol.STATE_CLOSING, protocol.STATE_CLOSED):
        return None
    return False


def prepare(text: bytes):
    """A server's text frame of `text` (UTF-8), unmasked and uncompressed, built once."""
    from autobahn.websocket.protocol import PreparedMessage

    return PreparedMessage(text, False, False, True)


_hubs: dict[asyncio.AbstractEventLoop, Hub] = {}
_hubs_lock = threading.Lock()


def hub(loop: asyncio.AbstractEventLoop | None = None) -> Hub:
    """The hub of `loop` (the running one by default), made on first use."""
    loop = loop or asyncio.get_running_loop()
    with _hubs_lock:
        found = _hubs.get(loop)
        if found is None:
            found = _hubs[loop] = Hub(loop)
            _close_with(loop)
    return found


def _close_with(loop: asyncio.AbstractEventLoop) -> None:
    """Closes the hub's connections when its loop closes (tests make one loop per test)."""

    def close_hub():
        with _hubs_lock:
            found = _hubs.pop(loop, None)
        return found.close() if found is not None else None

    loop_close.close_with(loop, close_hub, "The fan-out's hub")


def flush(loop: asyncio.AbstractEventLoop, timeout: float) -> None:
    """From another thread: waits (at most `timeout`) for `loop`'s hub to send what it was given."""
    found = _hubs.get(loop)
    if found is None or loop.is_closed() or not loop.is_running():
        return
    future = asyncio.run_coroutine_threadsafe(found.flush(), loop)
    try:
        future.result(timeout)
    except Exception:
        future.cancel()


def publish(group: str, event: dict, loop: asyncio.AbstractEventLoop) -> None:
    """Hands a realtime event (portal.realtime's FRAME or REVOKE) to `loop`'s hub, from any thread.

    Without Redis every loop's hub of this process delivers it itself.
    """
    from portal import realtime

    if event["type"] == realtime.FRAME:
        channel, payload = group, FRAME + event["text"].encode()
    elif "user_id" in event:
        channel, payload = USERS, str(event["user_id"]).encode()
    else:
        channel, payload = group, REVOKE + json.dumps({"person_id": event["person_id"]}).encode()
    url, _prefix = _layer_config()
    targets = [loop] if url is not None else (list(_hubs) or [loop])
    for target in targets:
        if target.is_closed():
            continue
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is target:
            hub(target).publish(channel, payload)
        else:
            target.call_soon_threadsafe(lambda target=target: hub(target).publish(channel, payload))
