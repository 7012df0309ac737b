"""Background work of the search (django-tasks): draining the indexing outbox.

A drain is enqueued when a write commits. When rows are left waiting (the search server failed),
the task queues its own next run for when the first of them is due, on backends that can defer a
task (the database backend the worker runs in production): so a retry does not wait for the next
write. `manage.py drain_search_outbox --loop` remains for a deployment without a task worker.
"""

import datetime
import logging

from django.db.models import Min
from django.utils import timezone
from django_tasks import task

from . import indexing
from .models import IndexOutbox

logger = logging.getLogger(__name__)
MIN_DELAY = datetime.timedelta(seconds=1)


@task()
def drain_outbox() -> dict:
    """Sends the due outbox rows to the search backend; failures stay queued for a later attempt."""
    report = indexing.drain()
    if report["remaining"]:
        schedule_retry()
    return report


def schedule_retry():
    """Queues the next drain for when the earliest waiting row is due; None when the task backend
    cannot defer (the immediate backend of the tests and the demo)."""
    if not drain_outbox.get_backend().supports_defer:
        return None
    due = IndexOutbox.objects.aggregate(first=Min("next_attempt_at"))["first"]
    if due is None:
        return None
    run_after = max(due, timezone.now() + MIN_DELAY)
    try:
        return drain_outbox.using(run_after=run_after).enqueue()
    except Exception:  # a broken task queue must not turn a drain into a failure
        logger.exception("Could not queue the next search outbox drain.")
        return None
