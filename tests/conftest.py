import os

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


@pytest.fixture
def daphne_server(transactional_db):
    """A real daphne process serving the ASGI application on a free loopback port, on the test database."""
    import subprocess
    import sys
    import time
    import urllib.request
    from pathlib import Path

    port = _free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.test", "DATABASE_URL": _test_database_url()}
    log = Path(os.environ.get("PORTAL_VAR_DIR", Path(__file__).resolve().parents[1] / "var")) / f"daphne-{port}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "portal.asgi:application"],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(base_url + "/admin/login/", timeout=2).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(f"daphne did not start:\n{log.read_text()[-3000:]}") from None
            time.sleep(0.2)
    yield base_url
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
    log.unlink(missing_ok=True)
