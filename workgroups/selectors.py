"""Reads about axes, workgroups and their discussions, with membership rules built in."""

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery

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


def last_sequence(workgroup: Workgroup) -> int:
    """The room's last handed-out message sequence, read from the database (not the socket's copy)."""
    return Workgroup.objects.values_list("last_sequence", flat=True).get(pk=workgroup.pk)


def last_change(workgroup: Workgroup) -> int:
    """The workgroup's committed change counter: every change numbered up to it is visible once read."""
    return Workgroup.objects.values_list("last_change", flat=True).get(pk=workgroup.pk)


def changes_after(workgroup: Workgroup, changes_after: int, up_to: int, limit: int = RESUME_BATCH) -> list[Message]:
    """Messages up to sequence `up_to` edited or removed after change number `changes_after`, in change
    order: what a reconnecting client shows in an older state (later messages reach it whole)."""
    return list(_messages(workgroup).filter(change__gt=changes_after, sequence__lte=up_to).order_by("change")[:limit])


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


def membership_of(workgroup: Workgroup, person: Person | None) -> WorkgroupMembership | None:
    """The person's membership of any status (pending included), for the join buttons and the 403 page."""
    if person is None:
        return None
    return WorkgroupMembership.objects.filter(workgroup=workgroup, person=person).first()


def joinable_workgroups(person: Person | None) -> QuerySet[Workgroup]:
    """The workgroups the person is not an active member of, axis by axis then club by club.

    Pending requests and archived workgroups stay in the list, annotated with `my_status` and
    `member_count`, so the index can say "waiting for approval" or "archived" next to them.
    """
    queryset = Workgroup.objects.select_related("axis", "club").with_member_count()
    if person is not None:
        mine = WorkgroupMembership.objects.filter(person=person)
        queryset = queryset.exclude(
            pk__in=mine.filter(status=WorkgroupMembershipStatus.ACTIVE).values("workgroup")
        ).annotate(my_status=Subquery(mine.filter(workgroup=OuterRef("pk")).values("status")[:1]))
    return queryset.order_by(F("axis__number").asc(nulls_last=True), "club__name", "is_archived", "name")


def history_page(workgroup: Workgroup, before: int | None, size: int = HISTORY_PAGE) -> tuple[list[Message], bool]:
    """One page of history in reading order (oldest first), and whether older messages remain."""
    newest_first = messages_before(workgroup, before, limit=size + 1)
    return list(reversed(newest_first[:size])), len(newest_first) > size


# --- The coordination screens ----------------------------------------------------------------------


def workgroups_led_by(user) -> list[Workgroup]:
    """The workgroups the user leads (of her axes, of her clubs), axis by axis then club by club."""
    from . import permissions

    queryset = permissions.workgroups_led(Workgroup.objects.select_related("axis", "club").with_member_count(), user)
    pending = Q(memberships__status=WorkgroupMembershipStatus.PENDING)
    return list(
        queryset.annotate(pending_count=Count("memberships", filter=pending, distinct=True)).order_by(
            F("axis__number").asc(nulls_last=True), "club__name", "is_archived", "name"
        )
    )


def memberships_of(workgroup: Workgroup) -> QuerySet[WorkgroupMembership]:
    """Every membership of the workgroup, active ones first, then the requests."""
    return (
        WorkgroupMembership.objects.filter(workgroup=workgroup)
        .select_related("person__user", "person__organisation")
        .order_by("status", "person__user__last_name", "person__user__first_name")
    )


def person_by_email_or_handle(text: str) -> Person | None:
    text = (text or "").strip()
    if text.startswith("@"):
        return Person.objects.filter(handle__iexact=text[1:]).select_related("user").first()
    if "@" in text:
        return Person.objects.filter(user__email__iexact=text, user__is_active=True).select_related("user").first()
    return Person.objects.filter(handle__iexact=text).select_related("user").first()


def notification_memberships(person: Person) -> QuerySet[WorkgroupMembership]:
    """The person's active workgroups, for the notification settings (each may have its own choice)."""
    return (
        WorkgroupMembership.objects.filter(person=person, status=WorkgroupMembershipStatus.ACTIVE)
        .select_related("workgroup", "person")
        .order_by("workgroup__name")
    )
