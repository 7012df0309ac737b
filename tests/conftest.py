import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from portal.members import services
from portal.members.models import PersonRole
from tests.factories import OrganisationFactory, PersonFactory, UserFactory


def pytest_report_header(config):
    """Shows which real servers the suite runs against, with their versions."""
    import django
    from django.conf import settings

    django.setup()
    lines = []
    database = settings.DATABASES["default"]
    try:
        # Django's connection is blocked outside tests: ask the server directly.
        if database["ENGINE"] == "django.db.backends.postgresql":
            import psycopg

            with psycopg.connect(
                host=database["HOST"], port=database["PORT"], user=database["USER"],
                password=database["PASSWORD"], dbname=database["NAME"], connect_timeout=5,
            ) as connection:  # fmt: skip
                version = connection.execute("SELECT version()").fetchone()[0]
        else:
            import sqlite3

            version = f"SQLite {sqlite3.sqlite_version}"
        lines.append(f"database: {version} ({database['HOST'] or database['NAME']})")
    except Exception as error:  # noqa: BLE001 - the header must never stop the run
        lines.append(f"database: unreachable ({error})")
    if os.environ.get("REDIS_URL"):
        try:
            import redis

            info = redis.Redis.from_url(os.environ["REDIS_URL"]).info("server")
            lines.append(f"channel layer: Redis {info['redis_version']} ({os.environ['REDIS_URL']})")
        except Exception as error:  # noqa: BLE001
            lines.append(f"channel layer: Redis unreachable ({error})")
    else:
        lines.append("channel layer: in memory (REDIS_URL unset)")
    try:
        from search.backend import load_backend

        info = load_backend(settings.PORTAL_SEARCH).server_info()
        lines.append(f"search: {info['engine']} {info['version']}")
    except Exception as error:  # noqa: BLE001
        lines.append(f"search: unreachable ({error})")
    return lines


def pytest_configure(config):
    """Only this run's browser screenshots in test-artifacts/e2e/: an earlier run's failure, since
    fixed, would mislead. Emptied once, by the process that starts the run (under pytest-xdist the
    workers, which save them, must not delete each other's)."""
    if not hasattr(config, "workerinput"):
        from tests.e2e.conftest import ARTIFACTS

        shutil.rmtree(ARTIFACTS, ignore_errors=True)
        # The demo's loads, shared by this run's workers (tests/demo_snapshot.py); removed at the end.
        from tests.demo_snapshot import SHARED_FOLDER

        os.environ[SHARED_FOLDER] = config.stash[_DEMO_SNAPSHOTS] = tempfile.mkdtemp(prefix="ptce-demo-")
    # Under pytest-xdist, one migrated database for every worker, built while they collect.
    from tests import db_template

    config.stash[_DB_TEMPLATE_BUILDER] = db_template.start_build(config)


def pytest_unconfigure(config):
    from tests import db_template

    db_template.finish(config.stash.get(_DB_TEMPLATE_BUILDER, None))
    if _DEMO_SNAPSHOTS in config.stash:
        shutil.rmtree(config.stash[_DEMO_SNAPSHOTS], ignore_errors=True)


_DB_TEMPLATE_BUILDER = pytest.StashKey()
_DEMO_SNAPSHOTS = pytest.StashKey()


@pytest.fixture(scope="session")
def _database_from_template():
    """A worker copies the database built for the run (tests/db_template.py) instead of migrating."""
    from tests import db_template

    with pytest.MonkeyPatch.context() as patch:
        db_template.install(patch)
        yield


@pytest.fixture(scope="session")
def django_db_setup(_database_from_template, django_db_setup):
    """pytest-django's, with the copy above in place of the migrations."""
    return


def _restores_serialized_database(item) -> bool:
    marker = item.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("serialized_rollback")) or (
        "django_db_serialized_rollback" in getattr(item, "fixturenames", ())
    )


def _transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    return bool(marker and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server", "django_db_serialized_rollback"} & set(fixtures)
    )


