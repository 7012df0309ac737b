"""Reads about axes, workgroups and their discussions, with membership rules built in."""

import datetime

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from portal.members.models import Person

from . import permissions
from .models import (
    Axis,
    Decision,
    Meeting,
    Message,
    SharedFile,
    Task,
    Workgroup,
    WorkgroupMembership,
    WorkgroupMembershipStatus,
)

RESUME_BATCH = 200
# Axis by axis, then club by club, then process by process.
WORKGROUP_ORDER = (
    F("axis__number").asc(nulls_last=True),
    F("club__name").asc(nulls_last=True),
    F("process__title").asc(nulls_last=True),
    "is_archived",
    "name",
)
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
        .select_related("workgroup", "workgroup__axis", "workgroup__club", "workgroup__process")
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
    queryset = Workgroup.objects.select_related("axis", "club", "process").with_member_count()
    if person is not None:
        mine = WorkgroupMembership.objects.filter(person=person)
        queryset = queryset.exclude(
            pk__in=mine.filter(status=WorkgroupMembershipStatus.ACTIVE).values("workgroup")
        ).annotate(my_status=Subquery(mine.filter(workgroup=OuterRef("pk")).values("status")[:1]))
    return queryset.order_by(*WORKGROUP_ORDER)


def history_page(workgroup: Workgroup, before: int | None, size: int = HISTORY_PAGE) -> tuple[list[Message], bool]:
    """One page of history in reading order (oldest first), and whether older messages remain."""
    newest_first = messages_before(workgroup, before, limit=size + 1)
    return list(reversed(newest_first[:size])), len(newest_first) > size


# --- The coordination screens ----------------------------------------------------------------------


