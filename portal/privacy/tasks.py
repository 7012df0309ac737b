"""Background work of the privacy app (django-tasks)."""

from django_tasks import task

from . import services


@task()
def purge_expired_personal_data() -> dict:
    """Applies every retention rule; enqueue it daily (cron: `manage.py purge_personal_data --enqueue`)."""
    return services.purge_expired()
