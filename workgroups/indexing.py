"""What the workgroups put in the portal's search: messages, found only by their workgroup's members
(the grant "workgroup:<id>", which a person holds while an active member of that workgroup).

The services call search.indexing.schedule_index explicitly in the message's transaction; the
outbox row commits with the message, so a search server that is down delays the index, never the
message.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.members.indexing import ORGANISATION_KIND, ZONE
from portal.members.permissions import person_of
from search import registry
from search.documents import SearchDocument, subtitle

from .models import Axis, Message, WorkgroupMembership, WorkgroupMembershipStatus

# The facet of the thematic axis, carried by the documents of every app that belong to one.
AXIS = "axis"


def axis_facets(axis: Axis | None) -> dict[str, str]:
    return {AXIS: str(axis)} if axis is not None else {}


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
    title = f"{workgroup.name} · {author}" if author is not None else workgroup.name
    axis = workgroup.axis if workgroup.axis_id else None
    organisation_name = organisation.name if organisation is not None else ""
    return SearchDocument(
        type="message",
        id=message.pk,
        title=title,
        body=message.body,
        url=url,
        subtitle=subtitle(str(axis or ""), organisation_name, title=title),
        year=message.created_at.year,
        created=message.created_at,
        visibility=[workgroup_grant(workgroup.pk)],
        facets={
            **axis_facets(axis),
            ORGANISATION_KIND: organisation.sector if organisation is not None else "",
            # The room's business park: that of its club, if it is a club's commission.
            ZONE: workgroup.club.zone.name if workgroup.club_id and workgroup.club.zone_id else "",
        },
    )


def register() -> None:
    registry.register(
        "message",
        label=_("Workgroup messages"),
        model=Message,
        queryset=messages,
        to_document=message_document,
        # Conversation: found, but after the records and pages that say the same thing in full.
        boost=0.8,
    )
    registry.register_grants(workgroup_grants)
    registry.register_facet(AXIS, label=_("Thematic axis"), order=10)
