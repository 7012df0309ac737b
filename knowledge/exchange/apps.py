from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "knowledge.exchange"
    label = "exchange"
    verbose_name = _("Resource exchange")

    def ready(self):
        from portal import demo as portal_demo

        from . import demo

        portal_demo.register("exchange", demo.step, order=60)
        from portal.members.models import PersonRole, Role
        from portal.members.roles import crud, grant

        from . import indexing, privacy

        indexing.register()
        privacy.register()  # what the privacy app exports and erases here
        managed = ("resourcesheet", "exchangesession", "registration", "synergy", "exchangeobjective")
        # Exchange organisers and club animators run sessions (their clubs'): the lists and forms are
        # narrowed to those by permissions.py. The animators' group holds the organisers' grants too.
        for role in (PersonRole.ADMINISTRATOR, PersonRole.ORGANISER, Role.ANIMATOR):
            grant(
                role,
                *(permission for model in managed for permission in crud("exchange", model)),
                "exchange.view_interest",
                "exchange.view_satisfactionresponse",
            )