# Files whose tests take tens of seconds each (see `--durations`): run first in their group.
LONG_FILES = ("fault_tolerance", "crash_resume", "multiprocess", "upgrade")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Among the transactional tests (pytest-django already runs them after the others), those that
    restore the migrated database (serialized_rollback) go first.

    A plain transactional test ends with a flush whose post_migrate re-creates the content types
    under new ids; a serialized restore after it collides with them ("duplicate key … wagtailcore,
    page"). Serialized tests flush without post_migrate and restore on setup, so any number of them
    in a row is safe, and the plain ones after them need nothing the migrations made.

    Within each group the longest tests (the upgrade's, the fault tests') go first: the run ends on
    short tests that the workers share evenly, not on one worker still migrating while the others wait.
    """

    def order(item):
        group = (1 if _restores_serialized_database(item) else 2) if _transactional(item) else 0
        return group, 0 if any(word in item.path.name for word in LONG_FILES) else 1

    items.sort(key=order)


@pytest.fixture(scope="session", autouse=True)
def _fast_database_reset():
    """Transactional tests empty and refill PostgreSQL faster (tests/fast_reset.py)."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        yield
        return
    from tests import demo_snapshot, fast_reset

    with pytest.MonkeyPatch.context() as patch:
        fast_reset.install(patch)
        demo_snapshot.install(patch)  # and load the demo once per process (tests/demo_snapshot.py)
        yield


@pytest.fixture(autouse=True)
def _site_identity_read_again_after_each_test():
    """The site's identity is cached in the (process-wide) default cache: a test that set one, then
    rolled back, must not leave its name to the next test."""
    yield
    from cms import selectors

    selectors.site_identity_forget()


@pytest.fixture(autouse=True)
def _rate_counts_start_at_zero():
    """Rate limits count in the default cache (this process's memory under tests): one test's
    sign-ups or frames must not use up the next test's allowance."""
    from django.core.cache import caches

    caches["default"].clear()
    yield


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """A request with another Accept-Language leaves that language active in this thread
    (LocaleMiddleware activates it): the next test would read English messages. Back to the default."""
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture
def administrator(db):
    user = UserFactory()
    services.person_create(user=user, role=PersonRole.ADMINISTRATOR)
    return user


@pytest.fixture
def organisation(db):
    return OrganisationFactory()


@pytest.fixture
def member(organisation):
    """A person of `organisation` with the plain member role."""
    return PersonFactory(organisation=organisation).user


@pytest.fixture
def other_organisation(db):
    return OrganisationFactory()


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _test_database_url() -> str:
    from django.db import connection

    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings_dict['NAME']}"
    user = settings_dict["USER"] or ""
    password = f":{settings_dict['PASSWORD']}" if settings_dict["PASSWORD"] else ""
    return f"postgres://{user}{password}@{settings_dict['HOST']}:{settings_dict['PORT']}/{settings_dict['NAME']}"


