"""Action plans' public progress, the coordinator's update table and the common issues board. Thin."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from portal.clubs.models import Survey
from portal.forms import add_service_errors
from workgroups import permissions as workgroup_permissions
from workgroups import selectors as workgroup_selectors
from workgroups.models import Workgroup

from . import permissions, selectors, services
from .forms import (
    ActionForm,
    ActionProgressForm,
    ActionUpdateForm,
    IssueForm,
    IssueFromSurveyForm,
    PlanForm,
    PlanFromRoomForm,
)
from .models import Action, CommonIssue, IssueStatus, PlanScope, PlanStatus

ISSUES_PAGE_SIZE = 30


@require_safe
def plan_index(request):
    grouped = selectors.public_plans()
    sections = [(value, label, grouped[value]) for value, label in PlanScope.choices]
    context = {
        "plan_sections": sections,
        # The plans the user leads, public or not, and whether she may start one.
        "led_plans": selectors.plans_led_by(request.user) if request.user.is_authenticated else [],
        "can_create": bool(permissions.plan_scopes_led(request.user)) if request.user.is_authenticated else False,
        "rooms_to_plan_from": selectors.rooms_to_plan_from(request.user) if request.user.is_authenticated else [],
    }
    return render(request, "plans/index.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def plan_create(request):
    kinds = permissions.plan_scopes_led(request.user)
    if not kinds:
        raise PermissionDenied(_("Only axis coordinators and club animators create action plans."))
    owners = {
        "axes": list(workgroup_permissions.axes_led(request.user)) if PlanScope.AXIS in kinds else [],
        "clubs": list(workgroup_permissions.clubs_led(request.user)) if PlanScope.CLUB in kinds else [],
        "process": PlanScope.PROCESS in kinds,
    }
    form = PlanForm(request.POST or None, initial={"is_public": True}, **owners)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(by=request.user, **form.chosen_owner(), **form.service_arguments())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The plan is created: add its actions now."))
            return redirect("plans:action_add", slug=plan.slug)
    return render(request, "plans/plan_form.html", {"form": form, "plan": None})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def plan_from_room(request, slug):
    """A workshop's room turned into a draft plan: each of its decisions becomes a planned action,
    which the leaders then complete (pilots, indicators) and publish."""
    workgroup = get_object_or_404(Workgroup.objects.select_related("axis", "club"), slug=slug)
    if not permissions.can_start_plan_from_room(request.user, workgroup):
        raise PermissionDenied(_("Only the coordination of this room's axis or club starts a plan from it."))
    decisions = workgroup_selectors.decisions_of(workgroup)
    form = PlanFromRoomForm(request.POST or None, initial={"title": workgroup.name})
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_draft_from_workgroup(
                workgroup=workgroup, decisions=decisions, by=request.user, title=form.cleaned_data["title"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The draft plan is ready: complete its actions, then publish it."))
            return redirect("plans:detail", slug=plan.slug)
    return render(request, "plans/plan_from_room.html", {"form": form, "workgroup": workgroup, "decisions": decisions})


def _led_plan(request, slug):
    plan = selectors.plan_for(request.user, slug)
    if plan is None:
        raise Http404
    if not permissions.can_manage_plan(request.user, plan):
        raise PermissionDenied(_("Only the plan's coordinators update its actions."))
    return plan


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def plan_edit(request, slug):
    plan = _led_plan(request, slug)
    form = PlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(plan=plan, by=request.user, **form.service_arguments())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The plan is saved."))
            return redirect("plans:detail", slug=plan.slug)
    return render(request, "plans/plan_form.html", {"form": form, "plan": plan})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def action_add(request, slug):
    plan = _led_plan(request, slug)
    return _action_form(request, plan, None)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def action_edit(request, slug, action_id):
    plan = _led_plan(request, slug)
    action = get_object_or_404(Action, pk=action_id, plan=plan)
    return _action_form(request, plan, action)


def _action_form(request, plan, action):
    initial = {"position": (plan.actions.count() + 1)} if action is None else None
    form = ActionForm(request.POST or None, instance=action, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.action_save(plan=plan, by=request.user, action=action, **form.service_arguments())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The action is saved."))
            if action is None and "another" in request.POST:
                return redirect("plans:action_add", slug=plan.slug)
            return redirect("plans:detail", slug=plan.slug)
    return render(request, "plans/action_form.html", {"form": form, "plan": plan, "action": action})


@login_required
@require_POST
def action_delete(request, slug, action_id):
    plan = _led_plan(request, slug)
    action = get_object_or_404(Action, pk=action_id, plan=plan)
    services.action_delete(action=action, by=request.user)
    messages.success(request, _("“%(title)s” is removed from the plan.") % {"title": action.title})
    return redirect("plans:detail", slug=plan.slug)


@require_safe
def plan_detail(request, slug):
    plan = selectors.plan_for(request.user, slug)
    if plan is None:
        raise Http404
    actions = selectors.plan_actions(plan)
    can_manage = permissions.can_manage_plan(request.user, plan)
    if can_manage:
        for action in actions:
            action.update_form = ActionUpdateForm(action=action)
    context = {
        "plan": plan,
        "actions": actions,
        "summary": selectors.plan_summary(actions),
        "can_manage": can_manage,
    }
    return render(request, "plans/detail.html", context)


@login_required
@require_POST
def action_progress(request, slug, action_id):
    """One action's update from the plan's page: its status and indicator's value on a date."""
    plan = _led_plan(request, slug)
    action = get_object_or_404(Action.objects.select_related("plan"), pk=action_id, plan=plan)
    form = ActionUpdateForm(request.POST, action=action)
    back = f"{reverse('plans:detail', args=[plan.slug])}#action-{action.pk}"
    if not form.is_valid():
        errors = [f"{form.fields[name].label} : {' '.join(messages_)}" if name in form.fields else " ".join(messages_)
                  for name, messages_ in form.errors.items()]  # fmt: skip
        messages.error(request, _("Nothing was saved: %(errors)s") % {"errors": " ".join(errors)})
        return redirect(back)
    try:
        services.action_progress_record(action=action, by=request.user, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, _("Nothing was saved: %(errors)s") % {"errors": " ".join(error.messages)})
    else:
        messages.success(request, _("“%(title)s” is updated.") % {"title": action.title})
    return redirect(back)


