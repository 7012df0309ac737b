"""Settings for the test suite. Servers come from the environment like production."""

import os

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = False
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or "test-only-key"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# E-mails stay in django.core.mail.outbox, unless a test runs the portal as a separate server and
# gives it a real SMTP sink (tests/e2e: PORTAL_TEST_EMAIL=smtp with EMAIL_HOST and EMAIL_PORT).
if os.environ.get("PORTAL_TEST_EMAIL") != "smtp":
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
WHITENOISE_USE_FINDERS = True
# WhiteNoise looks a static file up when it is asked for, instead of listing every app's static files
# when its middleware starts: the test client starts the middleware again for each new client, and
# that listing was a quarter of the permission matrix's time (52 ms a client).
WHITENOISE_AUTOREFRESH = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405  (whitenoise warns when it is missing)
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
MEDIA_ROOT = VAR_DIR / "test-media"  # noqa: F405
# Sender threads have their own database connections and would not see a test's uncommitted rows;
# tests/cms/newsletters runs the threaded path in a separate process on committed data.
NEWSLETTER_SMTP_CONNECTIONS = 1

# A file rather than memory, so a daphne process started by a test sees the test database.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # One file per test run, so two runs on one machine do not share it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}  # noqa: F405

# Wagtail's own caches stay in this process, as before; the page cache is off except in the tests
# about it, which turn it on against the real Redis under a prefix of this run.
CACHES["default"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}  # noqa: F405
if os.environ.get("REDIS_URL"):
    CACHES["pages"]["KEY_PREFIX"] = f"ptce-test-{os.getpid()}"  # noqa: F405
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "0"))
# The tests change data between two requests and read the figures at once: no fragment cache either.
PAGE_FRAGMENT_SECONDS = int(os.environ.get("PAGE_FRAGMENT_SECONDS", "0"))
# Rate limits count in this process's memory here (the default cache above): django-ratelimit's
# check wants a shared cache, which production has (Redis).
SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "django_ratelimit.E003"]  # noqa: F405

# Nothing listens on port 9: a test that forgot to serve recorded answers fails fast, never reaching
# the network (tests/portal/outside/recorded.py serves them on loopback; a browser test hands its
# server's address to the daphne it starts through PORTAL_TEST_*_URL).
COMPANY_REGISTER_URL = os.environ.get("PORTAL_TEST_COMPANY_REGISTER_URL", "http://127.0.0.1:9")
ADDRESS_BASE_URL = os.environ.get("PORTAL_TEST_ADDRESS_BASE_URL", "http://127.0.0.1:9")
OUTSIDE_SERVICES_TIMEOUT = 2
# Signing in needs no second factor, except in the tests of that rule: they turn it on with
# override_settings, or with the variable for a daphne they start.
PORTAL_REQUIRE_TWO_FACTOR = env_bool("PORTAL_REQUIRE_TWO_FACTOR", False)

# pytest-xdist runs the suite in several worker processes (./run test: one per core). Each has its own
# test database (pytest-django names it after the worker); here it also gets its own search indices,
# channel-layer groups and media folder, so that one worker's rows, messages and files never reach
# another's tests. The index prefix is handed down through the environment, once: a daphne process a
# test starts inherits it as it is, or the prefix the test chose for it (tests/e2e search_index).
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if XDIST_WORKER:
    if not os.environ.get("PTCE_TEST_WORKER_PREFIXED"):
        os.environ["PTCE_TEST_WORKER_PREFIXED"] = "1"
        prefix = os.environ.get("ELASTICSEARCH_INDEX_PREFIX", "ptce")
        os.environ["ELASTICSEARCH_INDEX_PREFIX"] = f"{prefix}-{XDIST_WORKER}"
    if "INDEX_PREFIX" in PORTAL_SEARCH:  # noqa: F405
        PORTAL_SEARCH["INDEX_PREFIX"] = os.environ["ELASTICSEARCH_INDEX_PREFIX"]  # noqa: F405
    if "CONFIG" in CHANNEL_LAYERS["default"]:  # noqa: F405
        CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] = f"asgi-{XDIST_WORKER}"  # noqa: F405
    MEDIA_ROOT = VAR_DIR / f"test-media-{XDIST_WORKER}"  # noqa: F405
# No map tile is ever requested by the tests (no network): the maps show their markers on a blank ground.
PORTAL_MAP_TILES_URL = ""
