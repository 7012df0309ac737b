"""Who may read, write, moderate and lead a workgroup.

A workgroup of an axis is led by the coordinators of that axis, a club's commission by the animators of
that club (role assignments held in those scopes), and every workgroup by the cluster's administrators:
they create and archive them, set who coordinates them and who is in them, and handle their requests.
The discussion itself is its active members' only (leading a workgroup is not reading it: its
coordination joins it to read it). Nobody reaches another axis's or another club's workgroups.
"""

from django.db.models import Q, QuerySet

from portal.members.models import Role
from portal.members.permissions import ALL, holds, is_administrator, person_of, scope_ids
from portal.members.scopes import ScopeKind

from .models import Axis, Workgroup, WorkgroupMembership, WorkgroupMembershipStatus, WorkgroupRole


def active_membership(user, workgroup: Workgroup) -> WorkgroupMembership | None:
    person = person_of(user)
    if person is None or not user.is_active:
        return None
    return WorkgroupMembership.objects.filter(
        workgroup=workgroup, person=person, status=WorkgroupMembershipStatus.ACTIVE
    ).first()


def is_member(user, workgroup: Workgroup) -> bool:
    """An active member: who writes in the discussion."""
    return active_membership(user, workgroup) is not None


# --- The coordination of an axis or a club ---------------------------------------------------------


def leads_axis(user, axis_id: int | None) -> bool:
    return axis_id is not None and holds(user, Role.COORDINATOR, (ScopeKind.AXIS, axis_id))


def leads_club(user, club_id: int | None) -> bool:
    return club_id is not None and holds(user, Role.ANIMATOR, (ScopeKind.CLUB, club_id))


def leads_process(user, process_id: int | None) -> bool:
    """The cluster's administrators and the people named to run the participatory process."""
    if process_id is None or not user or not user.is_authenticated:
        return False
    if is_administrator(user):
        return True
    person = person_of(user)
    return person is not None and process_id in led_process_ids(user)


def led_process_ids(user):
    """The ids of the participatory processes the user runs (a set), or ALL (administrators)."""
    if is_administrator(user):
        return ALL
    person = person_of(user)
    if person is None:
        return set()
    cached = getattr(user, "_led_process_ids", None)
    if cached is None:
        cached = set(person.led_processes.values_list("pk", flat=True))
        user._led_process_ids = cached
    return cached


def can_manage(user, workgroup: Workgroup) -> bool:
    """The coordination of the workgroup's axis or club (and administrators), and for a workgroup of a
    participatory process the people running it: creates, edits and archives it, sets its members and
    their roles, handles its requests."""
    if workgroup.process_id and leads_process(user, workgroup.process_id):
        return True
    if workgroup.axis_id:
        return leads_axis(user, workgroup.axis_id)
    if workgroup.club_id:
        return leads_club(user, workgroup.club_id)
    return is_administrator(user)


def led_axis_ids(user):
    """The ids of the axes the user coordinates (a set), or ALL."""
    return scope_ids(user, Role.COORDINATOR, ScopeKind.AXIS)


def led_club_ids(user):
    """The ids of the clubs the user animates (a set), or ALL."""
    return scope_ids(user, Role.ANIMATOR, ScopeKind.CLUB)


def _owned_by(user, *, axis_field: str, club_field: str) -> Q:
    """Rows whose axis the user coordinates or whose club the user animates (a Q; every row: Q())."""
    axes, clubs = led_axis_ids(user), led_club_ids(user)
    if axes is ALL and clubs is ALL:
        return Q()
    axis_part = Q(**{f"{axis_field}__isnull": False}) if axes is ALL else Q(**{f"{axis_field}__in": axes})
    club_part = Q(**{f"{club_field}__isnull": False}) if clubs is ALL else Q(**{f"{club_field}__in": clubs})
    return axis_part | club_part


def _processes_run(user, *, field: str) -> Q:
    processes = led_process_ids(user)
    if processes is ALL:
        return Q(**{f"{field}__isnull": False})
    return Q(**{f"{field}__in": processes}) if processes else Q(pk__in=[])


def workgroups_led(queryset: QuerySet, user) -> QuerySet:
    """The workgroups of `queryset` the user leads (admin lists and exports, the coordination screens)."""
    if not user or not user.is_authenticated:
        return queryset.none()
    owned = _owned_by(user, axis_field="axis", club_field="club")
    if not owned:  # Q(): every row (an empty Q or-ed with another would narrow to that other)
        return queryset
    return queryset.filter(owned | _processes_run(user, field="process"))


def memberships_led(queryset: QuerySet, user) -> QuerySet:
    """The memberships of the workgroups the user leads."""
    if not user or not user.is_authenticated:
        return queryset.none()
    owned = _owned_by(user, axis_field="workgroup__axis", club_field="workgroup__club")
    if not owned:
        return queryset
    return queryset.filter(owned | _processes_run(user, field="workgroup__process"))


def processes_led(user) -> QuerySet:
    from .models import ParticipatoryProcess

    processes = led_process_ids(user)
    queryset = ParticipatoryProcess.objects.order_by("-started_on", "title")
    return queryset if processes is ALL else queryset.filter(pk__in=processes)


def axes_led(user) -> QuerySet[Axis]:
    axes = led_axis_ids(user)
    queryset = Axis.objects.order_by("number")
    return queryset if axes is ALL else queryset.filter(pk__in=axes)


