"""`load_demo` once per test process, then copied back (PostgreSQL only).

Several tests load the whole demo (tens of seconds each on CI: hundreds of pages, people, plans),
most of them into the same database: the one the migrations left. The first load in a process runs
for real and keeps, as PostgreSQL COPY data, every row of every table afterwards; a later load that
starts from exactly the same rows (the COPY data of every table is byte for byte the same) empties
those tables and copies the rows back instead, inside the test's own transaction, and prints the
same output. Any other starting point (a test that made rows first, a second load to show nothing
is duplicated) runs the real command, and so does a load outside a test's transaction (transactional
tests), whose on_commit work (indexing) must happen. Inside one, no file, index or message comes out
of a load: its rows are all it leaves (tests/test_demo_snapshot.py compares a copied load with a real
one). The copied rows keep the first load's times (created_at, withdrawn_at): minutes earlier.

The test workers of one run share their loads through files (a folder the run makes, named in
PTCE_TEST_DEMO_SNAPSHOTS, see tests/conftest.py): the first worker to need a load makes it under a
lock, and another one waiting for the same starting rows reads it instead of loading again. The
workers' databases are copies of one migrated template, so their starting rows are the same bytes.
"""

import contextlib
import fcntl
import hashlib
import io
import os
import pickle  # noqa: S403 - files this run's own workers wrote, in a folder of its own
from pathlib import Path

from django.db import connections, transaction

from tests import fast_reset

DEFAULT = "default"
# Keyed by the digest of every row before the load: the COPY data of every table after it, its
# output, and its sequences' values.
_loads: dict[str, tuple[list[tuple[str, bytes]], str, dict[str, int]]] = {}
restored: list[str] = []  # the loads copied back, for tests/test_demo_snapshot.py
_forgotten: set[str] = set()  # loads to make for real next time, neither kept nor read from a file
SHARED_FOLDER = "PTCE_TEST_DEMO_SNAPSHOTS"


def forget(key: str) -> None:
    """The next load from these rows runs for real (tests/test_demo_snapshot.py)."""
    _loads.pop(key, None)
    _forgotten.add(key)


@contextlib.contextmanager
def _shared(key: str):
    """Holds the run-wide lock of this starting point; yields the file its load is kept in, or None
    outside a run that made the folder."""
    folder = os.environ.get(SHARED_FOLDER)
    if not folder or not Path(folder).is_dir():
        yield None
        return
    path = Path(folder) / f"{key}.pickle"
    with open(path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield path
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _read(path: Path | None):
    if path is None or not path.exists():
        return None
    return pickle.loads(path.read_bytes())  # noqa: S301 - written by _write in this run


def _write(path: Path | None, load) -> None:
    if path is None or path.exists():
        return
    partial = path.with_suffix(f".{os.getpid()}.partial")
    partial.write_bytes(pickle.dumps(load, protocol=pickle.HIGHEST_PROTOCOL))
    partial.rename(path)


def _digest(copies) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for table, rows in copies:
        digest.update(table.encode() + b"\0" + hashlib.blake2b(rows).digest())
    return digest.hexdigest()


def _sequences(connection) -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT schemaname, sequencename, last_value FROM pg_sequences WHERE last_value IS NOT NULL")
        return {f"{schema}.{name}": value for schema, name, value in cursor.fetchall()}


def _restore(connection, before, after) -> None:
    tables = {table for table, _rows in before}
    # Django's foreign keys are checked at commit (INITIALLY DEFERRED): rows deleted and copied back
    # under the same ids in between break none.
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        for table in sorted(tables):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")  # noqa: S608 - Django's table names
        for table, rows in after:
            with cursor.copy(f"COPY {connection.ops.quote_name(table)} FROM STDIN") as copy:
                copy.write(rows)
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()


def _load(self, verbosity):
    connection = connections[DEFAULT]
    # Only inside a test's transaction, which is rolled back: there the load's on_commit work (search
    # indexing, broadcasts) never runs either. A transactional test (a browser's demo) loads for real.
    if connection.vendor != "postgresql" or not connection.in_atomic_block:
        return _original(self, verbosity)
    before = fast_reset._copy_out(connection)
    key = _digest(before)
    with _shared(key) as path:  # held from the look-up to the load's file, so another worker waits
        if key not in _loads and key not in _forgotten:
            found = _read(path)
            if found is not None:
                _loads[key] = found
        if key in _loads:
            _copy_back(self, verbosity, connection, before, key)
            return None
        result = _load_for_real(self, verbosity, connection, key)
        if key in _forgotten:
            _forgotten.discard(key)
        else:
            _write(path, _loads[key])
        return result


def _copy_back(self, verbosity, connection, before, key) -> None:
    after, output, sequences = _loads[key]
    _restore(connection, before, after)
    restored.append(key)
    # Ids the copied rows hold are not handed out again (sequences only grow, unless reset).
    with connection.cursor() as cursor:
        for name, value in sequences.items():
            cursor.execute(
                "SELECT setval(%s, %s) FROM pg_sequences WHERE schemaname || '.' || sequencename = %s"
                " AND (last_value IS NULL OR last_value < %s)",
                [name, value, name, value],
            )
    if verbosity:
        self.stdout.write(output, ending="")


def _load_for_real(self, verbosity, connection, key):
    """The command's own load, its output printed and kept with its rows under `key`."""
    printed = io.StringIO()
    write = self.stdout.write

    def tee(message="", style_func=None, ending=None):
        write(message, style_func, ending)
        ending = "\n" if ending is None else ending
        printed.write(message if message.endswith(ending) else message + ending)

    self.stdout.write = tee
    try:
        result = _original(self, verbosity)
    finally:
        self.stdout.write = write
    _loads[key] = (fast_reset._copy_out(connection), printed.getvalue(), _sequences(connection))
    return result


def install(monkeypatch) -> None:
    global _original  # noqa: PLW0603 - the command's own, kept once for the wrapper
    from cms.management.commands.load_demo import Command

    _original = Command._load
    monkeypatch.setattr(Command, "_load", _load)


_original = None