@login_required
@require_POST
def plan_publish(request, slug):
    """Publishes the plan (its axis or club page shows it) or takes it back to draft."""
    plan = _led_plan(request, slug)
    status = PlanStatus.DRAFT if request.POST.get("status") == PlanStatus.DRAFT else PlanStatus.PUBLISHED
    services.plan_set_status(plan=plan, by=request.user, status=status)
    if status == PlanStatus.PUBLISHED:
        messages.success(request, _("The plan is published."))
    else:
        messages.success(request, _("The plan is back to draft: only its leaders see it."))
    return redirect("plans:detail", slug=plan.slug)


@login_required
@require_http_methods(["GET", "POST"])
def plan_update(request, slug):
    plan = selectors.plan_for(request.user, slug)
    if plan is None:
        raise Http404
    if not permissions.can_manage_plan(request.user, plan):
        raise PermissionDenied(_("Only the plan's coordinators update its actions."))
    actions = selectors.plan_actions(plan)
    rows = [
        (action, ActionProgressForm(
            request.POST or None, prefix=f"a{action.pk}",
            initial={"status": action.status, "current_value": action.current_value},
        ))
        for action in actions
    ]  # fmt: skip
    if request.method == "POST":
        if all(form.is_valid() for _action, form in rows):
            changes = {action.pk: form.cleaned_data for action, form in rows}
            try:
                count = services.plan_actions_update(plan=plan, by=request.user, changes=changes)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("%(count)d action(s) updated.") % {"count": count})
                return redirect("plans:detail", slug=plan.slug)
        else:
            messages.error(request, _("Nothing was saved: correct the lines marked in red."))
    return render(request, "plans/update.html", {"plan": plan, "rows": rows})


@login_required
@require_safe
def issue_board(request):
    """Every member sees the board; the firms raised by a survey are named only to those who read the
    survey's answers (the others see how many)."""
    status = request.GET.get("statut", "")
    page = Paginator(selectors.issues_board(status=status), ISSUES_PAGE_SIZE).get_page(request.GET.get("page"))
    user = request.user
    for issue in page.object_list:
        issue.can_manage = permissions.can_manage_issue(user, issue)
        issue.names_firms = issue.survey_id is None or permissions.can_read_survey_answers(user, issue.survey)
    surveys = _readable_surveys(user)
    context = {
        "page": page,
        "status": status,
        "statuses": IssueStatus.choices,
        "from_survey_form": IssueFromSurveyForm(surveys=surveys) if surveys.exists() else None,
    }
    return render(request, "plans/issues.html", context)


def _readable_surveys(user):
    return permissions.surveys_readable(selectors.surveys_with_answers(), user)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def issue_edit(request, issue_id):
    issue = get_object_or_404(CommonIssue.objects.select_related("club", "workgroup", "survey"), pk=issue_id)
    if not permissions.can_manage_issue(request.user, issue):
        raise PermissionDenied(_("Only the coordination of the issue's club or workgroup updates it."))
    workgroups = workgroup_permissions.workgroups_led(Workgroup.objects.all(), request.user)
    if issue.workgroup_id:
        workgroups = workgroups | Workgroup.objects.filter(pk=issue.workgroup_id)
    form = IssueForm(request.POST or None, instance=issue, workgroups=workgroups)
    if request.method == "POST" and form.is_valid():
        try:
            services.issue_update(issue=issue, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The issue has been updated."))
            return redirect("plans:issues")
    context = {
        "issue": issue,
        "form": form,
        "names_firms": issue.survey_id is None or permissions.can_read_survey_answers(request.user, issue.survey),
    }
    return render(request, "plans/issue_edit.html", context)


@login_required
@require_POST
def issue_from_survey(request):
    surveys = _readable_surveys(request.user)
    survey = Survey.objects.filter(pk=request.POST.get("survey") or 0).first()
    if survey is not None and not permissions.can_read_survey_answers(request.user, survey):
        raise PermissionDenied(_("Only those who read the survey's answers put its problems on the board."))
    form = IssueFromSurveyForm(request.POST, surveys=surveys)
    if not form.is_valid():
        messages.error(request, _("Choose a survey and one of its problems."))
        return redirect("plans:issues")
    try:
        issue = services.issue_from_survey(by=request.user, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("plans:issues")
    messages.success(request, _("“%(title)s” is on the board.") % {"title": issue.title})
    return redirect("plans:issue_edit", issue_id=issue.pk)
