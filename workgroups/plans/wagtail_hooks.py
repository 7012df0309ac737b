import django_filters
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet

from portal.admin import PortalViewSet
from workgroups.wagtail_hooks import WORKGROUPS_MENU_HOOK

from . import permissions, services
from .models import Action, ActionPlan, CommonIssue


class PlansMenuMixin:
    """Listed in the "Axes and workgroups" menu, after its axes, workgroups and members."""

    menu_hook = WORKGROUPS_MENU_HOOK


class ActionPlanViewSet(PlansMenuMixin, PortalViewSet):
    model = ActionPlan
    name = "action-plans"
    menu_order = 4
    icon = "list-ol"
    menu_label = _("Action plans")
    list_display = ["title", "scope", "axis", "club", "status", "is_public", "updated_at"]
    list_filter = ["scope", "axis", "club", "status", "is_public"]
    search_fields = ["title", "summary"]
    # Publishing is done on the plan's page (plans:publish); a plan added here is published, as before.
    form_fields = ["title", "slug", "scope", "axis", "club", "summary", "period_start", "period_end", "is_public"]
    # Coordinators reach their axes' plans, animators their clubs' (permissions.plans_led).
    scope_queryset = staticmethod(permissions.plans_led)
    scope_form = staticmethod(permissions.narrow_plan_form)
    save_service = staticmethod(services.plan_admin_save)
    delete_service = staticmethod(services.plan_admin_delete)


def _plans_of_the_user(request):
    return permissions.plans_led(ActionPlan.objects.order_by("title"), request.user)


class ActionFilterSet(WagtailFilterSet):
    """The plan filter names only the user's plans (another scope's plan, even not public, stays unseen)."""

    plan = django_filters.ModelChoiceFilter(label=_("plan"), queryset=_plans_of_the_user)

    class Meta:
        model = Action
        fields = ["plan", "status"]


class ActionViewSet(PlansMenuMixin, PortalViewSet):
    model = Action
    name = "plan-actions"
    menu_order = 5
    icon = "tick"
    menu_label = _("Actions")
    list_display = ["title", "plan", "pilot", "status", "current_value", "target_value", "ends_on"]
    filterset_class = ActionFilterSet
    list_export = ["plan", "title", "pilot", "starts_on", "ends_on", "budget", "indicator", "target_value",
                   "current_value", "status"]  # fmt: skip
    search_fields = ["title", "description", "indicator"]
    copy_view_enabled = True
    form_fields = ["plan", "position", "title", "description", "pilot", "partners", "starts_on", "ends_on", "budget",
                   "indicator", "target_value", "current_value", "status"]  # fmt: skip
    scope_queryset = staticmethod(permissions.actions_led)
    scope_form = staticmethod(permissions.narrow_action_form)
    save_service = staticmethod(services.action_admin_save)
    delete_service = staticmethod(services.action_admin_delete)


class CommonIssueViewSet(PlansMenuMixin, PortalViewSet):
    model = CommonIssue
    name = "common-issues"
    menu_order = 6
    icon = "warning"
    menu_label = _("Common issues")
    list_display = ["title", "club", "workgroup", "status", "updated_at"]
    list_filter = ["status", "club", "problem"]
    search_fields = ["title", "decisions"]
    form_fields = ["title", "problem", "club", "firms", "workgroup", "survey", "status", "decisions"]
    # The issues of the user's clubs and of the workgroups she leads (permissions.issues_led).
    scope_queryset = staticmethod(permissions.issues_led)
    scope_form = staticmethod(permissions.narrow_issue_form)
    save_service = staticmethod(services.issue_admin_save)
    delete_service = staticmethod(services.issue_admin_delete)


@hooks.register("register_admin_viewset")
def register_plans_viewsets():
    return [ActionPlanViewSet(), ActionViewSet(), CommonIssueViewSet()]
