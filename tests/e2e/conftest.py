"""Browser tests: Playwright's sync API drives Debian's Chromium against a real daphne on the test database.

Never `playwright install`: the browser is Debian's Chromium (`./run test` installs it): its headless
shell (/usr/bin/chromium-headless-shell, the package chromium-headless-shell) for the usual headless run,
/usr/bin/chromium when a developer watches with --headed. Same Blink, same version; the shell leaves out
the full browser's window layer and spent about a fifth less CPU on the same tests (docs/PERFORMANCE.md).

Event loops. Playwright's sync API runs an asyncio loop in a greenlet of the test's own thread and,
for as long as Playwright is started, leaves that loop registered as the thread's *running* loop,
even while the test's own code runs. Three things notice it:
  1. Django's async-safety check: any ORM call from the test, and pytest-django's own database
     setup and flush, raise SynchronousOnlyOperation ("You cannot call this from an async context").
  2. Django's connections live in asgiref's thread-critical Local, which switches to per-context
     storage when a loop runs: the test gets *new* connection objects, without the snapshot that
     serialized rollback restores from, so serialized rollback silently restores nothing.
  3. pytest-asyncio: an async test run afterwards fails with "Runner.run() cannot be called from
     a running event loop".
So, here only:
  - Playwright, its browser type and its browser are package-scoped (pytest-playwright makes them
    session-scoped): Playwright stops when the last test of tests/e2e ends, before any other
    package's tests, which then find a thread with no loop left behind (3), and their original
    connections (2).
  - While Playwright runs, DJANGO_ALLOW_ASYNC_UNSAFE is set (1). It only silences a false
    positive: the loop never runs while the test's code does (greenlets take turns on one
    thread), so no connection is shared between coroutines. daphne does not inherit it (see
    DaphneProcess in tests/conftest.py).
  - The serialized-rollback snapshot is handed to the connections the tests will get (2), and
    those connections are closed before Playwright stops.
"""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_HEADLESS_SHELL = Path("/usr/bin/chromium-headless-shell")
# Flags that work as root on a closed network (shared/PROVISIONING.md).
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"
HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(
        reason=f"{CHROMIUM} is missing: apt-get install chromium (./run test installs it); never `playwright install`"
    )
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(skip)


# --- Playwright, scoped to this package ----------------------------------------------------------


@pytest.fixture(scope="package")
def playwright(django_db_setup):
    """Playwright for this package's tests only, with Django usable beside it (see the module's docstring)."""
    from django.db import connections

    snapshots = {
        connection.alias: connection._test_serialized_contents
        for connection in connections.all()
        if hasattr(connection, "_test_serialized_contents")
    }
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as started:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        for alias, contents in snapshots.items():
            connections[alias]._test_serialized_contents = contents  # the per-context connection, now
        yield started
        connections.close_all()


@pytest.fixture(scope="package")
def browser_type(playwright, browser_name):
    return getattr(playwright, browser_name)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    headless = browser_type_launch_args.get("headless", True)
    # A machine set up before the shell was added to ./run test's packages still has the full browser.
    shell = CHROMIUM_HEADLESS_SHELL if headless and CHROMIUM_HEADLESS_SHELL.exists() else CHROMIUM
    return {
        **browser_type_launch_args,
        "executable_path": str(shell),
        "args": [flag for flag in CHROMIUM_FLAGS if headless or flag != "--headless"],
    }


@pytest.fixture(scope="package")
def launch_browser(browser_type_launch_args, browser_type):
    def launch(**kwargs):
        return browser_type.launch(**{**browser_type_launch_args, **kwargs})

    return launch


@pytest.fixture(scope="package")
def browser(launch_browser):
    started = launch_browser()
    yield started
    started.close()


# --- The portal under test -----------------------------------------------------------------------


def _cache_content_types() -> None:
    """Loads every model's ContentType into Django's cache, from the database as it is now."""
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    ContentType.objects.get_for_models(*apps.get_models(), for_concrete_models=False)


@pytest.fixture(scope="package")
def _empty_database(django_db_setup, django_db_blocker):
    """Empties the test database once, before the first browser test, so that serialized rollback works.

    The browser tests need what the migrations created (Wagtail's home page and site), so they use
    serialized rollback: Django reloads a snapshot of those rows before each test, and flushes
    without running post_migrate after it. Two things break that reload:
      - A transactional test *without* serialized rollback that ran earlier (tests/workgroups)
        flushed and ran post_migrate, which recreated the content types and the role groups
        (portal/members/apps.py) under new ids: reloading the snapshot fails with "duplicate key
        value violates unique constraint auth_group_name_key". So the database is flushed here the
        way Django's serialized teardown does it (no post_migrate, sequences kept).
      - Reloading into an empty database builds the HomePage from the snapshot, and Wagtail's
        Page.__init__ looks up its ContentType: on a cache miss it creates the row, and the
        snapshot's own row for it then fails with "duplicate key ... django_content_type". So the
        content-type cache is filled first (live_portal refreshes it from the reloaded rows).
    """
    from django.core.management import call_command

    with django_db_blocker.unblock():
        _cache_content_types()
        call_command(
            "flush", interactive=False, verbosity=0, reset_sequences=False, allow_cascade=False,
            inhibit_post_migrate=True,
        )  # fmt: skip


@pytest.fixture
def live_portal(_empty_database, django_db_serialized_rollback, daphne_server, request):
    """The portal's base URL, served by a real daphne on the test database as the migrations left it."""
    _cache_content_types()  # the ids of the reloaded rows, for this test and the next reload
    browser = request.getfixturevalue("browser") if "browser" in request.fixturenames else None
    yield daphne_server
    # The daphne outlives the test (tests/conftest.py, daphne_server): the test's pages close now,
    # before the database is emptied, so none of their sockets or requests reaches the next test.
    for context in browser.contexts if browser else ():
        context.close()


