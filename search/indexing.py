"""Index updates through a durable outbox.

A service calls `schedule_index(obj)` or `schedule_delete(type, id)` inside its transaction: that
writes an IndexOutbox row in the same transaction (so the update is as durable as the change) and,
on commit, enqueues a drain task (run at once by the immediate task backend of the demo and the
tests, by the worker in production: there one drain per process covers the commits of a short
window, SEARCH_DRAIN_WINDOW seconds, see _DrainWindow). `drain()` sends due rows to the backend and deletes them; a
failure leaves them with their error and a later attempt time, with exponential backoff. Nothing
here raises because the search server is down, and `rebuild_index` repairs any drift.

An index made by an older version of the portal (another Elasticsearch mapping, e.g. before the
apps' facets moved under `facets`) cannot take the new documents: the first drain after an upgrade
finds it out and rebuilds the index before sending anything (upgrade_outdated_index), so a deploy
needs no manual step; running `rebuild_index` right after the upgrade does the same sooner.
"""

import datetime
import functools
import logging
import threading
import time

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from . import registry
from .backend import get_backend
from .backends.base import SearchBackend
from .models import IndexOutbox, OutboxAction

logger = logging.getLogger(__name__)

# The outbox's row for the synonyms (not a document type: no app registers it).
SYNONYMS = "search:synonyms"
BACKOFF_BASE = datetime.timedelta(seconds=10)
BACKOFF_MAX = datetime.timedelta(hours=1)


def backoff(attempts: int) -> datetime.timedelta:
    """10 s, 20 s, 40 s… up to an hour between attempts."""
    return min(BACKOFF_BASE * (2 ** max(attempts - 1, 0)), BACKOFF_MAX)


def schedule_index(obj: models.Model) -> IndexOutbox | None:
    """Queues (re)indexing of `obj`; whether it is then indexed or removed is its indexable's call."""
    indexable = registry.for_model(type(obj))
    if indexable is None:
        return None
    return _schedule(OutboxAction.INDEX, indexable.name, obj.pk)


def schedule_reindex(doc_type: str, object_id) -> IndexOutbox:
    """Queues (re)indexing of the object of type `doc_type` with this primary key, when the caller
    holds only its key (e.g. the descendants of a moved page)."""
    return _schedule(OutboxAction.INDEX, doc_type, object_id)


def schedule_index_many(model: type[models.Model], object_ids) -> int:
    """Queues (re)indexing of many objects of `model` by primary key, in one insert (bulk imports,
    mergers, loaders): each is then indexed or removed as it stands when the outbox drains.

    Returns how many rows were queued (none when no app indexes `model`).
    """
    indexable = registry.for_model(model)
    object_ids = list(dict.fromkeys(str(pk) for pk in object_ids))
    if indexable is None or not object_ids:
        return 0
    IndexOutbox.objects.bulk_create(
        IndexOutbox(action=OutboxAction.INDEX, doc_type=indexable.name, object_id=pk) for pk in object_ids
    )
    _drain_on_commit()
    return len(object_ids)


def schedule_synonyms() -> IndexOutbox:
    """Queues sending the whole list of synonym rules (search.models.SynonymRule) to the backend."""
    return _schedule(OutboxAction.INDEX, SYNONYMS, "all")


def push_synonyms(backend: SearchBackend) -> None:
    """Sends the synonym rules kept in the database to the backend (before a rebuild: a new search
    server starts with the portal's defaults)."""
    from .selectors import synonym_rules

    backend.put_synonyms(synonym_rules())


def schedule_delete(doc_type: str, object_id) -> IndexOutbox:
    return _schedule(OutboxAction.DELETE, doc_type, object_id)


def index_rows_sql(model: type[models.Model], *, keys_from: str, now) -> tuple[str, list] | None:
    """For a service that writes its change in one SQL statement (a data-modifying CTE): the INSERT
    that queues (re)indexing of the `model` objects whose primary keys the statement's CTE
    `keys_from` returns (as its column `id`), and its parameters; None when no app indexes `model`.

    The caller puts it in the same statement, so the outbox row commits with the change as with
    `schedule_index`, then calls `index_rows_written()` once the statement ran.
    """
    indexable = registry.for_model(model)
    if indexable is None:
        return None
    return _index_rows_sql(keys_from), [OutboxAction.INDEX.value, indexable.name, now, now]


