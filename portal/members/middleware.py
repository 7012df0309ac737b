"""Whoever must use two-factor authentication (permissions.must_use_two_factor) and has not set it up
is sent to its setup page from every page of the site and of the admin, until it is done. The setup
pages themselves, re-entering the password they ask for, and signing out stay open. No websocket
opens for them meanwhile."""

from channels.db import database_sync_to_async
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from . import permissions

CLOSE_FORBIDDEN = 4403  # portal.consumers' code for a refused socket

# The pages a person without a second factor may still open: setting it up (and what it asks for).
OPEN_URL_NAMES = (
    "mfa_index",
    "mfa_activate_totp",
    "mfa_view_recovery_codes",
    "mfa_generate_recovery_codes",
    "mfa_download_recovery_codes",
    "mfa_reauthenticate",
    "account_reauthenticate",
    "account_logout",
    "members:logout",
    "set_language",
    "theme_css",  # what the pages above load (a stylesheet answered with a redirect breaks them)
)
# Requests browsers make by themselves.
OPEN_PATHS = ("/favicon.ico", "/robots.txt")


class TwoFactorRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self._open_paths = None

    def open_paths(self) -> frozenset[str]:
        if self._open_paths is None:
            self._open_paths = frozenset((*(reverse(name) for name in OPEN_URL_NAMES), *OPEN_PATHS))
        return self._open_paths

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and request.path_info not in self.open_paths()
            and permissions.lacks_required_two_factor(user)
        ):
            messages.info(
                request,
                _(
                    "Your roles on the portal give access to personal data: set up two-factor authentication "
                    "to go on. It takes two minutes with an authenticator app on your phone."
                ),
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)


async def refused_for_two_factor(user, receive, send) -> bool:
    """For a websocket: True, the socket accepted then closed with 4403 (a code the portal's clients
    do not retry), when `user` must set up two-factor authentication first; else False, nothing done."""
    if not (
        settings.PORTAL_REQUIRE_TWO_FACTOR
        and user is not None
        and user.is_authenticated
        and await database_sync_to_async(permissions.lacks_required_two_factor)(user)
    ):
        return False
    message = await receive()
    if message["type"] == "websocket.connect":
        await send({"type": "websocket.accept"})
        await send({"type": "websocket.close", "code": CLOSE_FORBIDDEN})
    return True


class TwoFactorRequiredSocketMiddleware:
    """The same rule for websockets behind Channels' AuthMiddlewareStack (portal/asgi.py with
    PORTAL_SOCKET_GATE=0; portal/members/socket_gate.py asks `refused_for_two_factor` itself)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket" and await refused_for_two_factor(scope.get("user"), receive, send):
            return None
        return await self.app(scope, receive, send)
