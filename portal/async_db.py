"""PostgreSQL from the event loop itself, for the one statement on a socket's hot path: a chat send.

The send's statement ran in a worker thread (database_sync_to_async). Under the chat benchmark
(#22) that thread used 1.3 ms of daphne's CPU a message for a statement whose own cost is about
0.3 ms: the hand-over to the thread and back, the thread's turns at the GIL against a busy event
loop, and Django's connection handling around each call. Here the statement runs on the loop
through psycopg's AsyncConnection, taken from psycopg_pool's AsyncConnectionPool: one pool per
event loop (daphne's one; a test's own, closed with it), in autocommit (the statement is its own
transaction), with server-side binding and psycopg's prepared statements, so PostgreSQL plans the
statement once per connection instead of once per send.

After PostgreSQL restarts, each connection the pool held fails once and is replaced, as in Django's
own pool: a send that meets one goes through the worker thread if it has a client_id (going again
cannot store it twice), else fails as a database error always did.

Only on PostgreSQL, and only when PORTAL_ASYNC_DB is on (the default). The connection settings are
Django's own for the "default" database. DATABASE_PREPARE_THRESHOLD (settings) is psycopg's
`prepare_threshold`: empty for a transaction-mode pooler that cannot keep prepared statements.
"""

import asyncio
import contextlib
import threading
import weakref

from django.conf import settings
from django.db import connections

from portal import loop_close

APPLICATION_NAME = "portal-async"
_pools: dict[asyncio.AbstractEventLoop, "_LoopPool"] = {}
_pools_lock = threading.Lock()


def enabled() -> bool:
    return bool(getattr(settings, "PORTAL_ASYNC_DB", True)) and connections["default"].vendor == "postgresql"


def _connection_kwargs() -> dict:
    """Django's connection parameters for the default database (host, credentials, options, its
    adapters), for an AsyncConnection in autocommit with server-side binding."""
    params = connections["default"].get_connection_params()
    params.pop("cursor_factory", None)  # Django's client-side binding cursor: the default one here
    params["autocommit"] = True
    params["prepare_threshold"] = getattr(settings, "DATABASE_PREPARE_THRESHOLD", 5)
    # Told apart in pg_stat_activity from the worker threads' connections, unless the site names its own.
    params["application_name"] = params.get("application_name") or APPLICATION_NAME
    return params


class _LoopPool:
    def __init__(self):
        from psycopg_pool import AsyncConnectionPool

        self.pool = AsyncConnectionPool(
            kwargs=_connection_kwargs(),
            min_size=1,
            max_size=int(getattr(settings, "DATABASE_ASYNC_POOL_MAX_SIZE", 4)),
            timeout=float(getattr(settings, "DATABASE_ASYNC_POOL_TIMEOUT", 5)),
            open=False,
            name="portal-async",
            configure=self._track,
        )
        self.opening: asyncio.Task | None = None
        self.connections: weakref.WeakSet = weakref.WeakSet()

    async def _track(self, connection) -> None:
        self.connections.add(connection)

    async def ready(self):
        if self.opening is None:
            self.opening = asyncio.ensure_future(self.pool.open())
        await asyncio.shield(self.opening)
        return self.pool

    async def close(self) -> None:
        if self.opening is None:
            return
        with contextlib.suppress(BaseException):
            await self.opening
        # When the loop's tasks were cancelled before it closed (asyncio.Runner does it, so do the
        # tests' loops), the pool's workers are gone and its close stops before the connections.
        with contextlib.suppress(asyncio.CancelledError):
            await self.pool.close()
        for connection in list(self.connections):
            if not connection.closed:
                await connection.close()


def _loop_pool() -> _LoopPool:
    loop = asyncio.get_running_loop()
    with _pools_lock:
        found = _pools.get(loop)
        if found is None:
            found = _pools[loop] = _LoopPool()
            loop_close.close_with(loop, lambda: _forget(loop), "The event loop's PostgreSQL pool")
    return found


def _forget(loop):
    with _pools_lock:
        found = _pools.pop(loop, None)
    return found.close() if found is not None else None


async def fetchone(statement: str, params: list) -> tuple | None:
    """Runs `statement` (its own transaction) and returns its first row, or None.

    Raises psycopg's errors (psycopg.IntegrityError for a unique key, psycopg.OperationalError when
    PostgreSQL cannot be reached) and psycopg_pool.PoolTimeout when no connection comes in time.
    """
    pool = await _loop_pool().ready()
    async with pool.connection() as connection, connection.cursor() as cursor:
        await cursor.execute(statement, params)
        return await cursor.fetchone()


def statements_run() -> int:
    """How many statements the running loop's pool has served (psycopg_pool's `requests_num`): how
    the tests and the benchmark tell that a send ran on the loop rather than in a thread."""
    with _pools_lock:
        found = _pools.get(asyncio.get_running_loop())
    if found is None or found.opening is None:
        return 0
    return found.pool.get_stats().get("requests_num", 0)
