"""The portal's ASGI application as the browser tests serve it from one daphne per test worker.

A daphne takes seconds to start, and the browser tests used to start one each. One process now
serves a worker's browser tests in turn (tests/conftest.py, daphne_server); between two tests the
fixture asks it, on a path only this module answers and only with the worker's token, to forget what
a fresh process would not know: its in-memory caches (rate-limit counts, the site's identity,
Wagtail's site paths), the content types, the search backend's "index ready" flags and the page
cache's memoised version. Production serves portal.asgi directly: this path does not exist there.
"""

import os

from portal.asgi import application as portal

RESET_PATH = "/__tests__/reset/" + os.environ["PTCE_TEST_RESET_TOKEN"]


def _forget_process_state() -> None:
    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    from cms import page_cache
    from search.backend import get_backend

    for alias in settings.CACHES:
        cache = caches[alias]
        if isinstance(cache, LocMemCache):  # never a shared Redis: clear() there is FLUSHDB
            cache.clear()
    ContentType.objects.clear_cache()
    get_backend.cache_clear()
    page_cache.page_cache_version_forget()


async def application(scope, receive, send):
    if scope["type"] == "http" and scope["path"] == RESET_PATH:
        _forget_process_state()
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})
        return
    await portal(scope, receive, send)
