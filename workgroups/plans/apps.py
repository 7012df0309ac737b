from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "workgroups.plans"
    label = "plans"
    verbose_name = _("Action plans")

    def ready(self):
        from portal import demo as portal_demo

        from . import demo

        portal_demo.register("plans", demo.step, order=40)
        from portal.members.models import PersonRole
        from portal.members.roles import crud, grant

        # Action plans and the common issues board, on the site and in the admin: administrators all of
        # them, coordinators those of their axes, club animators (whose group includes the organisers')
        # those of their clubs, the cluster's exchange organisers the participatory processes'; the
        # viewsets narrow lists, exports, forms and choices to the user's scopes.
        plans = [*crud("plans", "actionplan"), *crud("plans", "action"), *crud("plans", "commonissue")]
        grant(PersonRole.ADMINISTRATOR, *plans)
        grant(PersonRole.ORGANISER, *plans)
        grant(PersonRole.COORDINATOR, *plans)
