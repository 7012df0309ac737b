from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from .models import Action, ActionPlan, Axis, CommonIssue, Workgroup, WorkgroupMembership


class AxisViewSet(ModelViewSet):
    model = Axis
    name = "axes"
    icon = "list-ul"
    menu_label = _("Thematic axes")
    list_display = ["number", "title", "colour"]
    search_fields = ["title", "summary"]
    search_backend_name = None
    copy_view_enabled = False
    form_fields = ["number", "title", "slug", "colour", "summary", "coordinators", "organisations"]


class WorkgroupViewSet(ModelViewSet):
    model = Workgroup
    name = "workgroups_admin"  # "workgroups" is the namespace of the members' pages
    url_prefix = "workgroups"
    icon = "group"
    menu_label = _("Workgroups")
    list_display = ["name", "axis", "club", "membership_policy", "is_archived", "last_sequence"]
    list_filter = ["axis", "club", "membership_policy", "is_archived"]
    search_fields = ["name", "description"]
    search_backend_name = None
    copy_view_enabled = False
    form_fields = ["name", "slug", "axis", "club", "description", "membership_policy", "is_archived"]


class WorkgroupMembershipViewSet(ModelViewSet):
    model = WorkgroupMembership
    name = "workgroup-memberships"
    icon = "user"
    menu_label = _("Workgroup members")
    list_display = ["person", "workgroup", "role", "status", "joined_at"]
    list_filter = ["workgroup", "role", "status"]
    search_fields = ["person__user__first_name", "person__user__last_name", "workgroup__name"]
    search_backend_name = None
    copy_view_enabled = False
    form_fields = ["workgroup", "person", "role", "status"]


class ActionPlanViewSet(ModelViewSet):
    model = ActionPlan
    name = "action-plans"
    icon = "list-ol"
    menu_label = _("Action plans")
    list_display = ["title", "scope", "axis", "club", "is_public", "updated_at"]
    list_filter = ["scope", "axis", "club", "is_public"]
    search_fields = ["title", "summary"]
    search_backend_name = None
    copy_view_enabled = False
    form_fields = ["title", "slug", "scope", "axis", "club", "summary", "period_start", "period_end", "is_public"]


class ActionViewSet(ModelViewSet):
    model = Action
    name = "plan-actions"
    icon = "tick"
    menu_label = _("Actions")
    list_display = ["title", "plan", "pilot", "status", "current_value", "target_value", "ends_on"]
    list_filter = ["plan", "status"]
    list_export = ["plan", "title", "pilot", "starts_on", "ends_on", "budget", "indicator", "target_value",
                   "current_value", "status"]  # fmt: skip
    search_fields = ["title", "description", "indicator"]
    search_backend_name = None
    copy_view_enabled = True
    form_fields = ["plan", "position", "title", "description", "pilot", "partners", "starts_on", "ends_on", "budget",
                   "indicator", "target_value", "current_value", "status"]  # fmt: skip


class CommonIssueViewSet(ModelViewSet):
    model = CommonIssue
    name = "common-issues"
    icon = "warning"
    menu_label = _("Common issues")
    list_display = ["title", "club", "workgroup", "status", "updated_at"]
    list_filter = ["status", "club", "problem"]
    search_fields = ["title", "decisions"]
    search_backend_name = None
    copy_view_enabled = False
    form_fields = ["title", "problem", "club", "firms", "workgroup", "survey", "status", "decisions"]


class WorkgroupsViewSetGroup(ModelViewSetGroup):
    menu_label = _("Axes and workgroups")
    menu_icon = "list-ul"
    menu_order = 210
    items = (
        AxisViewSet,
        WorkgroupViewSet,
        WorkgroupMembershipViewSet,
        ActionPlanViewSet,
        ActionViewSet,
        CommonIssueViewSet,
    )


@hooks.register("register_admin_viewset")
def register_workgroups_viewsets():
    return WorkgroupsViewSetGroup()