class DaphneProcess:
    """One daphne process serving portal.asgi on 127.0.0.1:`port`, on the test database.

    It can be killed (SIGKILL by default, as a crash) and started again on the same port, which is
    what a supervisor does after a crash; its output goes to var/daphne-<port>.log, kept when the
    test fails.
    """

    def __init__(self, port: int | None = None, *, shared: bool = False):
        self.port = port or _free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log = (
            Path(os.environ.get("PORTAL_VAR_DIR", Path(__file__).resolve().parents[1] / "var"))
            / f"daphne-{self.port}.log"
        )
        self.process = None
        # The server is a separate program: the test process's exceptions to Django's async check
        # (tests/e2e sets DJANGO_ALLOW_ASYNC_UNSAFE for Playwright) must not leak into it.
        self.env = {
            **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
            "DJANGO_SETTINGS_MODULE": "portal.settings.test",
            "DATABASE_URL": _test_database_url(),
            "PYTHONUNBUFFERED": "1",
            # The links of its e-mails lead to this very server.
            "PORTAL_BASE_URL": self.base_url,
        }
        self.application = "portal.asgi:application"
        if shared:  # served to one test after another, and told to forget between them (tests/live_asgi.py)
            self.application = "tests.live_asgi:application"
            self.env["PTCE_TEST_RESET_TOKEN"] = secrets.token_hex(16)

    def ws_url(self, path: str) -> str:
        return self.base_url.replace("http://", "ws://", 1) + path

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def is_running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self, timeout: float = 30) -> "DaphneProcess":
        """Starts daphne and returns once it answers HTTP (a few seconds)."""
        assert not self.is_running(), f"daphne already runs on port {self.port}"
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as output:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(self.port), self.application],
                env=self.env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        # No proxy for loopback, whatever the environment says.
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        deadline = time.monotonic() + timeout
        while True:
            try:
                opener.open(self.base_url + "/admin/login/", timeout=2).close()
                return self
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.process.kill()
                    self.process.wait()
                    raise RuntimeError(f"daphne did not start on port {self.port}:\n{self.log_tail()}") from None
                time.sleep(0.1)

    def reset(self) -> None:
        """Makes a shared process forget the previous test (tests/live_asgi.py)."""
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        opener.open(f"{self.base_url}/__tests__/reset/{self.env['PTCE_TEST_RESET_TOKEN']}", timeout=10).close()

    def kill(self, sig=None) -> None:
        """Ends the process at once (SIGKILL: no cleanup, as in a crash or an OOM kill) and reaps it."""
        if self.is_running():
            self.process.send_signal(sig or signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.is_running():
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def log_tail(self, size: int = 3000) -> str:
        try:
            return self.log.read_text(errors="replace")[-size:]
        except OSError:
            return "(no log)"


@pytest.fixture
def daphne(transactional_db, request):
    """Starts real daphne processes on the test database: `daphne()` → a running DaphneProcess.

    Call it several times for several processes (they share the channel layer when REDIS_URL is
    set); every process is stopped after the test, before the database is flushed.
    """
    started: list[DaphneProcess] = []
    failed_before = request.session.testsfailed

    def start(port: int | None = None) -> DaphneProcess:
        process = DaphneProcess(port).start()
        started.append(process)
        return process

    yield start
    for process in started:
        process.stop()
    if request.session.testsfailed == failed_before:
        for process in started:
            process.log.unlink(missing_ok=True)


# Set by pytest for each test phase, and by tests/e2e for Playwright: not what a daphne needs to differ.
VOLATILE_ENVIRON = {"PYTEST_CURRENT_TEST", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def _inherited_environ() -> dict:
    return {name: value for name, value in os.environ.items() if name not in VOLATILE_ENVIRON}


@pytest.fixture(scope="session")
def _worker_smtp_sink():
    """A real SMTP server on loopback (aiosmtpd) for the daphne processes this worker starts: they send
    their e-mails there (PORTAL_TEST_EMAIL=smtp), and tests read them through tests/e2e's smtp_sink.
    One per worker, so that the daphne shared by the worker's tests needs no restart to reach it."""
    from tests.cms.newsletters.smtp import Recorder, SmtpServer

    recorder = Recorder()
    server = SmtpServer(recorder).start()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PORTAL_TEST_EMAIL", "smtp")
        patch.setenv("EMAIL_HOST", "127.0.0.1")
        patch.setenv("EMAIL_PORT", str(server.port))
        yield recorder
    server.stop()


@pytest.fixture(scope="session")
def _worker_recorded_outside():
    """A loopback server of recorded answers (tests/portal/outside/recorded.py) that the daphne processes
    this worker starts take for the company register and the address base. One per worker, for the
    same reason as the SMTP sink: the browser tests of the register reach it through the shared daphne
    (tests/e2e's `recorded_outside` gives each its own routes) instead of starting a daphne each."""
    from tests.portal.outside.recorded import ADDRESS_PREFIX, REGISTER_PREFIX, RecordedServer

    server = RecordedServer().start()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PORTAL_TEST_COMPANY_REGISTER_URL", server.base_url + REGISTER_PREFIX)
        patch.setenv("PORTAL_TEST_ADDRESS_BASE_URL", server.base_url + ADDRESS_PREFIX)
        yield server
    server.stop()


@pytest.fixture(scope="session")
def _shared_daphne(django_db_setup, _worker_smtp_sink, _worker_recorded_outside, request):
    """One daphne for this worker's tests that need a plain one, started on first use and stopped before
    the test database is dropped. Starting one per test cost seconds each, a few minutes per run.

    Its environment is the one the session started with (taken here, before any test changed it): a
    test whose environment differs (two-factor required, a single sign-on provider) still gets a
    daphne of its own, started for it alone.
    """
    holder = {"environ": _inherited_environ(), "process": None}
    failed_before = request.session.testsfailed
    yield holder
    if holder["process"] is not None:
        holder["process"].stop()
        if request.session.testsfailed == failed_before:
            holder["process"].log.unlink(missing_ok=True)


@pytest.fixture
def daphne_server(transactional_db, _shared_daphne, request):
    """The base URL of a real daphne process on the test database, as fresh as a new one."""
    if _inherited_environ() != _shared_daphne["environ"]:
        return request.getfixturevalue("daphne")().base_url
    process = _shared_daphne["process"]
    if process is None or not process.is_running():
        process = _shared_daphne["process"] = DaphneProcess(shared=True).start()
    process.reset()
    return process.base_url
