"""Reads of the action plans and the common issues board, visibility built in."""

from django.db.models import Count, Max, Prefetch, Q, QuerySet

from portal.clubs.models import Survey
from workgroups import permissions as workgroup_permissions
from workgroups.models import Workgroup

from . import permissions
from .models import Action, ActionPlan, ActionStatus, ActionUpdate, CommonIssue, IssueStatus, PlanScope, PlanStatus

VISIBLE_TO_ALL = Q(is_public=True, status=PlanStatus.PUBLISHED)


def _with_counts(queryset: QuerySet[ActionPlan]) -> QuerySet[ActionPlan]:
    return queryset.annotate(
        action_count=Count("actions", distinct=True),
        done_count=Count("actions", filter=Q(actions__status=ActionStatus.DONE), distinct=True),
        running_count=Count("actions", filter=Q(actions__status=ActionStatus.IN_PROGRESS), distinct=True),
    )


def public_plans() -> dict[str, list[ActionPlan]]:
    """Public plans by scope (axes in axis order, then clubs, then participatory processes)."""
    plans = _with_counts(ActionPlan.objects.filter(VISIBLE_TO_ALL).select_related("axis", "club")).order_by(
        "axis__number", "club__name", "title"
    )
    grouped = {scope: [] for scope in PlanScope.values}
    for plan in plans:
        grouped[plan.scope].append(plan)
    return grouped


def plan_for(user, slug: str) -> ActionPlan | None:
    """A plan anyone sees when published and public; its managers see it always (a draft too)."""
    plan = ActionPlan.objects.select_related("axis", "club").filter(slug=slug).first()
    if plan is None or not permissions.can_see_plan(user, plan):
        return None
    return plan


def plan_actions(plan: ActionPlan) -> list[Action]:
    """The plan's actions with their pilots, partners and dated history (oldest update first)."""
    history = Prefetch("updates", queryset=ActionUpdate.objects.order_by("measured_on", "created_at"))
    return list(plan.actions.select_related("pilot").prefetch_related("partners", history).order_by("position", "pk"))


def published_plans_of(*, axis=None, club=None) -> list[tuple[ActionPlan, dict]]:
    """The published public plans of an axis or a club, newest first, each with its summary (what the
    axis's and the club's pages show)."""
    plans = ActionPlan.objects.filter(VISIBLE_TO_ALL)
    if axis is not None:
        plans = plans.filter(axis=axis)
    elif club is not None:
        plans = plans.filter(club=club)
    else:
        return []
    result = []
    for plan in plans.order_by("-period_start", "-published_at", "title"):
        result.append((plan, plan_summary(list(plan.actions.all()))))
    return result


def plan_summary(actions: list[Action]) -> dict:
    """Counts per status and how far the indicators with a target have gone, on average."""
    by_status = dict.fromkeys(ActionStatus.values, 0)
    for action in actions:
        by_status[action.status] += 1
    progress = [action.progress_percent for action in actions if action.progress_percent is not None]
    budget = sum((action.budget or 0) for action in actions)
    return {
        "by_status": [(value, label, by_status[value]) for value, label in ActionStatus.choices],
        "total": len(actions),
        "done": by_status[ActionStatus.DONE],
        "running": by_status[ActionStatus.IN_PROGRESS],
        "indicator_average": round(sum(progress) / len(progress)) if progress else None,
        "budget": budget,
    }


def issues_board(*, status: str = "", club_id: int | None = None) -> QuerySet[CommonIssue]:
    queryset = (
        CommonIssue.objects.select_related("club", "workgroup", "survey")
        .prefetch_related(Prefetch("firms"))
        .annotate(firm_count=Count("firms", distinct=True))
    )
    if status in IssueStatus.values:
        queryset = queryset.filter(status=status)
    if club_id:
        queryset = queryset.filter(club_id=club_id)
    return queryset.order_by("status", "-firm_count", "title")


def surveys_with_answers() -> QuerySet[Survey]:
    return Survey.objects.filter(answers__isnull=False).distinct().order_by("-opened_on")


def plans_led_by(user) -> list[ActionPlan]:
    """The plans the user leads, public or not, in the public list's order."""
    plans = permissions.plans_led(ActionPlan.objects.select_related("axis", "club"), user)
    return list(_with_counts(plans).order_by("scope", "axis__number", "club__name", "title"))


def rooms_to_plan_from(user) -> list:
    """The rooms whose decisions the user may turn into a draft plan (those with at least one decision
    in her axes, her clubs, or any for who leads the cluster's plans), most recently decided first."""
    led = Q(axis__in=workgroup_permissions.axes_led(user)) | Q(club__in=workgroup_permissions.clubs_led(user))
    if permissions.leads_cluster(user):
        led |= Q(axis__isnull=True, club__isnull=True)
    rooms = (
        Workgroup.objects.filter(led, decisions__isnull=False)
        .annotate(last_decision=Max("decisions__decided_on"))
        .distinct()
    )
    return list(rooms.select_related("axis", "club").order_by("-last_decision", "name")[:20])
