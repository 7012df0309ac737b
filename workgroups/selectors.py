"""Reads about axes, workgroups and their discussions, with membership rules built in."""

from django.db.models import Count, F, Q, QuerySet

from portal.members.models import Person

from .models import Axis, Message, Workgroup, WorkgroupMembership, WorkgroupMembershipStatus

RESUME_BATCH = 200
HISTORY_PAGE = 50


def axes() -> QuerySet[Axis]:
    return Axis.objects.order_by("number")


def axis_by_slug(slug: str) -> Axis | None:
    return Axis.objects.filter(slug=slug).first()


def filter_organisations_by_axis(organisations: QuerySet, axis: Axis) -> QuerySet:
    return organisations.filter(axes=axis)


def axes_of_organisation(organisation) -> QuerySet[Axis]:
    return Axis.objects.filter(organisations=organisation).order_by("number")


def workgroups_for(person: Person | None) -> QuerySet[Workgroup]:
    """Every workgroup, annotated with the person's membership status and unread count."""
    queryset = Workgroup.objects.select_related("axis", "club").order_by("is_archived", "axis__number", "name")
    if person is None:
        return queryset
    mine = WorkgroupMembership.objects.filter(person=person)
    return queryset.annotate(
        my_status=mine.filter(workgroup=F("pk")).values("status")[:1],
        my_last_read=mine.filter(workgroup=F("pk")).values("last_read_sequence")[:1],
        member_count=Count(
            "memberships", filter=Q(memberships__status=WorkgroupMembershipStatus.ACTIVE), distinct=True
        ),
    )


def my_workgroups(person: Person) -> list[dict]:
    """The person's active workgroups with their unread count, most recent activity first."""
    memberships = (
        WorkgroupMembership.objects.filter(person=person, status=WorkgroupMembershipStatus.ACTIVE)
        .select_related("workgroup", "workgroup__axis", "workgroup__club")
        .order_by("-workgroup__last_sequence")
    )
    return [
        {
            "workgroup": membership.workgroup,
            "membership": membership,
            "unread": max(membership.workgroup.last_sequence - membership.last_read_sequence, 0),
        }
        for membership in memberships
    ]


def _messages(workgroup: Workgroup) -> QuerySet[Message]:
    return Message.objects.filter(workgroup=workgroup).select_related(
        "author__user", "author__organisation", "reply_to"
    )


def messages_after(workgroup: Workgroup, after: int, limit: int = RESUME_BATCH) -> list[Message]:
    """What a reconnecting client missed, oldest first."""
    return list(_messages(workgroup).filter(sequence__gt=after).order_by("sequence")[:limit])


def messages_before(workgroup: Workgroup, before: int | None, limit: int = HISTORY_PAGE) -> list[Message]:
    """One page of history, newest first; `before` is the oldest sequence already shown."""
    queryset = _messages(workgroup)
    if before is not None:
        queryset = queryset.filter(sequence__lt=before)
    return list(queryset.order_by("-sequence")[:limit])


def members_of(workgroup: Workgroup) -> QuerySet[WorkgroupMembership]:
    return (
        WorkgroupMembership.objects.filter(workgroup=workgroup, status=WorkgroupMembershipStatus.ACTIVE)
        .select_related("person__user", "person__organisation")
        .order_by("person__user__last_name", "person__user__first_name")
    )


def pending_requests(workgroup: Workgroup) -> QuerySet[WorkgroupMembership]:
    return (
        WorkgroupMembership.objects.filter(workgroup=workgroup, status=WorkgroupMembershipStatus.PENDING)
        .select_related("person__user", "person__organisation")
        .order_by("joined_at")
    )
