"""The demo site's pages."""

from .models import HomePage

HOME_INTRO = (
    "<p>Le <b>Pôle territorial de coopération économique du Val d'Arvière</b> réunit des coopératives, "
    "des associations, des mutuelles, des entreprises classiques, les collectivités et l'université du territoire. "
    "Ensemble, nous travaillons par axe thématique et au sein des clubs d'entreprises des parcs d'activités.</p>"
)


def load_pages() -> HomePage:
    home = HomePage.objects.first()
    home.title = "Pôle de coopération du Val d'Arvière"
    home.intro = HOME_INTRO
    home.save_revision().publish()
    return home
