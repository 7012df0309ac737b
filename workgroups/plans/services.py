"""Writes to the action plans and the common issues board."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.clubs.models import Survey, SurveyAnswer
from portal.members.models import Organisation
from workgroups import permissions as workgroup_permissions
from workgroups.models import Workgroup

from . import permissions
from .models import Action, ActionPlan, ActionStatus, ActionUpdate, CommonIssue, IssueStatus, PlanScope, PlanStatus


def _history_entry(action: Action, *, by, measured_on: datetime.date | None = None, note: str = "") -> ActionUpdate:
    """The dated line of the action's history for its status and value as they are now (unsaved)."""
    return ActionUpdate(
        action=action, measured_on=measured_on or timezone.localdate(), status=action.status,
        value=action.current_value, note=note.strip()[:300], by=by if getattr(by, "is_authenticated", False) else None,
    )  # fmt: skip


def _check_value(action: Action, value) -> None:
    if value is not None and (not isinstance(value, Decimal) or value < 0 or not value.is_finite()):
        raise ValidationError(_("The value of “%(title)s” must be a positive number.") % {"title": action.title})


def action_progress_record(
    *, action: Action, by, status: str, value: Decimal | None, measured_on: datetime.date | None = None,
    note: str = "",
) -> ActionUpdate:  # fmt: skip
    """One update of an action from its plan's page: its status and indicator's value on a date, kept in
    its history. The latest measurement becomes the action's current status and value (an older one,
    typed in late, only joins the history)."""
    if not permissions.can_manage_plan(by, action.plan):
        raise PermissionDenied(_("Only the plan's coordinators update its actions."))
    if status not in ActionStatus.values:
        raise ValidationError({"status": _("“%(status)s” is not a status of an action.") % {"status": status}})
    _check_value(action, value)
    today = timezone.localdate()
    measured_on = measured_on or today
    if measured_on > today:
        raise ValidationError({"measured_on": _("An update cannot be dated in the future.")})
    with transaction.atomic():
        action = Action.objects.select_for_update().get(pk=action.pk)
        latest = action.updates.order_by("-measured_on", "-created_at").values_list("measured_on", flat=True).first()
        update = ActionUpdate.objects.create(
            action=action, measured_on=measured_on, status=status, value=value, note=note.strip()[:300], by=by
        )
        if latest is None or measured_on >= latest:
            action.status, action.current_value = status, value
            action.save(update_fields=["status", "current_value", "updated_at"])
        action.plan.save(update_fields=["updated_at"])
    return update


def plan_actions_update(*, plan: ActionPlan, by, changes: dict[int, dict]) -> int:
    """The coordinator's one place: status and indicator value of each action, saved together or not at all.

    `changes` maps an action id of this plan to {"status": …, "current_value": Decimal | None}.
    Returns how many actions changed.
    """
    if not permissions.can_manage_plan(by, plan):
        raise PermissionDenied(_("Only the plan's coordinators update its actions."))
    actions = {action.pk: action for action in plan.actions.all()}
    unknown = set(changes) - set(actions)
    if unknown:
        raise ValidationError(_("Some of these actions do not belong to this plan."))
    changed = []
    for action_id, values in changes.items():
        action = actions[action_id]
        status, value = values.get("status", action.status), values.get("current_value", action.current_value)
        if status not in ActionStatus.values:
            raise ValidationError(_("“%(status)s” is not a status of an action.") % {"status": status})
        _check_value(action, value)
        if (status, value) != (action.status, action.current_value):
            action.status, action.current_value = status, value
            changed.append(action)
    if changed:
        with transaction.atomic():
            Action.objects.bulk_update(changed, ["status", "current_value"])
            ActionUpdate.objects.bulk_create(_history_entry(action, by=by) for action in changed)
            plan.save(update_fields=["updated_at"])
    return len(changed)


def issue_update(*, issue: CommonIssue, by, status: str, decisions: str, workgroup: Workgroup | None) -> CommonIssue:
    """The issue's status, decisions, and the workgroup handling it (one the user leads, or the one
    handling it already)."""
    # Asked of the stored issue: a bound form has already changed this instance's fields.
    stored = CommonIssue.objects.select_related("workgroup").get(pk=issue.pk)
    if not permissions.can_manage_issue(by, stored):
        raise PermissionDenied(_("Only the coordination of the issue's club or workgroup updates it."))
    if (
        workgroup is not None
        and workgroup.pk != stored.workgroup_id
        and not workgroup_permissions.can_manage(by, workgroup)
    ):
        raise ValidationError({"workgroup": _("Choose a workgroup of your axes or clubs.")})
    if status not in IssueStatus.values:
        raise ValidationError({"status": _("Choose a status.")})
    issue.status, issue.decisions, issue.workgroup, issue.updated_by = status, decisions.strip(), workgroup, by
    issue.full_clean()
    issue.save()
    return issue


