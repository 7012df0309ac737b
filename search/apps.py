from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Search")

    def ready(self):
        from portal import demo as portal_demo

        # Who may change the synonyms is granted by search.insights (search imports no app).
        portal_demo.register("search", _demo_step, order=5)


def _demo_step(demo: dict, say) -> None:
    from .services import synonyms_seed_defaults

    if added := synonyms_seed_defaults():
        say(f"{added} synonym rules for the search")
