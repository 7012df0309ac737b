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

        # Action plans and the common issues board: administrators and organisers edit them in the
        # admin; coordinators update their axis plans' progress on the site (views.plan_update).
        plans = [*crud("plans", "actionplan"), *crud("plans", "action"), *crud("plans", "commonissue")]
        grant(PersonRole.ADMINISTRATOR, *plans)
        grant(PersonRole.ORGANISER, *plans)
        grant(PersonRole.COORDINATOR, "plans.view_actionplan", "plans.view_action", *crud("plans", "commonissue"))
