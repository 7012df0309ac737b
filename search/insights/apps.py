from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "search.insights"
    label = "search_insights"
    verbose_name = _("What the searches tell")

    def ready(self):
        from . import privacy

        privacy.register()
