"""What the workgroups put in the portal's search: messages, found only by their workgroup's members
(the grant "workgroup:<id>", which a person holds while an active member of that workgroup).

The services call search.indexing.schedule_index explicitly in the message's transaction; the
outbox row commits with the message, so a search server that is down delays the index, never the
message.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.members.permissions import person_of
from search import registry
from search.documents import SearchDocument

from .models import Message, WorkgroupMembership, WorkgroupMembershipStatus


def workgroup_grant(workgroup_id: int) -> str:
    return f"workgroup:{workgroup_id}"


def workgroup_grants(user) -> list[str]:
    """The grants of the workgroups the user's person is an active member of, by workgroup id."""
    person = person_of(user)
    if person is None or not user.is_active:
        return []
    workgroups = WorkgroupMembership.objects.filter(person=person, status=WorkgroupMembershipStatus.ACTIVE)
    return [workgroup_grant(pk) for pk in workgroups.order_by("workgroup_id").values_list("workgroup_id", flat=True)]


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
    registry.register_grants(workgroup_grants)