def clubs_led(user) -> QuerySet:
    from portal.clubs.models import Club

    clubs = led_club_ids(user)
    queryset = Club.objects.order_by("name")
    return queryset if clubs is ALL else queryset.filter(pk__in=clubs)


def leads_any(user) -> bool:
    """Leads at least one axis or club: the coordination screens are theirs."""
    if is_administrator(user):
        return True
    return bool(led_axis_ids(user)) or bool(led_club_ids(user)) or bool(led_process_ids(user))


def can_create(user, *, axis: Axis | None = None, club=None, process=None) -> bool:
    """A workgroup of an axis its coordinators create, a commission of a club its animators, a
    workshop's room of a participatory process (with no axis nor club) the people running it."""
    if axis is not None and club is None:
        return leads_axis(user, axis.pk)
    if club is not None and axis is None:
        return leads_club(user, club.pk)
    if process is not None and axis is None and club is None:
        return leads_process(user, process.pk)
    return False


# --- Reading, writing, moderating ------------------------------------------------------------------


def can_read(user, workgroup: Workgroup) -> bool:
    """The discussion (page, websocket, search): its active members only."""
    return is_member(user, workgroup)


def can_moderate(user, workgroup: Workgroup) -> bool:
    """Handles join requests and hides messages: the workgroup's own facilitators and coordinators,
    and the coordination of its axis or club (administrators included)."""
    if can_manage(user, workgroup):
        return True
    membership = active_membership(user, workgroup)
    return membership is not None and membership.role in (WorkgroupRole.FACILITATOR, WorkgroupRole.COORDINATOR)


# --- Admin screens ---------------------------------------------------------------------------------


def narrow_workgroup_form(form, user) -> None:
    """The admin's workgroup form offers only the axes and clubs the user leads."""
    if "axis" in form.fields:
        form.fields["axis"].queryset = axes_led(user)
    if "club" in form.fields:
        form.fields["club"].queryset = clubs_led(user)
    if "process" in form.fields:
        from .models import ParticipatoryProcess

        # Any process may hold an axis's or a club's workgroup; one with neither is its runners'.
        form.fields["process"].queryset = ParticipatoryProcess.objects.order_by("-started_on", "title")


def narrow_membership_form(form, user) -> None:
    """The admin's membership form offers only the workgroups the user leads."""
    if "workgroup" in form.fields:
        form.fields["workgroup"].queryset = workgroups_led(Workgroup.objects.order_by("name"), user)


# --- Notification choices --------------------------------------------------------------------------


def can_set_notifications(user, person) -> bool:
    """What the e-mails tell a person is theirs alone to choose (an administrator erasing an account
    goes through privacy, not here)."""
    return person is not None and user.is_authenticated and user.is_active and person.user_id == user.pk


# --- Meetings, files, decisions, tasks ------------------------------------------------------------


def can_organise(user, workgroup: Workgroup) -> bool:
    """Plans meetings, writes their minutes, records decisions and hands out tasks: a member of the
    workgroup who facilitates or coordinates it, or who leads its axis or club (administrators
    included). These are pages of the room, so leading without being in it is not enough."""
    membership = active_membership(user, workgroup)
    if membership is None:
        return False
    return membership.role in (WorkgroupRole.FACILITATOR, WorkgroupRole.COORDINATOR) or can_manage(user, workgroup)


def in_calendar_of(person) -> Q:
    """The meetings a person's own calendar holds (a filter on meetings): those of the workgroups she
    is an active member of. A pending request is not membership; leaving or being removed takes the
    group's meetings out of the calendar at its next refresh."""
    return Q(workgroup__memberships__person=person, workgroup__memberships__status=WorkgroupMembershipStatus.ACTIVE)


def can_share_file(user, workgroup: Workgroup) -> bool:
    """Every member shares files in a workgroup that is not archived."""
    return not workgroup.is_archived and is_member(user, workgroup)


def can_remove_file(user, shared) -> bool:
    """Who shared it, or who organises the workgroup."""
    person = person_of(user)
    if person is not None and shared.shared_by_id == person.pk and is_member(user, shared.workgroup):
        return True
    return can_organise(user, shared.workgroup)


def can_complete_task(user, task) -> bool:
    """Its owner, or who organises the workgroup."""
    person = person_of(user)
    if person is not None and task.owner_id == person.pk and is_member(user, task.workgroup):
        return True
    return can_organise(user, task.workgroup)


def may_join_commission(person, workgroup: Workgroup) -> bool:
    """A commission of a club is open to the people of that club's member firms only (an active
    membership of the club); a workgroup of an axis to every person of the cluster."""
    if not workgroup.club_id:
        return True
    if person is None or person.organisation_id is None:
        return False
    from portal.members.models import Membership, MembershipStatus

    return Membership.objects.filter(
        organisation_id=person.organisation_id, club_id=workgroup.club_id, status=MembershipStatus.ACTIVE
    ).exists()


# --- Participatory processes --------------------------------------------------------------------


def can_view_process(user, process) -> bool:
    """A process's page (its diagnosis, events and rooms) is every signed-in member's: they take part."""
    return bool(user and user.is_authenticated and user.is_active)


def can_run_process(user, process) -> bool:
    """Imports the diagnosis's tables and sees its rooms' decisions (to start a draft plan): the people
    running the process and administrators."""
    return leads_process(user, process.pk)
