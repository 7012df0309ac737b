"""What the workgroups put in the portal's search: messages, found only by their workgroup's members.

The services call search.indexing.schedule_index explicitly in the message's transaction; the
outbox row commits with the message, so a search server that is down delays the index, never the
message.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from search import registry
from search.documents import SearchDocument, workgroup_grant

from .models import Message


def messages():
    return Message.objects.filter(removed_at__isnull=True).select_related(
        "workgroup__axis", "workgroup__club__zone", "author__user", "author__organisation"
    )


def message_document(message: Message) -> SearchDocument | None:
    if message.removed_at is not None:
        return None
    workgroup = message.workgroup
    author = message.author
    organisation = author.organisation if author is not None else None
    url = reverse("workgroups:room", args=[workgroup.slug]) + f"?before={message.sequence + 1}#m{message.sequence}"
    return SearchDocument(
        type="message",
        id=message.pk,
        title=f"{workgroup.name} · {author}" if author is not None else workgroup.name,
        body=message.body,
        url=url,
        axis=str(workgroup.axis) if workgroup.axis_id else "",
        organisation=organisation.name if organisation is not None else "",
        organisation_kind=organisation.sector if organisation is not None else "",
        zone=workgroup.club.zone.name if workgroup.club_id else "",
        year=message.created_at.year,
        created=message.created_at,
        visibility=[workgroup_grant(workgroup.pk)],
    )


def register() -> None:
    registry.register(
        "message", label=_("Workgroup messages"), model=Message, queryset=messages, to_document=message_document
    )
