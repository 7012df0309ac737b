from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "portal.privacy"
    label = "privacy"
    verbose_name = _("Privacy (RGPD)")

    def ready(self):
        from portal import demo as portal_demo

        from . import demo

        portal_demo.register("privacy", demo.step, order=80)
        from portal.members.models import PersonRole
        from portal.members.roles import grant

        from . import privacy

        privacy.register()
        grant(PersonRole.ADMINISTRATOR, "privacy.view_consent", "privacy.view_exportaccess")
