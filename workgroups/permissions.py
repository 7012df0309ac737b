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


def can_manage(user, workgroup: Workgroup) -> bool:
    """The coordination of the workgroup's axis or club (and administrators): creates, edits and
    archives it, sets its members and their roles, handles its requests."""
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


def workgroups_led(queryset: QuerySet, user) -> QuerySet:
    """The workgroups of `queryset` the user leads (admin lists and exports, the coordination screens)."""
    if not user or not user.is_authenticated:
        return queryset.none()
    return queryset.filter(_owned_by(user, axis_field="axis", club_field="club"))


def memberships_led(queryset: QuerySet, user) -> QuerySet:
    """The memberships of the workgroups the user leads."""
    if not user or not user.is_authenticated:
        return queryset.none()
    return queryset.filter(_owned_by(user, axis_field="workgroup__axis", club_field="workgroup__club"))


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
    return bool(led_axis_ids(user)) or bool(led_club_ids(user))


def can_create(user, *, axis: Axis | None = None, club=None) -> bool:
    """A workgroup of an axis its coordinators create, a commission of a club its animators."""
    if axis is not None and club is None:
        return leads_axis(user, axis.pk)
    if club is not None and axis is None:
        return leads_club(user, club.pk)
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


def narrow_membership_form(form, user) -> None:
    """The admin's membership form offers only the workgroups the user leads."""
    if "workgroup" in form.fields:
        form.fields["workgroup"].queryset = workgroups_led(Workgroup.objects.order_by("name"), user)


# --- Notification choices --------------------------------------------------------------------------


def can_set_notifications(user, person) -> bool:
    """What the e-mails tell a person is theirs alone to choose (an administrator erasing an account
    goes through privacy, not here)."""
    return person is not None and user.is_authenticated and user.is_active and person.user_id == user.pk
