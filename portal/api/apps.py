from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "portal.api"
    label = "api"
    verbose_name = _("Open API")

    def ready(self):
        from . import privacy  # what the privacy app exports and erases here

        privacy.register()