@functools.cache
def _index_rows_sql(keys_from: str) -> str:
    """index_rows_sql's text: names only, built once per process (it rides on every chat send)."""
    quote = transaction.get_connection().ops.quote_name
    columns = ", ".join(
        quote(IndexOutbox._meta.get_field(name).column)
        for name in ("action", "doc_type", "object_id", "attempts", "last_error", "created_at", "next_attempt_at")
    )
    return (
        f"INSERT INTO {quote(IndexOutbox._meta.db_table)} ({columns})"  # noqa: S608 - names, values bound
        f" SELECT %s, %s, CAST(id AS varchar(64)), 0, '', %s, %s FROM {keys_from}"
    )


def index_rows_written() -> None:
    """The outbox rows of `index_rows_sql` are written: drains them after the commit, as `schedule_index` does."""
    _drain_on_commit()


async def index_rows_written_async() -> None:
    """index_rows_written for a statement that committed on an event loop (portal/async_db.py):
    queuing the drain writes to the database, so it goes to a worker thread, and only when no drain
    is queued for this window yet (once a second at most under a steady chat)."""
    if drain_window.covers_now():
        return
    from channels.db import database_sync_to_async  # gives the thread's connection back when done

    await database_sync_to_async(_enqueue_drain, thread_sensitive=False)()


def _schedule(action: str, doc_type: str, object_id) -> IndexOutbox:
    row = IndexOutbox.objects.create(action=action, doc_type=doc_type, object_id=str(object_id))
    _drain_on_commit()
    return row


def _drain_on_commit() -> None:
    """One drain per transaction (per savepoint level), however many rows it queued.

    Only a drain still pending at this very savepoint level counts: one registered by an outer level
    would run too when this row commits, but a test's outer transaction never commits, and an extra
    drain with nothing due costs one query. (A test's captureOnCommitCallbacks runs callbacks but
    leaves them in the connection's list: hence the `done` mark.)
    """
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        current = set(connection.savepoint_ids)
        if any(
            getattr(func, "search_drain_pending", False) and sids == current
            for sids, func, _robust in connection.run_on_commit
        ):
            return

    def search_drain_after_commit():
        search_drain_after_commit.search_drain_pending = False
        _enqueue_drain()

    search_drain_after_commit.search_drain_pending = True
    transaction.on_commit(search_drain_after_commit, robust=True)


class _DrainWindow:
    """One queued drain per short window and per process, for the task backends that can defer.

    A chat message commits an outbox row; queuing a drain task for each (one more INSERT and commit
    in the database thread daphne's consumers share) was a cost per message. Here the first commit
    of a window queues a drain to run `window` seconds later; the commits that follow before that
    time, less a margin, queue nothing: their rows committed before the drain can start (the worker
    starts no task before its `run_after`), so it finds them. Nothing is lost if the queue fails:
    the window is then left open, and the rows stay in the outbox for the next drain.
    """

    def __init__(self):
        self.lock = threading.Lock()
        self.covered_until = 0.0  # wall-clock time (the worker compares run_after with its clock)

    def reset(self) -> None:
        with self.lock:
            self.covered_until = 0.0

    def covers_now(self) -> bool:
        """Whether a drain queued in this window will find a row committed now (enqueue then queues nothing)."""
        with self.lock:
            return time.time() < self.covered_until

    def enqueue(self, drain_outbox) -> None:
        window = float(getattr(settings, "SEARCH_DRAIN_WINDOW", 1.0))
        if window <= 0 or not drain_outbox.get_backend().supports_defer:
            drain_outbox.enqueue()
            return
        with self.lock:
            now = time.time()
            if now < self.covered_until:
                return
            run_after = now + window
            drain_outbox.using(run_after=datetime.datetime.fromtimestamp(run_after, tz=datetime.UTC)).enqueue()
            self.covered_until = run_after - min(DRAIN_WINDOW_MARGIN, window / 2)


DRAIN_WINDOW_MARGIN = 0.25  # seconds: clock steps, and a worker polling a little early
drain_window = _DrainWindow()


def _enqueue_drain() -> None:
    from .tasks import drain_outbox

    try:
        drain_window.enqueue(drain_outbox)
    except Exception:  # a broken task queue must not break the write that already committed
        logger.exception("Could not enqueue the search outbox drain; the rows wait for the next one.")


