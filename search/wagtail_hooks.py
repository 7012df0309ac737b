"""The synonyms' screen in the admin's settings: saves and deletes go through search.services, which
normalise the rule and send the list to the search server (applied to the next search)."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from portal.admin import PortalViewSet

from . import services
from .models import SynonymRule


def _save(*, instance, by, save):
    return services.synonym_save(rule=instance, by=by)


def _delete(*, instance, by):
    services.synonym_delete(rule=instance, by=by)


class SynonymRuleViewSet(PortalViewSet):
    name = "search-synonyms"
    model = SynonymRule
    icon = "search"
    menu_label = _("Search synonyms")
    add_to_settings_menu = True
    save_service = staticmethod(_save)
    delete_service = staticmethod(_delete)
    list_display = ["rule", "note", "updated_at"]
    list_export = ["rule", "note", "updated_at"]
    search_fields = ["rule", "note"]
    form_fields = ["rule", "note"]


@hooks.register("register_admin_viewset")
def register_synonyms_viewset():
    return SynonymRuleViewSet()