def workgroups_led_by(user) -> list[Workgroup]:
    """The workgroups the user leads (of her axes, of her clubs), axis by axis then club by club."""
    from . import permissions

    queryset = Workgroup.objects.select_related("axis", "club", "process").with_member_count()
    queryset = permissions.workgroups_led(queryset, user)
    pending = Q(memberships__status=WorkgroupMembershipStatus.PENDING)
    return list(
        queryset.annotate(pending_count=Count("memberships", filter=pending, distinct=True)).order_by(*WORKGROUP_ORDER)
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


# --- Meetings, files, decisions, tasks ---------------------------------------------------------------


def decisions_of(workgroup: Workgroup) -> list[Decision]:
    """The workgroup's decisions in the order they were taken, each with its meeting (or None):
    what a workshop's room decided, for a draft action plan (workgroups/plans) to start from.
    Whoever calls it checks first that the user may read the workgroup (permissions.can_read)."""
    return list(Decision.objects.filter(workgroup=workgroup).select_related("meeting").order_by("decided_on", "pk"))


def meetings_of(workgroup: Workgroup) -> dict:
    """The next meetings (soonest first) and the past ones (latest first)."""
    now = timezone.now()
    queryset = Meeting.objects.filter(workgroup=workgroup)
    return {
        "upcoming": list(queryset.filter(starts_at__gte=now).order_by("starts_at")),
        "past": list(queryset.filter(starts_at__lt=now).order_by("-starts_at")),
    }


CALENDAR_PAST_DAYS = 365


def calendar_meetings(person: Person) -> QuerySet[Meeting]:
    """The meetings of the person's own calendar (permissions.in_calendar_of), soonest first, from a
    year back: the person was resolved from the calendar's secret address, which is its only key."""
    since = timezone.now() - datetime.timedelta(days=CALENDAR_PAST_DAYS)
    return (
        Meeting.objects.filter(permissions.in_calendar_of(person), starts_at__gte=since)
        .select_related("workgroup")
        .order_by("starts_at", "pk")
    )


def upcoming_calendar_meetings(person: Person) -> QuerySet[Meeting]:
    """The coming meetings of the person's workgroups (the same rule as her calendar's)."""
    return Meeting.objects.filter(permissions.in_calendar_of(person), starts_at__gte=timezone.now()).select_related(
        "workgroup"
    )


def meeting_of(workgroup: Workgroup, meeting_id: int) -> Meeting | None:
    return Meeting.objects.filter(workgroup=workgroup, pk=meeting_id).select_related("minutes_by__user").first()


def files_of(workgroup: Workgroup, meeting: Meeting | None = None) -> QuerySet[SharedFile]:
    queryset = SharedFile.objects.filter(workgroup=workgroup).select_related("document", "shared_by__user", "meeting")
    if meeting is not None:
        queryset = queryset.filter(meeting=meeting)
    return queryset.order_by("-shared_at")


def tasks_of(workgroup: Workgroup, meeting: Meeting | None = None) -> QuerySet[Task]:
    """Open tasks first (soonest due first), then the done ones."""
    queryset = Task.objects.filter(workgroup=workgroup).select_related("owner__user", "meeting")
    if meeting is not None:
        queryset = queryset.filter(meeting=meeting)
    return queryset.order_by(F("done_at").asc(nulls_first=True), "due_on", "pk")


def decisions_of_meeting(meeting: Meeting) -> QuerySet[Decision]:
    return Decision.objects.filter(meeting=meeting).order_by("decided_on", "pk")


def tasks_due(today) -> QuerySet[Task]:
    """Open tasks due today or late, whose owner was not reminded today and is still in the
    workgroup, with an active account and an e-mail address."""
    return (
        Task.objects.filter(done_at__isnull=True, due_on__lte=today, owner__isnull=False)
        .filter(Q(reminded_on__isnull=True) | Q(reminded_on__lt=today))
        .filter(
            owner__user__is_active=True,
            owner__workgroup_memberships__workgroup=F("workgroup"),
            owner__workgroup_memberships__status=WorkgroupMembershipStatus.ACTIVE,
        )
        .exclude(owner__user__email="")
        .select_related("owner__user", "workgroup", "meeting")
        .order_by("owner", "due_on", "pk")
    )


# --- Participatory processes ---------------------------------------------------------------------------


def processes() -> QuerySet:
    from .models import ParticipatoryProcess

    return ParticipatoryProcess.objects.order_by(F("started_on").desc(nulls_last=True), "title")


def process_rooms(process) -> list[Workgroup]:
    """The workgroups of the process (its workshops' rooms), with their member counts."""
    return list(
        Workgroup.objects.filter(process=process)
        .select_related("axis", "club")
        .with_member_count()
        .order_by("is_archived", "theme", "name")
    )


def process_figures(process) -> dict:
    """The diagnosis's figures drawn from the portal's own data: who takes part in the process's rooms
    (people, organisations, of which social and solidarity economy), and what the rooms produced."""
    from portal.members.models import SSE_KINDS, Organisation

    memberships = WorkgroupMembership.objects.filter(
        workgroup__process=process, status=WorkgroupMembershipStatus.ACTIVE
    )
    organisations = Organisation.objects.filter(
        pk__in=memberships.filter(person__organisation__isnull=False).values("person__organisation")
    )
    organisation_count = organisations.count()
    sse = organisations.filter(kind__in=SSE_KINDS).count()
    return {
        "rooms": Workgroup.objects.filter(process=process).count(),
        "people": memberships.values("person").distinct().count(),
        "organisations": organisation_count,
        "sse": sse,
        "classic": organisation_count - sse,
        "meetings": Meeting.objects.filter(workgroup__process=process).count(),
        "decisions": Decision.objects.filter(workgroup__process=process).count(),
        "open_tasks": Task.objects.filter(workgroup__process=process, done_at__isnull=True).count(),
    }


def process_tables(process) -> QuerySet:
    from .models import ProcessTable

    return ProcessTable.objects.filter(process=process).select_related("imported_by__user").order_by("imported_at")


def process_decisions(process) -> list[dict]:
    """Each room of the process with its decisions (decisions_of), rooms with none left out."""
    return [
        {"workgroup": room, "decisions": decisions}
        for room in Workgroup.objects.filter(process=process).order_by("theme", "name")
        if (decisions := decisions_of(room))
    ]
