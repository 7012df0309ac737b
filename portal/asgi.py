"""ASGI entry point served by daphne: HTTP to Django/Wagtail, websockets to Channels."""

import gc
import os
import signal

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")

# Django must be set up before the routing imports consumers and models. Every websocket route is in
# portal/routing.py; here they are only wrapped: origin check, the session's user, then no socket for
# whoever must set up two-factor authentication first. portal/members/socket_gate.py does the three in one
# layer that keeps less per socket; PORTAL_SOCKET_GATE=0 keeps Channels' stack (to compare).
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from portal.members.middleware import TwoFactorRequiredSocketMiddleware  # noqa: E402
from portal.members.socket_gate import SocketGate  # noqa: E402
from portal.routing import websocket_urlpatterns  # noqa: E402

if os.environ.get("PORTAL_SOCKET_GATE", "1") != "0":
    websocket_application = SocketGate(URLRouter(websocket_urlpatterns))
else:
    websocket_application = AllowedHostsOriginValidator(
        AuthMiddlewareStack(TwoFactorRequiredSocketMiddleware(URLRouter(websocket_urlpatterns)))
    )
application = ProtocolTypeRouter({"http": django_asgi_app, "websocket": websocket_application})


def _settle_the_heap() -> None:
    """Everything loaded at start-up (Django, Wagtail, the URL and template machinery: most of the
    process's objects) goes to the garbage collector's permanent generation: a full collection then
    walks only what was made since, not the whole framework every few seconds, which showed as
    latency spikes on every socket (PORTAL_GC_FREEZE=0 keeps Python's default). Full collections
    are rarer too, and follow waves of closed sockets instead (portal/collector.py)."""
    from portal import collector

    collector.settle()
    if os.environ.get("PORTAL_GC_FREEZE", "1") == "0":
        return
    gc.collect()
    gc.freeze()


def _profile_on_signal(path: str) -> None:
    """PORTAL_PROFILE=FILE (benchmarks only): cProfile of the event loop's thread; `kill -USR1` writes
    the figures since the previous signal to FILE (pstats) and starts again from nothing.
    PORTAL_PROFILE_CLOCK=cpu times each call by the thread's CPU clock instead of the wall clock, so
    that a call which waits (the kernel running PostgreSQL on the same core) does not look costly."""
    import cProfile
    import time

    cpu_clock = os.environ.get("PORTAL_PROFILE_CLOCK") == "cpu"
    profiler = cProfile.Profile(time.thread_time) if cpu_clock else cProfile.Profile()

    def dump(_signum, _frame):
        profiler.disable()
        profiler.dump_stats(path)
        profiler.clear()
        profiler.enable()

    signal.signal(signal.SIGUSR1, dump)
    profiler.enable()


def _tracemalloc_on_signal(path: str) -> None:
    """PORTAL_TRACEMALLOC=FILE (benchmarks only): traces Python's allocations; `kill -USR2` writes a
    snapshot to FILE.1, FILE.2… (benchmarks/chat_memory.py compares them)."""
    import itertools
    import tracemalloc

    tracemalloc.start(int(os.environ.get("PORTAL_TRACEMALLOC_FRAMES", "10")))
    numbers = itertools.count(1)

    def dump(_signum, _frame):
        gc.collect()
        target = f"{path}.{next(numbers)}"
        tracemalloc.take_snapshot().dump(target + ".part")
        os.replace(target + ".part", target)

    signal.signal(signal.SIGUSR2, dump)


if os.environ.get("PORTAL_GC_LOG"):
    from portal import gc_log  # noqa: E402

    gc_log.install(os.environ["PORTAL_GC_LOG"])
if os.environ.get("PORTAL_TRACEMALLOC"):
    _tracemalloc_on_signal(os.environ["PORTAL_TRACEMALLOC"])
_settle_the_heap()
if os.environ.get("PORTAL_DIRECT_WRITES", "1") != "0":
    from portal import direct_writes  # noqa: E402

    direct_writes.install()
if os.environ.get("PORTAL_LAZY_LOG_ARGS", "1") != "0":
    from portal import lazy_log_args  # noqa: E402

    lazy_log_args.install()
if os.environ.get("PORTAL_SHARED_WS_OPTIONS", "1") != "0":
    from portal import shared_ws_options  # noqa: E402

    shared_ws_options.install()
if os.environ.get("PORTAL_LEAN_INPUT_QUEUE", "1") != "0":
    from portal import socket_memory  # noqa: E402

    socket_memory.install_input_queue()
if os.environ.get("PORTAL_RELEASE_UPGRADE_REQUEST", "1") != "0":
    from portal import socket_memory  # noqa: E402

    socket_memory.install_release_upgrade_request()
if os.environ.get("PORTAL_RELEASE_HANDSHAKE", "1") != "0":
    from portal import socket_memory  # noqa: E402

    socket_memory.install_release_handshake()
if os.environ.get("PORTAL_PROFILE"):
    _profile_on_signal(os.environ["PORTAL_PROFILE"])
