from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkgroupsConfig(AppConfig):
    name = "workgroups"
    verbose_name = _("Thematic axes and workgroups")

    def ready(self):
        from portal import demo as portal_demo

        from . import demo

        portal_demo.register("workgroups", demo.step, order=30)
        from portal.members.models import PersonRole, Role

        from . import indexing

        indexing.register()
        from . import privacy  # what the privacy app exports and erases here

        privacy.register()
        from portal.members import scopes

        from .models import Axis

        scopes.register(scopes.ScopeKind.AXIS, **scopes.model_source(Axis, order_by=["number"]))
        from portal.members.roles import crud, grant

        grant(
            PersonRole.ADMINISTRATOR,
            *crud("workgroups", "axis"),
            *crud("workgroups", "workgroup"),
            *crud("workgroups", "workgroupmembership"),
            *crud("workgroups", "participatoryprocess"),
        )
        # Coordinators (their axes' workgroups) and club animators (their clubs' commissions, in their
        # own group) work in the admin too, on the rows of their scopes only: the viewsets
        # narrow lists, exports, forms and choices (permissions.workgroups_led, memberships_led).
        # Deleting a workgroup (and its discussion) stays the administrators': they archive.
        leaders = [
            "workgroups.view_axis",
            "workgroups.add_workgroup",
            "workgroups.change_workgroup",
            "workgroups.view_workgroup",
            *crud("workgroups", "workgroupmembership"),
        ]
        grant(PersonRole.COORDINATOR, *leaders)
        grant(Role.ANIMATOR, *leaders)
        grant(PersonRole.ORGANISER, "workgroups.view_axis")

        from . import services

        # Axis.coordinators (shown and followed by the public site) follows the coordinator assignments.
        scopes.follow_roles(services.axis_coordinators_follow)
