"""Background work of the search (django-tasks): draining the indexing outbox."""

from django_tasks import task

from . import indexing


@task()
def drain_outbox() -> dict:
    """Sends the due outbox rows to the search backend; failures stay queued for a later attempt."""
    return indexing.drain()