def drain(limit: int = 500, *, retry_now: bool = False, backend: SearchBackend | None = None) -> dict:
    """Sends up to `limit` due outbox rows to the backend (all waiting rows with retry_now, as after
    a repair). Never raises for a search-server failure.

    Returns {"done": n, "failed": n, "remaining": n}.
    """
    backend = backend or get_backend()
    upgrade_outdated_index(backend)
    done = failed = 0
    with transaction.atomic():
        rows = IndexOutbox.objects.select_for_update(skip_locked=True).order_by("pk")
        if not retry_now:
            rows = rows.filter(next_attempt_at__lte=timezone.now())
        rows = list(rows[:limit])
        # Several rows for one object make one update: the object is read as it is now.
        latest: dict[tuple[str, str], list[IndexOutbox]] = {}
        for row in rows:
            latest.setdefault((row.doc_type, row.object_id), []).append(row)
        by_type: dict[str, list[str]] = {}
        for doc_type, object_id in latest:
            by_type.setdefault(doc_type, []).append(object_id)
        for doc_type, object_ids in by_type.items():
            group = [row for object_id in object_ids for row in latest[(doc_type, object_id)]]
            try:
                _apply(backend, doc_type, object_ids, latest)
            except Exception as error:  # noqa: BLE001 - whatever failed, the rows wait and retry
                logger.warning("Search index update failed for %s %s: %s", doc_type, object_ids[:5], error)
                failed += _postpone(group, error)
            else:
                IndexOutbox.objects.filter(pk__in=[row.pk for row in group]).delete()
                done += len(group)
    remaining = IndexOutbox.objects.count()
    return {"done": done, "failed": failed, "remaining": remaining}


def upgrade_outdated_index(backend: SearchBackend) -> dict | None:
    """Rebuilds the index when the backend says it was made for older documents; never raises.

    Returns the rebuild's report, or None when there was nothing to do (or it failed: the next
    drain tries again, and the outbox rows wait meanwhile).
    """
    try:
        if not backend.index_outdated():
            return None
        logger.warning("The %s search index was made by an older version of the portal: rebuilding it.", backend.name)
        push_synonyms(backend)
        report = backend.rebuild(documents_in_batches())
    except Exception:  # noqa: BLE001 - a search server down must not fail the drain's caller
        logger.exception("Could not rebuild the outdated search index; run `manage.py rebuild_index`.")
        return None
    logger.warning("The search index was rebuilt: %s document(s) in %s.", report["count"], report["index"])
    return report


def _apply(backend: SearchBackend, doc_type: str, object_ids: list[str], latest: dict) -> None:
    if doc_type == SYNONYMS:
        push_synonyms(backend)
        return
    indexable = registry.get(doc_type)
    wanted = [object_id for object_id in object_ids if latest[(doc_type, object_id)][-1].action == OutboxAction.INDEX]
    documents, present = [], set()
    if indexable is not None and wanted:
        objects = indexable.queryset().filter(pk__in=wanted)
        for obj in objects:
            document = indexable.to_document(obj)
            if document is not None:
                documents.append(document)
                present.add(str(obj.pk))
    if documents:
        backend.add_bulk(documents)
    for object_id in object_ids:
        if object_id not in present:
            backend.delete(doc_type, object_id)


def _postpone(rows: list[IndexOutbox], error: Exception) -> int:
    now = timezone.now()
    message = f"{type(error).__name__}: {error}"[:2000]
    for row in rows:
        row.attempts += 1
        row.last_error = message
        row.next_attempt_at = now + backoff(row.attempts)
    IndexOutbox.objects.bulk_update(rows, ["attempts", "last_error", "next_attempt_at"])
    return len(rows)


def documents_in_batches(size: int = 500, *, seen: dict | None = None):
    """Every document of every registered type, in lists of `size` (for rebuilds).

    `seen["objects"]` counts the objects read so far, indexable or not (for a progress bar).
    """
    seen = seen if seen is not None else {}
    seen.setdefault("objects", 0)
    batch = []
    for indexable in registry.all_indexables():
        for obj in indexable.queryset().iterator(chunk_size=size):
            seen["objects"] += 1
            document = indexable.to_document(obj)
            if document is not None:
                batch.append(document)
            if len(batch) >= size:
                yield batch
                batch = []
    if batch:
        yield batch


def total_candidates() -> int:
    """How many objects a rebuild will look at (some may turn out not to be indexable)."""
    return sum(indexable.queryset().count() for indexable in registry.all_indexables())
