"""Action plans' public progress, the coordinator's update table and the common issues board. Thin."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from . import permissions, selectors, services
from .forms import ActionProgressForm, IssueForm, IssueFromSurveyForm
from .models import CommonIssue, IssueStatus, PlanScope

ISSUES_PAGE_SIZE = 30


@require_safe
def plan_index(request):
    grouped = selectors.public_plans()
    sections = [(value, label, grouped[value]) for value, label in PlanScope.choices]
    return render(request, "plans/index.html", {"plan_sections": sections})


@require_safe
def plan_detail(request, slug):
    plan = selectors.plan_for(request.user, slug)
    if plan is None:
        raise Http404
    actions = selectors.plan_actions(plan)
    context = {
        "plan": plan,
        "actions": actions,
        "summary": selectors.plan_summary(actions),
        "can_manage": permissions.can_manage_plan(request.user, plan),
    }
    return render(request, "plans/detail.html", context)


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
    status = request.GET.get("statut", "")
    page = Paginator(selectors.issues_board(status=status), ISSUES_PAGE_SIZE).get_page(request.GET.get("page"))
    can_manage = permissions.can_manage_issues(request.user)
    context = {
        "page": page,
        "status": status,
        "statuses": IssueStatus.choices,
        "can_manage": can_manage,
        "from_survey_form": IssueFromSurveyForm(surveys=selectors.surveys_with_answers()) if can_manage else None,
    }
    return render(request, "plans/issues.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def issue_edit(request, issue_id):
    issue = get_object_or_404(CommonIssue.objects.select_related("club", "workgroup"), pk=issue_id)
    if not permissions.can_manage_issues(request.user):
        raise PermissionDenied(_("Only organisers and coordinators update the common issues."))
    form = IssueForm(request.POST or None, instance=issue)
    if request.method == "POST" and form.is_valid():
        try:
            services.issue_update(issue=issue, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The issue has been updated."))
            return redirect("plans:issues")
    return render(request, "plans/issue_edit.html", {"issue": issue, "form": form})


@login_required
@require_POST
def issue_from_survey(request):
    if not permissions.can_manage_issues(request.user):
        raise PermissionDenied(_("Only organisers and coordinators update the common issues."))
    form = IssueFromSurveyForm(request.POST, surveys=selectors.surveys_with_answers())
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
