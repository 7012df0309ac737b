from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "search.insights"
    label = "search_insights"
    verbose_name = _("What the searches tell")

    def ready(self):
        from portal.members.models import PersonRole
        from portal.members.roles import crud, grant

        from . import privacy

        privacy.register()
        # The synonyms' screen (search.permissions.may_edit_synonyms): what the searches tell leads to
        # a synonym to add, and the synonyms widen every member's searches: the administrators'.
        grant(PersonRole.ADMINISTRATOR, *crud("search", "synonymrule"))
