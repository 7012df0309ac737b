"""One migration per run for all pytest-xdist workers (PostgreSQL only).

Each worker used to build its own test database by running every migration (about half a minute,
the workers at once on a two-core machine). Now the process that starts the workers builds one
database, `test_<name>_template_<its pid>`, with Django's own create_test_db, in a separate process
that runs while the workers import and collect the tests; each worker then copies it
(`CREATE DATABASE … TEMPLATE …`, about a second) instead of migrating.

Nothing is kept between runs: the template is named after the process that starts the run, built
from the migrations of this checkout, and dropped when the run ends. A worker that finds no usable
template (the build failed) migrates its database itself, as before.

`./run test` starts the build even earlier, as soon as PostgreSQL is up, so that it also runs while
Elasticsearch starts and the browser is installed: `python -m tests.db_template start` launches the
builder and prints the two variables for the shell to export; pytest then finds them set and builds
nothing (the servers, template included, are thrown away after the run).

    python -m tests.db_template start            launches the builder, prints NAME=… lines to export
    python -m tests.db_template NAME LOCK_PATH   builds the template NAME (run by _launch below)
"""

import fcntl
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Set by the process that starts the workers; the workers inherit them.
NAME_VARIABLE = "PTCE_TEST_DB_TEMPLATE"
LOCK_VARIABLE = "PTCE_TEST_DB_TEMPLATE_LOCK"
BUILT = "built"


def _status_path(lock_path: str) -> Path:
    return Path(f"{lock_path}.status")


def _log_path(lock_path: str) -> Path:
    return Path(f"{lock_path}.log")


def start_build(config) -> subprocess.Popen | None:
    """In the process that starts the workers: builds the template in a separate process, started
    now so that it migrates while the workers import and collect. Returns it, or None when a worker
    would not use it (no workers, SQLite, a database kept between runs with --reuse-db)."""
    if hasattr(config, "workerinput") or not config.getoption("numprocesses", None):
        return None
    if config.getoption("reuse_db", False) and not config.getoption("create_db", False):
        return None
    if os.environ.get(NAME_VARIABLE) and os.environ.get(LOCK_VARIABLE):
        return None  # already building: started by `./run test` (see the module's docstring)
    launched = _launch()
    if launched is None:
        return None
    builder, name, lock_path = launched
    os.environ[NAME_VARIABLE] = name
    os.environ[LOCK_VARIABLE] = lock_path
    return builder


def _launch() -> tuple[subprocess.Popen, str, str] | None:
    """Starts the builder holding the lock that the workers wait on: (process, name, lock path), or
    None when the database is not PostgreSQL."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        return None
    name = f"test_{database['NAME']}_template_{os.getpid()}"
    lock_path = str(Path(settings.VAR_DIR) / f"{name}.lock")
    Path(lock_path).parent.mkdir(parents=True, exist_ok=True)
    _status_path(lock_path).unlink(missing_ok=True)
    # The builder holds this lock for as long as it lives: a worker waits on it, then reads the status.
    lock = os.open(lock_path, os.O_CREAT | os.O_RDWR, 0o600)
    fcntl.flock(lock, fcntl.LOCK_EX)
    try:
        with _log_path(lock_path).open("wb") as log:
            builder = subprocess.Popen(
                [sys.executable, "-m", "tests.db_template", name, lock_path],
                cwd=ROOT,
                env={**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.test"},
                stdout=log,
                stderr=subprocess.STDOUT,
                pass_fds=(lock,),
            )
    finally:
        os.close(lock)
    return builder, name, lock_path


def finish(builder: subprocess.Popen | None) -> None:
    """In the process that started the workers, once they are done: stops the builder if it still
    runs and drops the template."""
    if builder is None:
        return
    if builder.poll() is None:
        builder.terminate()
        builder.wait(timeout=30)
    name, lock_path = os.environ.pop(NAME_VARIABLE), os.environ.pop(LOCK_VARIABLE)
    import psycopg
    from django.conf import settings

    database = settings.DATABASES["default"]
    try:
        with psycopg.connect(
            host=database["HOST"], port=database["PORT"], user=database["USER"], password=database["PASSWORD"],
            dbname="postgres", autocommit=True, connect_timeout=10,
        ) as connection:  # fmt: skip
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        for path in (Path(lock_path), _status_path(lock_path), _log_path(lock_path)):
            path.unlink(missing_ok=True)


def _wait_for_template() -> str | None:
    """In a worker: the template's name once the builder has finished, or None if it failed."""
    name, lock_path = os.environ.get(NAME_VARIABLE), os.environ.get(LOCK_VARIABLE)
    if not name or not lock_path:
        return None
    lock = os.open(lock_path, os.O_RDONLY)
    try:
        fcntl.flock(lock, fcntl.LOCK_SH)  # returns when the builder has exited, however it ended
    finally:
        os.close(lock)
    try:
        built = _status_path(lock_path).read_text() == BUILT
    except OSError:
        built = False
    if not built:
        log = _log_path(lock_path)
        tail = log.read_text(errors="replace")[-3000:] if log.exists() else "(no log)"
        print(f"\n[db_template] the template was not built, this worker migrates its own database:\n{tail}")
    return name if built else None


