from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "knowledge"
    verbose_name = _("Best practices and resource exchange")

    def ready(self):
        from portal import demo as portal_demo

        from . import demo

        portal_demo.register("knowledge", demo.step, order=50)
        from portal.members.models import PersonRole
        from portal.members.roles import crud, grant

        from . import indexing

        # The admin screen of the records is the administrators'; coordinators review on the site.
        grant(PersonRole.ADMINISTRATOR, *crud("knowledge", "bestpractice"))

        indexing.register()
        from . import privacy  # what the privacy app exports and erases here

        privacy.register()
