"""ASGI entry point served by daphne: HTTP to Django/Wagtail, websockets to Channels."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")

# Django must be set up before the routing imports consumers and models. Every websocket route is in
# portal/routing.py; here they are only wrapped: origin check, the session's user, then no socket for
# whoever must set up two-factor authentication first.
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from portal.members.middleware import TwoFactorRequiredSocketMiddleware  # noqa: E402
from portal.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(TwoFactorRequiredSocketMiddleware(URLRouter(websocket_urlpatterns)))
        ),
    }
)
