from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewslettersConfig(AppConfig):
    name = "cms.newsletters"
    label = "newsletters"
    verbose_name = _("Newsletters")

    def ready(self):
        from portal import demo as portal_demo

        from . import demo

        portal_demo.register("newsletters", demo.step, order=90)
        from portal.members.models import PersonRole
        from portal.members.roles import crud, grant

        from . import privacy, sources

        sources.register_defaults()
        privacy.register()
        grant(PersonRole.ADMINISTRATOR, *crud("newsletters", "newsletter"), "newsletters.view_subscriber")
        grant(PersonRole.ORGANISER, *crud("newsletters", "newsletter"), "newsletters.view_subscriber")