def issue_from_survey(*, survey: Survey, problem: str, by, title: str = "") -> CommonIssue:
    """Turns one problem of a survey's ranking into an issue, with the firms that raised it: by whoever
    reads the survey's answers (its club's animators)."""
    if not permissions.can_read_survey_answers(by, survey):
        raise PermissionDenied(_("Only those who read the survey's answers put its problems on the board."))
    firms = Organisation.objects.filter(
        pk__in=SurveyAnswer.objects.filter(survey=survey, problem=problem).values("response__invitation__organisation")
    )
    if not firms.exists():
        raise ValidationError(_("No firm raised this problem in this survey."))
    label = dict(SurveyAnswer._meta.get_field("problem").choices).get(problem, problem)
    with transaction.atomic():
        issue = CommonIssue.objects.create(
            title=(title.strip() or f"{label} — {survey.club.name if survey.club else survey.title}")[:200],
            problem=problem,
            club=survey.club,
            survey=survey,
            updated_by=by,
        )
        issue.firms.set(firms)
    return issue


# --- Plans and actions, from the site and the admin ---------------------------------------------------

PLAN_FIELDS = ("title", "summary", "period_start", "period_end", "is_public")
ACTION_FIELDS = (
    "title", "description", "position", "pilot", "starts_on", "ends_on", "budget", "indicator", "target_value",
    "current_value", "status",
)  # fmt: skip


def _unique_plan_slug(title: str, *, exclude_pk=None) -> str:
    from django.utils.text import slugify

    base = slugify(title)[:200] or "plan"
    slug, n = base, 2
    while slug in RESERVED_SLUGS or ActionPlan.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


# Addresses of the plans' pages (plans/urls.py) that a plan's slug must not take.
RESERVED_SLUGS = {"nouveau", "problematiques"}


def plan_create(*, by, title: str, axis=None, club=None, status: str = PlanStatus.DRAFT, **fields) -> ActionPlan:
    """A plan of one of the user's axes or clubs (or of a participatory process, for the cluster's): a
    draft its leaders see alone until they publish it."""
    unknown = set(fields) - set(PLAN_FIELDS)
    if unknown:
        raise TypeError(f"Not settable here: {', '.join(sorted(unknown))}")
    scope = PlanScope.AXIS if axis is not None else PlanScope.CLUB if club is not None else PlanScope.PROCESS
    if status not in PlanStatus.values:
        raise ValidationError({"status": _("Choose draft or published.")})
    plan = ActionPlan(title=(title or "").strip(), slug=_unique_plan_slug(title or ""), scope=scope, axis=axis,
                      club=club, status=status, **fields)  # fmt: skip
    if status == PlanStatus.PUBLISHED:
        plan.published_at = timezone.now()
    if not permissions.can_manage_plan(by, plan):
        raise PermissionDenied(_("You can create plans only for the axes you coordinate or the clubs you animate."))
    plan.full_clean()
    plan.save()
    return plan


def plan_update(*, plan: ActionPlan, by, **changes) -> ActionPlan:
    """Its title, summary, period and publicity (its axis or club stays)."""
    if not permissions.can_manage_plan(by, plan):
        raise PermissionDenied(_("Only the plan's coordinators edit it."))
    unknown = set(changes) - set(PLAN_FIELDS)
    if unknown:
        raise TypeError(f"Not editable here: {', '.join(sorted(unknown))}")
    for field, value in changes.items():
        setattr(plan, field, value.strip() if isinstance(value, str) else value)
    plan.full_clean()
    plan.save()
    return plan


def plan_draft_from_workgroup(*, workgroup: Workgroup, decisions, by, title: str = "") -> ActionPlan:
    """A draft action plan started from a workshop's room: each of its decisions (what
    workgroups.selectors.decisions_of returns: rows with `text` and `decided_on`) becomes a planned
    action of the draft, which its leaders then complete and publish. The plan belongs to the room's
    axis or club, else to the cluster's participatory process. The caller checks the user reads the room."""
    decisions = [decision for decision in decisions if (decision.text or "").strip()]
    if not decisions:
        raise ValidationError(_("This room has recorded no decision yet: nothing to start a plan from."))
    title = (title or "").strip() or _("Action plan of %(room)s") % {"room": workgroup.name}
    with transaction.atomic():
        plan = plan_create(by=by, title=title[:200], axis=workgroup.axis, club=workgroup.club)
        for position, decision in enumerate(decisions, start=1):
            text = " ".join(decision.text.split())
            action = Action(
                plan=plan, position=position, title=text if len(text) <= 200 else f"{text[:199]}…",
                description=_("Decided on %(date)s in “%(room)s”: %(text)s")
                % {"date": decision.decided_on.strftime("%d/%m/%Y"), "room": workgroup.name, "text": decision.text},
            )  # fmt: skip
            action.full_clean()
            action.save()
    return plan