@pytest.fixture
def browser_context_args(live_portal):
    """Every page opens on the live portal, as a French visitor (Accept-Language: fr-FR)."""
    return {
        "base_url": live_portal,
        "locale": "fr-FR",
        "timezone_id": "Europe/Paris",
        "viewport": {"width": 1280, "height": 900},
    }


# The screenshots kept of each checked screen show what the window shows: a full page costs Chromium
# ten times as much (0.9 to 1.5 s for a long page here, against 0.05 to 0.12 s), some 600 times a run.
# PTCE_E2E_FULL_SCREENSHOTS=1 keeps whole pages; a failed test's screenshot is always the whole page.
FULL_SCREENSHOTS = os.environ.get("PTCE_E2E_FULL_SCREENSHOTS") == "1"


@pytest.fixture
def screenshot():
    """`screenshot(page, name)` saves a PNG of the window (of the whole page with
    PTCE_E2E_FULL_SCREENSHOTS=1) as test-artifacts/e2e/<name>.png and returns its path."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def save(page, name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=FULL_SCREENSHOTS)
        return path

    return save


@pytest.fixture(autouse=True)
def _no_content_security_policy_violation(request):
    """Every browser test fails if Chromium refuses anything under the portal's Content-Security-Policy
    (an inline style or script, a host not allowed): each context the test opens reports its console."""
    if "browser" not in request.fixturenames:
        yield
        return
    browser = request.getfixturevalue("browser")
    violations, original = [], browser.new_context

    def new_context(*args, **kwargs):
        context = original(*args, **kwargs)
        context.on(
            "console",
            lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
        )
        return context

    browser.new_context = new_context
    try:
        yield
    finally:
        del browser.new_context
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)


@pytest.fixture
def page(page, request):
    """pytest-playwright's page, plus a screenshot under test-artifacts/e2e/ when the test fails."""
    failed_before = request.session.testsfailed
    yield page
    if request.session.testsfailed > failed_before and not page.is_closed():
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name)
        page.screenshot(path=str(ARTIFACTS / f"FAILED-{name}.png"), full_page=True)


# --- Shared helpers of the journeys --------------------------------------------------------------


def signed_in_context(browser, browser_context_args, live_portal, who, **extra):
    """A browser context carrying the session cookie of `who` (a Person or a User), as after the login form.

    `extra` overrides the context's arguments (a tablet's viewport, say).
    """
    from django.test import Client

    client = Client()
    client.force_login(getattr(who, "user", who))
    context = browser.new_context(**{**browser_context_args, **extra})
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_portal}])
    return context


def sign_in_through_the_form(page, email, password):
    """Signs in the way a person does: the menu's link, the form, the button."""
    page.goto("/")
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Se connecter").click()
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("heading", level=1, name="Mon profil").wait_for()


@pytest.fixture
def smtp_sink(_worker_smtp_sink):
    """The real SMTP server on loopback (aiosmtpd) that the daphne under test sends its e-mails to
    (one per test worker, tests/conftest.py), emptied for this test.

    Returns the recorder: `.messages` is a list of (recipients, email.message.EmailMessage).
    """
    _worker_smtp_sink.clear()
    return _worker_smtp_sink


@pytest.fixture
def search_index(settings):
    """The configured search backend (Elasticsearch under ./run test), empty, on the indices the worker's
    shared daphne already uses (its prefix, portal/settings/test.py): the test process and the daphne
    under test read and write the same ones, without a daphne of the test's own. Emptied before the
    test (earlier tests' pages were indexed there) and dropped after it; the daphne forgets that they
    were ready when `live_portal` resets it. Request it before `live_portal` (or `page`)."""
    from tests.search.support import configured_config, drop_when_available, use_backend

    config = configured_config()
    if "INDEX_PREFIX" in config:
        config["INDEX_PREFIX"] = settings.PORTAL_SEARCH["INDEX_PREFIX"]
    with use_backend(settings, config) as backend:
        if backend.name == "elasticsearch":
            drop_when_available(backend)
        yield backend


@pytest.fixture
def recorded_outside(_worker_recorded_outside):
    """The worker's recorded company register and address base (tests/conftest.py), which the shared
    daphne already reaches: this test's routes, and the requests it made."""
    server = _worker_recorded_outside
    server.routes.clear()
    server.requests.clear()
    yield server
    server.routes.clear()
    server.requests.clear()


def search_until_found(page, query, link_name, timeout=15.0):
    """Types `query` in the header's search box until a result named `link_name` shows (an index
    update is visible to searches within a second or so): returns that link."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        box = page.get_by_role("search").first.get_by_role("searchbox")
        box.fill(query)
        with page.expect_navigation():
            box.press("Enter")
        link = page.locator("main").get_by_role("link", name=link_name)
        if link.count() or time.monotonic() > deadline:
            return link.first
        time.sleep(0.5)


def settle_animations(page) -> None:
    """Waits for the page's short animations (a message fading in) to end, so that axe-core reads final
    colours. Not for the long ones: Wagtail pulses the badge that counts a form's errors for 25 s."""
    page.evaluate(
        """() => Promise.all(document.getAnimations()
            .filter(animation => animation.effect.getComputedTiming().endTime <= 2000)
            .map(animation => animation.finished.catch(() => null)))"""  # a cancelled one rejects: over too
    )
