"""Reads of the newsletters: the public archive."""

from django.db.models import QuerySet

from . import permissions
from .models import Newsletter, NewsletterStatus


def archived(user) -> QuerySet[Newsletter]:
    """The sent letters the user may read (permissions.archive_filter), newest first."""
    readable = Newsletter.objects.filter(permissions.archive_filter(user)).values("pk")
    return (
        Newsletter.objects.filter(status=NewsletterStatus.SENT, pk__in=readable)
        .select_related("axis", "club")
        .order_by("-sent_at")
    )


def archived_issue(slug: str, user) -> Newsletter | None:
    return archived(user).filter(slug=slug).first()
