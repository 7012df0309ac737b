"""Background work of the newsletters (django-tasks)."""

from django_tasks import task

from . import services


@task()
def send_newsletter(newsletter_id: int) -> dict:
    """One batch of a sending; it queues the next batch itself while recipients remain."""
    return services.newsletter_deliver(newsletter_id=newsletter_id, limit=services.batch_size())
