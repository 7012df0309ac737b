"""Faster emptying and refilling of the test database between transactional tests (PostgreSQL only).

Browser tests run on committed data (a daphne reads it), so after each one Django empties every
table (one TRUNCATE of some 250 tables) and, before the next, reloads the rows the migrations made
from a JSON snapshot, saving them one by one: together seconds per test. The same work, cheaper:
  - emptying deletes rows only from the tables that have some (foreign keys are deferred and
    checked at commit, when every table holding rows is empty);
  - the first reload of a snapshot goes through Django and is then kept as PostgreSQL COPY data of
    the tables it filled; the next reloads of that snapshot copy those rows back.
  - after a flush, post_migrate recreates the content types and permissions of some 250 models:
    the first time it runs for real, its rows are kept as COPY data, and later flushes copy them back.
  - after a plain transactional test, the tables post_migrate fills are left alone when they still
    hold exactly those rows (their COPY data is the same bytes), which most tests never change:
    deleting some 700 rows that every other table may point to cost PostgreSQL a foreign-key check
    per row and per table pointing to it, most of the time such a test's teardown took.
The database ends up exactly as with Django's own code (ids of those rows excepted: they stay those of
the first run, which the sequences have passed); SQLite keeps Django's.
"""

import hashlib
import re

from django.core.management import call_command
from django.core.management.commands import flush as flush_command
from django.db import connections, transaction
from django.db.backends.postgresql.creation import DatabaseCreation
from django.db.backends.postgresql.operations import DatabaseOperations
from django.test import TransactionTestCase

SAFE_NAME = re.compile(r"[a-z0-9_]+")
_copies: dict[tuple[str, str], list[tuple[str, bytes]]] = {}


def _tables_with_rows(connection, tables) -> list[str]:
    """The tables, among `tables` (Django's own, named by its introspection), that hold rows: one query."""
    tables = [table for table in tables if SAFE_NAME.fullmatch(table)]
    if not tables:
        return []
    quote = connection.ops.quote_name
    # Names from Django's introspection, checked above.
    query = " UNION ALL ".join(f"SELECT '{table}' WHERE EXISTS (SELECT 1 FROM {quote(table)})" for table in tables)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(query)
        return [row[0] for row in cursor.fetchall()]


def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
    if reset_sequences or allow_cascade or not tables:
        return _original_sql_flush(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
    filled = _tables_with_rows(self.connection, tables)
    deletes = [f"DELETE FROM {self.quote_name(table)};" for table in filled]  # noqa: S608
    return ["SET CONSTRAINTS ALL DEFERRED;", *_without_reference_checks(self.connection, deletes)]


_superuser: dict[str, bool] = {}


def _without_reference_checks(connection, deletes: list[str]) -> list[str]:
    """The DELETEs of every row of every table holding some, without PostgreSQL's foreign-key checks:
    with nothing left to point to a deleted row, each check (one query per deleted row and per table
    that may point to it, some 700 content types and permissions alone) finds nothing. Only a
    superuser may skip them (session_replication_role), as the test servers' user is; the schema has
    no trigger of its own that this would skip (tests/test_fast_reset.py checks)."""
    if connection.alias not in _superuser:
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            _superuser[connection.alias] = bool(cursor.fetchone()[0])
    if not _superuser[connection.alias] or not deletes:
        return deletes
    return ["SET LOCAL session_replication_role = replica;", *deletes, "SET LOCAL session_replication_role = origin;"]


def _copy_out(connection) -> list[tuple[str, bytes]]:
    """Every row of the tables that hold some, as COPY data."""
    tables = _tables_with_rows(connection, connection.introspection.django_table_names(only_existing=True))
    copies = []
    with connection.cursor() as cursor:
        for table in tables:
            with cursor.copy(f"COPY {connection.ops.quote_name(table)} TO STDOUT") as copy:
                copies.append((table, b"".join(bytes(chunk) for chunk in copy)))
    return copies


def _copy_in(connection, copies) -> None:
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for table, rows in copies:
            with cursor.copy(f"COPY {connection.ops.quote_name(table)} FROM STDIN") as copy:
                copy.write(rows)


def deserialize_db_from_string(self, data):
    connection = self.connection
    key = (connection.alias, hashlib.blake2b(data.encode(), digest_size=16).hexdigest())
    copies = _copies.get(key)
    if copies is None:
        _original_deserialize(self, data)
        _copies[key] = _copy_out(connection)
        return
    _copy_in(connection, copies)


def emit_post_migrate_signal(verbosity, interactive, db, **kwargs):
    """`flush` (after each plain transactional test) re-sends post_migrate to an emptied database:
    the rows it makes are the same every time, so they are copied back after the first time."""
    connection = connections[db]
    key = (db, "post_migrate")
    copies = _copies.get(key)
    if copies is None or kwargs:
        _original_emit_post_migrate(verbosity, interactive, db, **kwargs)
        if not kwargs:
            _copies[key] = _copy_out(connection)
        return
    _copy_in(connection, copies)
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()


def _copy_table(cursor, table) -> bytes:
    with cursor.copy(f"COPY {cursor.db.ops.quote_name(table)} TO STDOUT") as copy:
        return b"".join(bytes(chunk) for chunk in copy)


def _reset_to_post_migrate(connection, copies) -> None:
    """Empties every table and leaves the rows post_migrate made, as `flush` followed by post_migrate:
    the tables holding exactly the kept rows are not touched, the others emptied and copied back."""
    filled = set(_tables_with_rows(connection, connection.introspection.django_table_names(only_existing=True)))
    quote = connection.ops.quote_name
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        unchanged = {table for table, rows in copies if table in filled and _copy_table(cursor, table) == rows}
        # The tables left alone point only to each other, or to rows copied back under the same ids.
        deletes = [f"DELETE FROM {quote(table)}" for table in sorted(filled - unchanged)]  # noqa: S608
        for statement in _without_reference_checks(connection, deletes):
            cursor.execute(statement)
        for table, rows in copies:
            if table not in unchanged:
                with cursor.copy(f"COPY {quote(table)} FROM STDIN") as copy:
                    copy.write(rows)
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()


def fixture_teardown(self):
    """TransactionTestCase._fixture_teardown: after a plain transactional test (no serialized rollback,
    every app), once post_migrate's rows are kept, the reset above instead of `flush`."""
    if self.available_apps is not None or self.serialized_rollback:
        return _original_fixture_teardown(self)
    for db_name in self._databases_names(include_mirrors=False):
        connection = connections[db_name]
        copies = _copies.get((db_name, "post_migrate"))
        if connection.vendor == "postgresql" and copies is not None:
            _reset_to_post_migrate(connection, copies)
        else:  # Django's own flush; the first one on PostgreSQL keeps post_migrate's rows (above)
            call_command("flush", verbosity=0, interactive=False, database=db_name, reset_sequences=False)
    return None


_original_sql_flush = DatabaseOperations.sql_flush
_original_deserialize = DatabaseCreation.deserialize_db_from_string
_original_emit_post_migrate = flush_command.emit_post_migrate_signal
_original_fixture_teardown = TransactionTestCase._fixture_teardown


def install(monkeypatch) -> None:
    monkeypatch.setattr(DatabaseOperations, "sql_flush", sql_flush)
    monkeypatch.setattr(DatabaseCreation, "deserialize_db_from_string", deserialize_db_from_string)
    monkeypatch.setattr(flush_command, "emit_post_migrate_signal", emit_post_migrate_signal)
    monkeypatch.setattr(TransactionTestCase, "_fixture_teardown", fixture_teardown)
