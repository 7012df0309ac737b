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

The builder starts from tests/data/migrated.sql.gz when it can: a dump of a database that Django's
create_test_db made from zero (every migration, then post_migrate), with the hash of each migration
file it applied in tests/data/migrated.json. Restoring it takes a couple of seconds, where migrating
from zero takes over a minute; then `migrate` runs as usual, applying only migrations newer than the
dump, and post_migrate sets the content types, permissions and role groups from today's code. If a
migration file the dump applied has changed or gone, the dump is not used at all: the builder
migrates from zero, as before (and tests/test_db_template.py fails until the dump is made again).

    python -m tests.db_template start            launches the builder, prints NAME=… lines to export
    python -m tests.db_template dump             makes tests/data/migrated.sql.gz and .json again
    python -m tests.db_template NAME LOCK_PATH   builds the template NAME (run by _launch below)
"""

import fcntl
import gzip
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DUMP = ROOT / "tests" / "data" / "migrated.sql.gz"
DUMP_MIGRATIONS = ROOT / "tests" / "data" / "migrated.json"
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
        # No template for this run (one process, or its build failed): from the dump when it is usable.
        if not keepdb and self.connection.alias == "default" and not dump_problems():
            _restore_dump(self.connection)
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


def migration_hashes() -> dict[str, str]:
    """{"app.migration": sha256 of its file} for every migration on disk, ours and the packages'."""
    from django.db.migrations.loader import MigrationLoader

    hashes = {}
    for (app_label, name), migration in MigrationLoader(None, ignore_no_migrations=True).disk_migrations.items():
        source = Path(sys.modules[migration.__module__].__file__).read_bytes()
        hashes[f"{app_label}.{name}"] = hashlib.sha256(source).hexdigest()
    return dict(sorted(hashes.items()))


def dump_problems() -> list[str]:
    """Why tests/data/migrated.sql.gz cannot stand for the migrations it applied (none: it can)."""
    if not DUMP.exists() or not DUMP_MIGRATIONS.exists():
        return [f"{DUMP.relative_to(ROOT)} or {DUMP_MIGRATIONS.relative_to(ROOT)} is missing"]
    recorded, today = json.loads(DUMP_MIGRATIONS.read_text()), migration_hashes()
    return [
        f"{migration} {'has changed' if migration in today else 'is gone'} since the dump was made"
        for migration, digest in recorded.items()
        if today.get(migration) != digest
    ]


def _pg_program(name: str) -> str:
    return shutil.which(name) or os.path.join(os.environ.get("PTCE_PG_BIN", "/usr/lib/postgresql/15/bin"), name)


def _pg_environment(database: dict) -> tuple[list[str], dict]:
    arguments = ["-h", database["HOST"] or "127.0.0.1", "-p", str(database["PORT"] or 5432), "-U", database["USER"]]
    return arguments, {**os.environ, "PGPASSWORD": database["PASSWORD"] or ""}


def _restore_dump(connection) -> None:
    """Wraps the connection's _create_test_db: the new, empty database gets the dump's rows first."""
    original = connection.creation._create_test_db

    def create_then_restore(verbosity, autoclobber, keepdb=False):
        name = original(verbosity, autoclobber, keepdb)
        arguments, environment = _pg_environment(connection.settings_dict)
        subprocess.run(
            [_pg_program("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", *arguments, "-d", name],
            input=gzip.decompress(DUMP.read_bytes()), env=environment, check=True, capture_output=True,
        )  # fmt: skip
        return name

    connection.creation._create_test_db = create_then_restore


def _build(name: str, lock_path: str) -> None:
    """The builder process: Django's create_test_db (migrate, createcachetable) under the name NAME,
    from the dump when it stands for today's migrations. It inherits the lock its parent took and
    holds it until it exits."""
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    connection.settings_dict["TEST"]["NAME"] = name
    problems = dump_problems()
    if problems:
        print("[db_template] migrating from zero: " + "; ".join(problems[:5]), flush=True)
    else:
        _restore_dump(connection)
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    connection.close()
    _status_path(lock_path).write_text(BUILT)


def _dump() -> None:
    """`python -m tests.db_template dump`: a database migrated from zero, dumped with its migrations' hashes."""
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    connection.settings_dict["TEST"]["NAME"] = f"test_{connection.settings_dict['NAME']}_dump_{os.getpid()}"
    name = connection.creation.create_test_db(verbosity=1, autoclobber=True, serialize=False)
    arguments, environment = _pg_environment(connection.settings_dict)
    try:
        dumped = subprocess.run(
            [_pg_program("pg_dump"), "--no-owner", "--no-privileges", *arguments, name],
            env=environment, check=True, capture_output=True,
        ).stdout  # fmt: skip
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)
    DUMP.write_bytes(gzip.compress(dumped, compresslevel=9, mtime=0))
    hashes = migration_hashes()
    DUMP_MIGRATIONS.write_text(json.dumps(hashes, indent=0) + "\n")
    print(f"{DUMP.relative_to(ROOT)}: {DUMP.stat().st_size // 1024} KiB, {len(hashes)} migrations")


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
    elif sys.argv[1:] == ["dump"]:
        _dump()
    else:
        _build(sys.argv[1], sys.argv[2])
