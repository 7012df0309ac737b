from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSetGroup

from portal.admin import PortalViewSet

from . import permissions, services
from .models import Axis, ParticipatoryProcess, Workgroup, WorkgroupMembership

# Apps nested in this wing (action plans) add their admin screens to this menu through this hook.
WORKGROUPS_MENU_HOOK = "register_workgroups_menu_item"


class AxisViewSet(PortalViewSet):
    model = Axis
    name = "axes"
    icon = "list-ul"
    menu_label = _("Thematic axes")
    list_display = ["number", "title", "colour"]
    search_fields = ["title", "summary"]
    # Its coordinators are the people holding the coordinator role in the axis (Settings → Roles):
    # Axis.coordinators follows those assignments (services.axis_coordinators_follow).
    form_fields = ["number", "title", "slug", "colour", "summary", "organisations"]


class WorkgroupViewSet(PortalViewSet):
    model = Workgroup
    name = "workgroups_admin"  # "workgroups" is the namespace of the members' pages
    url_prefix = "workgroups"
    icon = "group"
    menu_label = _("Workgroups")
    list_display = ["name", "axis", "club", "process", "membership_policy", "is_archived", "last_sequence"]
    list_filter = ["axis", "club", "process", "membership_policy", "is_archived"]
    list_export = ["name", "axis", "club", "process", "theme", "membership_policy", "is_archived", "created_at"]
    search_fields = ["name", "theme", "description"]
    form_fields = [
        "name",
        "slug",
        "axis",
        "club",
        "process",
        "theme",
        "description",
        "membership_policy",
        "is_archived",
    ]
    # Coordinators reach their axes' workgroups, animators their clubs' commissions.
    scope_queryset = staticmethod(permissions.workgroups_led)
    scope_form = staticmethod(permissions.narrow_workgroup_form)
    save_service = staticmethod(services.workgroup_admin_save)


class WorkgroupMembershipViewSet(PortalViewSet):
    model = WorkgroupMembership
    name = "workgroup-memberships"
    save_service = staticmethod(services.membership_admin_save)
    delete_service = staticmethod(services.membership_remove)
    icon = "user"
    menu_label = _("Workgroup members")
    list_display = ["person", "workgroup", "role", "status", "joined_at"]
    list_filter = ["workgroup", "role", "status"]
    list_export = ["workgroup", "person", "role", "status", "joined_at"]
    search_fields = ["person__user__first_name", "person__user__last_name", "workgroup__name"]
    form_fields = ["workgroup", "person", "role", "status"]
    # The memberships of the workgroups the user leads, and only those workgroups to choose from.
    scope_queryset = staticmethod(permissions.memberships_led)
    scope_form = staticmethod(permissions.narrow_membership_form)


class ParticipatoryProcessViewSet(PortalViewSet):
    """The cluster's administrators set up a participatory process and name who runs it; its
    workshops' rooms are then workgroups of the process."""

    model = ParticipatoryProcess
    name = "participatory-processes"
    icon = "group"
    menu_label = _("Participatory processes")
    add_to_admin_menu = True
    menu_order = 215
    list_display = ["title", "started_on"]
    search_fields = ["title", "summary"]
    form_fields = ["title", "slug", "summary", "started_on", "leads"]


class WorkgroupsViewSetGroup(ModelViewSetGroup):
    menu_label = _("Axes and workgroups")
    menu_icon = "list-ul"
    menu_order = 210
    submenu_hook = WORKGROUPS_MENU_HOOK
    items = (AxisViewSet, WorkgroupViewSet, WorkgroupMembershipViewSet)


@hooks.register("register_admin_viewset")
def register_workgroups_viewsets():
    return WorkgroupsViewSetGroup()


@hooks.register("register_admin_viewset")
def register_processes_viewset():
    return ParticipatoryProcessViewSet()


@hooks.register("before_serve_document")
def shared_files_stay_in_their_workgroup(document, request):
    """/documents/<id>/… serves any Wagtail document: a workgroup's shared file only to its members
    (the room's own download address is the one the pages give)."""
    from django.contrib.auth.views import redirect_to_login
    from django.http import Http404

    from .models import SharedFile

    shared = SharedFile.objects.filter(document=document).select_related("workgroup").first()
    if shared is None:
        return None
    if permissions.can_read(request.user, shared.workgroup):
        return None
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise Http404
