"""Reads of the newsletters: the public archive."""

from django.db.models import QuerySet

from .models import Newsletter, NewsletterStatus


def archived() -> QuerySet[Newsletter]:
    return Newsletter.objects.filter(status=NewsletterStatus.SENT).select_related("axis", "club").order_by("-sent_at")


def archived_issue(slug: str) -> Newsletter | None:
    return archived().filter(slug=slug).first()
