"""Who may lead an action plan, keep the common issues board, and read who answered a survey.

An axis's plan is led by the coordinators of that axis, a club's plan by the animators of that club,
a participatory process's plan (the cluster's) by the administrators and the exchange organisers of
the whole cluster (the organisers of the first release, who led them then). An issue of the board is
kept by whoever leads its club, or the workgroup that handles it; an issue of neither is the cluster's.
"""

from django.db.models import Q, QuerySet

from portal.clubs import permissions as club_permissions
from portal.members.models import Role
from portal.members.permissions import ALL, holds, is_administrator
from portal.members.scopes import CLUSTER_ID, ScopeKind
from workgroups import permissions as workgroup_permissions

from .models import ActionPlan, CommonIssue, PlanScope


def leads_cluster(user) -> bool:
    """The plans and issues of the whole cluster: administrators and cluster-wide exchange organisers."""
    return holds(user, Role.EXCHANGE_ORGANISER, (ScopeKind.CLUSTER, CLUSTER_ID))


def can_manage_plan(user, plan: ActionPlan) -> bool:
    """Edits the plan, its actions and their indicators, sees it when it is not public."""
    if plan.axis_id:
        return workgroup_permissions.leads_axis(user, plan.axis_id)
    if plan.club_id:
        return workgroup_permissions.leads_club(user, plan.club_id)
    return leads_cluster(user)


def can_see_plan(user, plan: ActionPlan) -> bool:
    """Everyone sees a published public plan; a draft or a plan kept private, its leaders alone."""
    return plan.is_visible_to_all or can_manage_plan(user, plan)


def can_start_plan_from_room(user, workgroup) -> bool:
    """A draft plan from a room's decisions: whoever may create a plan for the room's axis or club (the
    cluster's, for a participatory process's room with neither)."""
    return can_manage_plan(user, ActionPlan(axis_id=workgroup.axis_id, club_id=workgroup.club_id))


def plan_scopes_led(user) -> list[str]:
    """The kinds of plan (PlanScope values) the user may create: of her axes, her clubs, the cluster."""
    kinds = []
    if workgroup_permissions.axes_led(user).exists():
        kinds.append(PlanScope.AXIS)
    if workgroup_permissions.clubs_led(user).exists():
        kinds.append(PlanScope.CLUB)
    if leads_cluster(user):
        kinds.append(PlanScope.PROCESS)
    return kinds


def _led(user, *, axis: str, club: str, neither: Q) -> Q | None:
    """Rows of the axes and clubs the user leads (None: every row; an empty match when none)."""
    if is_administrator(user):
        return None
    axes, clubs = workgroup_permissions.led_axis_ids(user), workgroup_permissions.led_club_ids(user)
    condition = Q(**{f"{axis}__in": axes}) if axes is not ALL else Q(**{f"{axis}__isnull": False})
    condition |= Q(**{f"{club}__in": clubs}) if clubs is not ALL else Q(**{f"{club}__isnull": False})
    if leads_cluster(user):
        condition |= neither
    return condition


def plans_led(queryset: QuerySet, user) -> QuerySet:
    """The plans of `queryset` the user leads (admin lists and exports, the coordination screens)."""
    if not user or not user.is_authenticated:
        return queryset.none()
    condition = _led(user, axis="axis", club="club", neither=Q(scope=PlanScope.PROCESS))
    return queryset if condition is None else queryset.filter(condition)


def actions_led(queryset: QuerySet, user) -> QuerySet:
    if not user or not user.is_authenticated:
        return queryset.none()
    condition = _led(user, axis="plan__axis", club="plan__club", neither=Q(plan__scope=PlanScope.PROCESS))
    return queryset if condition is None else queryset.filter(condition)


# --- The common issues board -------------------------------------------------------------------------


def can_manage_issue(user, issue: CommonIssue) -> bool:
    if issue.club_id and workgroup_permissions.leads_club(user, issue.club_id):
        return True
    if issue.workgroup_id and workgroup_permissions.can_manage(user, issue.workgroup):
        return True
    if not issue.club_id and not issue.workgroup_id:
        return leads_cluster(user)
    return is_administrator(user)


def issues_led(queryset: QuerySet, user) -> QuerySet:
    if not user or not user.is_authenticated:
        return queryset.none()
    if is_administrator(user):
        return queryset
    axes, clubs = workgroup_permissions.led_axis_ids(user), workgroup_permissions.led_club_ids(user)
    condition = Q(club__in=clubs) | Q(workgroup__club__in=clubs) | Q(workgroup__axis__in=axes)
    if leads_cluster(user):
        condition |= Q(club__isnull=True, workgroup__isnull=True)
    return queryset.filter(condition)


def can_read_survey_answers(user, survey) -> bool:
    """Who answered a needs survey, and what: asked of the clubs' policy (its club's animators; a
    survey of the whole cluster, its administrators)."""
    return survey is not None and club_permissions.can_view_survey_answers(user, survey)


def surveys_readable(queryset: QuerySet, user) -> QuerySet:
    """The surveys whose answers the user reads (the clubs' policy)."""
    return club_permissions.surveys_visible(queryset, user)


# --- Admin screens -----------------------------------------------------------------------------------


def narrow_plan_form(form, user) -> None:
    """The admin's plan form offers the user's axes, clubs and kinds of plan only."""
    if "axis" in form.fields:
        form.fields["axis"].queryset = workgroup_permissions.axes_led(user)
    if "club" in form.fields:
        form.fields["club"].queryset = workgroup_permissions.clubs_led(user)
    if "scope" in form.fields:
        kinds = plan_scopes_led(user)
        form.fields["scope"].choices = [(value, label) for value, label in PlanScope.choices if value in kinds]


def narrow_action_form(form, user) -> None:
    if "plan" in form.fields:
        form.fields["plan"].queryset = plans_led(ActionPlan.objects.order_by("title"), user)


def narrow_issue_form(form, user) -> None:
    from portal.clubs.models import Survey
    from workgroups.models import Workgroup

    if "club" in form.fields:
        form.fields["club"].queryset = workgroup_permissions.clubs_led(user)
    if "workgroup" in form.fields:
        form.fields["workgroup"].queryset = workgroup_permissions.workgroups_led(
            Workgroup.objects.order_by("name"), user
        )
    if "survey" in form.fields:
        form.fields["survey"].queryset = surveys_readable(Survey.objects.order_by("-opened_on"), user)
