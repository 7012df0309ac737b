"""Writes to the action plans and the common issues board."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from portal.clubs.models import Survey, SurveyAnswer
from portal.members.models import Organisation
from workgroups.models import Workgroup

from . import permissions
from .models import Action, ActionPlan, ActionStatus, CommonIssue, IssueStatus


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
        if value is not None and (not isinstance(value, Decimal) or value < 0 or not value.is_finite()):
            raise ValidationError(_("The value of “%(title)s” must be a positive number.") % {"title": action.title})
        if (status, value) != (action.status, action.current_value):
            action.status, action.current_value = status, value
            changed.append(action)
    if changed:
        with transaction.atomic():
            Action.objects.bulk_update(changed, ["status", "current_value"])
            plan.save(update_fields=["updated_at"])
    return len(changed)


def issue_update(*, issue: CommonIssue, by, status: str, decisions: str, workgroup: Workgroup | None) -> CommonIssue:
    if not permissions.can_manage_issues(by):
        raise PermissionDenied(_("Only organisers and coordinators update the common issues."))
    if status not in IssueStatus.values:
        raise ValidationError({"status": _("Choose a status.")})
    issue.status, issue.decisions, issue.workgroup, issue.updated_by = status, decisions.strip(), workgroup, by
    issue.full_clean()
    issue.save()
    return issue


def issue_from_survey(*, survey: Survey, problem: str, by, title: str = "") -> CommonIssue:
    """Turns one problem of a survey's ranking into an issue, with the firms that raised it."""
    if not permissions.can_manage_issues(by):
        raise PermissionDenied(_("Only organisers and coordinators update the common issues."))
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
