"""Every websocket's way in (portal/asgi.py): origin, the session's user, two-factor rule, in one layer.

Channels' usual stack, AllowedHostsOriginValidator(AuthMiddlewareStack(…)) with the two-factor
middleware inside, is five nested ASGI applications. Each stays suspended in its own coroutine for
the socket's whole life, and each keeps what it made: the cookie middleware a copy of the scope with
the parsed cookies, the session middleware another copy, its wrapper around `send` and the session
store with its decoded contents, the auth middleware two more copies, the origin check the parsed
origin. About 5 KiB a connection (#22, benchmarks/chat_memory.py) that nothing reads once the socket
is admitted: the consumers only need the user (and the route, added by the URLRouter inside).

`SocketGate` makes the same decisions with Channels' and Django's own functions, in the same order,
and passes on one copy of the scope holding the user:
- the Origin header is checked by Channels' AllowedHostsOriginValidator (same settings, same
  matching); a refused socket gets Channels' WebsocketDenier, as before;
- the session named by the cookie is loaded by the SESSION_ENGINE's store and the user found by
  Channels' `get_user` (backend, session hash: a session from before a password change is flushed,
  its socket anonymous); the store is dropped once the user is known;
- whoever must set up two-factor authentication first gets the socket accepted then closed with
  4403, which the portal's clients do not retry (portal.members.middleware.refused_for_two_factor).
The scope has no "session" nor "cookies" entry: no consumer reads them (nothing is saved through a
socket, signing in and out are HTTP pages). PORTAL_SOCKET_GATE=0 in the environment keeps Channels'
stack (to compare).
"""

from importlib import import_module
from urllib.parse import urlparse

from channels.auth import get_user
from channels.security.websocket import AllowedHostsOriginValidator, WebsocketDenier
from django.conf import settings
from django.http import parse_cookie

from .middleware import refused_for_two_factor


class SocketGate:
    def __init__(self, inner):
        self.inner = inner
        self.origins = AllowedHostsOriginValidator(inner)  # its check only: `valid_origin`

    async def __call__(self, scope, receive, send):
        if scope["type"] != "websocket":
            raise ValueError("SocketGate serves websockets only")
        if not self.origins.valid_origin(_origin(scope)):
            return await WebsocketDenier()(scope, receive, send)
        user = await _user(scope)
        if await refused_for_two_factor(user, receive, send):
            return None
        return await self.inner(dict(scope, user=user), receive, send)


def _origin(scope):
    """The parsed Origin header (the last one, as Channels' OriginValidator reads it), or None."""
    origin = None
    for name, value in scope.get("headers", ()):
        if name == b"origin":
            origin = urlparse(value.decode("latin1"))  # latin1 decodes any byte
    return origin


async def _user(scope):
    """The session's user (AnonymousUser without a valid session). The session store lives only
    for this call: the socket keeps the user, not the session."""
    cookie = None
    for name, value in scope.get("headers", ()):
        if name == b"cookie":
            cookie = value.decode("latin1")
            break
    session_key = None
    if cookie:
        session_key = parse_cookie(cookie).get(settings.SESSION_COOKIE_NAME)
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    return await get_user({"session": store})