def create_test_db(self, verbosity=1, autoclobber=False, serialize=True, keepdb=False):
    """DatabaseCreation.create_test_db in a worker: a copy of the template instead of the migrations,
    then the same state as Django's (settings naming the test database, connection open)."""
    from django.conf import settings

    template = None if keepdb or self.connection.alias != "default" else _wait_for_template()
    if template is None:
        return _original_create_test_db(
            self, verbosity=verbosity, autoclobber=autoclobber, serialize=serialize, keepdb=keepdb
        )
    test_database_name = self._get_test_db_name()
    quote = self.connection.ops.quote_name
    self.connection.close()
    with self._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {quote(test_database_name)}")
        for attempt in range(50):
            try:
                cursor.execute(f"CREATE DATABASE {quote(test_database_name)} WITH TEMPLATE {quote(template)}")
                break
            except Exception as error:
                # The other worker copying it at the same moment ("source database … is being accessed").
                if "being accessed by other users" not in str(error) or attempt == 49:
                    raise
                time.sleep(0.2)
    self.connection.close()
    settings.DATABASES[self.connection.alias]["NAME"] = test_database_name
    self.connection.settings_dict["NAME"] = test_database_name
    if serialize:
        self.connection._test_serialized_contents = self.serialize_db_to_string()
    self.connection.ensure_connection()
    return test_database_name


def install(monkeypatch) -> None:
    from django.db.backends.postgresql.creation import DatabaseCreation

    monkeypatch.setattr(DatabaseCreation, "create_test_db", create_test_db)


def _original_create_test_db(self, **kwargs):
    from django.db.backends.base.creation import BaseDatabaseCreation

    return BaseDatabaseCreation.create_test_db(self, **kwargs)


def _build(name: str, lock_path: str) -> None:
    """The builder process: Django's create_test_db (migrate, createcachetable) under the name NAME.
    It inherits the lock its parent took and holds it until it exits."""
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    connection.settings_dict["TEST"]["NAME"] = name
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    connection.close()
    _status_path(lock_path).write_text(BUILT)


def _start_for_the_shell() -> None:
    """`python -m tests.db_template start`: launches the builder, which outlives this process, and
    prints the variables that pytest and its workers read, with the builder's pid for the shell."""
    import shlex

    import django

    django.setup()
    launched = _launch()
    if launched is None:
        return
    builder, name, lock_path = launched
    for variable, value in (
        (NAME_VARIABLE, name),
        (LOCK_VARIABLE, lock_path),
        ("PTCE_TEST_DB_TEMPLATE_PID", builder.pid),
    ):
        print(f"export {variable}={shlex.quote(str(value))}")


if __name__ == "__main__":
    if sys.argv[1:] == ["start"]:
        _start_for_the_shell()
    else:
        _build(sys.argv[1], sys.argv[2])
