from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Search")

    def ready(self):
        from portal import demo as portal_demo
        from portal.members.models import PersonRole
        from portal.members.roles import crud, grant

        # The synonyms' screen is the administrators' (search.permissions.may_edit_synonyms).
        grant(PersonRole.ADMINISTRATOR, *crud("search", "synonymrule"))
        portal_demo.register("search", _demo_step, order=5)


def _demo_step(demo: dict, say) -> None:
    from .services import synonyms_seed_defaults

    if added := synonyms_seed_defaults():
        say(f"{added} synonym rules for the search")