def plan_set_status(*, plan: ActionPlan, by, status: str) -> ActionPlan:
    """Publishes a draft (its axis or club page and the plans' list show it when it is public) or takes
    a published plan back to draft."""
    if not permissions.can_manage_plan(by, plan):
        raise PermissionDenied(_("Only the plan's coordinators publish it."))
    if status not in PlanStatus.values:
        raise ValidationError({"status": _("Choose draft or published.")})
    if status == plan.status:
        return plan
    plan.status = status
    if status == PlanStatus.PUBLISHED:
        plan.published_at = timezone.now()
    plan.save(update_fields=["status", "published_at", "updated_at"])
    return plan


def action_save(*, plan: ActionPlan, by, action: Action | None = None, partners=None, **fields) -> Action:
    """Adds an action to the plan, or changes one of its actions (title, pilot, partners, dates,
    budget, indicator with its target and current value, status)."""
    if not permissions.can_manage_plan(by, plan):
        raise PermissionDenied(_("Only the plan's coordinators update its actions."))
    unknown = set(fields) - set(ACTION_FIELDS)
    if unknown:
        raise TypeError(f"Not editable here: {', '.join(sorted(unknown))}")
    if action is None:
        action, before = Action(plan=plan), (ActionStatus.PLANNED, None)
    elif action.plan_id != plan.pk:
        raise ValidationError(_("Some of these actions do not belong to this plan."))
    else:
        before = Action.objects.filter(pk=action.pk).values_list("status", "current_value").get()
    for field, value in fields.items():
        setattr(action, field, value.strip() if isinstance(value, str) else value)
    if action.position is None:
        action.position = 0
    action.full_clean()
    with transaction.atomic():
        action.save()
        if (action.status, action.current_value) != before:
            _history_entry(action, by=by).save()
        if partners is not None:
            action.partners.set(partners)
        plan.save(update_fields=["updated_at"])
    return action


def action_delete(*, action: Action, by) -> None:
    if not permissions.can_manage_plan(by, action.plan):
        raise PermissionDenied(_("Only the plan's coordinators update its actions."))
    with transaction.atomic():
        plan = action.plan
        action.delete()
        plan.save(update_fields=["updated_at"])


def _admin_save(*, allowed, instance, by, save):
    """An admin create or edit: the row before and after belongs to the user's scopes (the form offers
    no other; this holds whatever is posted)."""
    if instance.pk is not None and not allowed(type(instance).objects.get(pk=instance.pk)):
        raise PermissionDenied(_("This is not one of your axes' or clubs' plans."))
    if not allowed(instance):
        raise ValidationError(_("Choose one of your axes or clubs."))
    with transaction.atomic():
        return save()


def plan_admin_save(*, instance: ActionPlan, by, save) -> ActionPlan:
    if instance.status == PlanStatus.PUBLISHED and instance.published_at is None:
        instance.published_at = timezone.now()
    return _admin_save(allowed=lambda plan: permissions.can_manage_plan(by, plan), instance=instance, by=by, save=save)


def action_admin_save(*, instance: Action, by, save) -> Action:
    """An admin edit joins the action's history too when it changes its status or value."""
    stored = Action.objects.filter(pk=instance.pk).values_list("status", "current_value").first()
    before = stored or (ActionStatus.PLANNED, None)

    def save_and_record():
        action = save()
        if (action.status, action.current_value) != before:
            _history_entry(action, by=by).save()
        return action

    return _admin_save(
        allowed=lambda action: permissions.can_manage_plan(by, action.plan), instance=instance, by=by,
        save=save_and_record,
    )  # fmt: skip


def issue_admin_save(*, instance: CommonIssue, by, save) -> CommonIssue:
    instance.updated_by = by
    return _admin_save(
        allowed=lambda issue: permissions.can_manage_issue(by, issue), instance=instance, by=by, save=save
    )


def plan_admin_delete(*, instance: ActionPlan, by) -> None:
    if not permissions.can_manage_plan(by, instance):
        raise PermissionDenied(_("Only the plan's coordinators delete it."))
    instance.delete()


def action_admin_delete(*, instance: Action, by) -> None:
    action_delete(action=instance, by=by)


def issue_admin_delete(*, instance: CommonIssue, by) -> None:
    if not permissions.can_manage_issue(by, instance):
        raise PermissionDenied(_("Only the coordination of the issue's club or workgroup updates it."))
    instance.delete()
