"""The site-wide news index and agenda filter by axis and by club (#17): a news item or an event belongs
to a club when it is published under the club's page, to an axis when it carries that axis or lives
under the axis's page."""

import pytest
from django.db import transaction

from cms import selectors
from cms.events import selectors as event_selectors
from cms.events.models import EventIndexPage
from cms.models import ClubPage, HomePage, NewsIndexPage
from tests.cms.pages import add_event, add_news, add_page, axis_page
from tests.factories import AxisFactory, ClubFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def _built(django_db_setup, django_db_blocker):
    """The site, built once for this module's tests (a score of Wagtail pages: seconds), in a
    transaction rolled back after the last one. Each test runs in a savepoint inside it, so what a
    test adds is gone for the next."""
    with django_db_blocker.unblock(), transaction.atomic():
        home = HomePage.objects.get()
        news_index = add_page(home, NewsIndexPage, title="Actualités")
        agenda = add_page(home, EventIndexPage, title="Agenda")
        yield {"home": home, "news_index": news_index, "agenda": agenda, **build_site(home, news_index, agenda)}
        transaction.set_rollback(True)


@pytest.fixture
def site(_built, db):
    return _built


@pytest.fixture
def home(site):
    return site["home"]


@pytest.fixture
def news_index(site):
    return site["news_index"]


@pytest.fixture
def agenda(site):
    return site["agenda"]


def build_site(home, news_index, agenda):
    """Two axes and two clubs, each with its own news and events, and some on the site's own indexes."""
    mobility, energy = AxisFactory(title="Mobilité"), AxisFactory(title="Énergie")
    mobility_page, energy_page = axis_page(home, mobility), axis_page(home, energy)
    tanneries = add_page(home, ClubPage, title="Club des Tanneries", club=ClubFactory(name="Club des Tanneries"))
    gare = add_page(home, ClubPage, title="Club de la Gare", club=ClubFactory(name="Club de la Gare"))
    tanneries_news = add_page(tanneries, NewsIndexPage, title="Actualités des Tanneries")
    tanneries_agenda = add_page(tanneries, EventIndexPage, title="Agenda des Tanneries")
    add_news(tanneries_news, title="Benne partagée aux Tanneries")
    add_news(tanneries_news, title="Covoiturage aux Tanneries", axis=mobility)
    add_news(add_page(gare, NewsIndexPage, title="Actualités de la Gare"), title="Nouvelle de la Gare")
    add_news(add_page(mobility_page, NewsIndexPage, title="Actualités mobilité"), title="Plan de mobilité")
    add_news(news_index, title="Bornes de recharge", axis=energy)
    add_news(news_index, title="Assemblée générale")
    add_event(tanneries_agenda, title="Petit-déjeuner des Tanneries")
    add_event(tanneries_agenda, title="Atelier vélo des Tanneries", axis=mobility)
    add_event(tanneries_agenda, days=-30, title="Visite passée des Tanneries")
    add_event(add_page(mobility_page, EventIndexPage, title="Agenda mobilité"), title="Forum mobilité")
    add_event(agenda, title="Assises du pôle")
    add_event(agenda, title="Atelier énergie", axis=energy)
    return {"mobility": mobility_page, "energy": energy_page, "tanneries": tanneries, "gare": gare}


def titles(queryset):
    return {page.title for page in queryset}


def filters_of(params):
    return selectors.index_filters(params)


# --- Selectors --------------------------------------------------------------------------------------


def test_news_of_a_club_are_those_published_under_its_page(site):
    chosen = filters_of({"club": str(site["tanneries"].pk)}).chosen()
    assert titles(selectors.latest_news(**chosen)) == {"Benne partagée aux Tanneries", "Covoiturage aux Tanneries"}


def test_news_of_an_axis_carry_the_axis_or_live_under_its_page(site):
    chosen = filters_of({"axe": str(site["mobility"].pk)}).chosen()
    assert titles(selectors.latest_news(**chosen)) == {"Covoiturage aux Tanneries", "Plan de mobilité"}
    chosen = filters_of({"axe": str(site["energy"].pk)}).chosen()
    assert titles(selectors.latest_news(**chosen)) == {"Bornes de recharge"}


def test_axis_and_club_combine(site):
    chosen = filters_of({"axe": str(site["mobility"].pk), "club": str(site["tanneries"].pk)}).chosen()
    assert titles(selectors.latest_news(**chosen)) == {"Covoiturage aux Tanneries"}
    assert titles(event_selectors.upcoming_events(**chosen)) == {"Atelier vélo des Tanneries"}


def test_events_filter_the_same_way_upcoming_and_past(site):
    chosen = filters_of({"club": str(site["tanneries"].pk)}).chosen()
    assert titles(event_selectors.upcoming_events(**chosen)) == {
        "Petit-déjeuner des Tanneries",
        "Atelier vélo des Tanneries",
    }
    assert titles(event_selectors.past_events(**chosen)) == {"Visite passée des Tanneries"}
    chosen = filters_of({"axe": str(site["mobility"].pk)}).chosen()
    assert titles(event_selectors.upcoming_events(**chosen)) == {"Atelier vélo des Tanneries", "Forum mobilité"}


@pytest.mark.parametrize("params", [{"club": "999999"}, {"axe": "abc"}, {"club": "1 OR 1=1"}, {"axe": "x" * 500}])
def test_an_unknown_value_is_ignored_and_flagged(site, params):
    filters = filters_of(params)
    assert filters.unknown and not filters.active
    assert selectors.latest_news(**filters.chosen()).count() == 6


def test_the_choices_are_the_live_axis_and_club_pages(site, home):
    draft = add_page(home, ClubPage, title="Club en projet", club=ClubFactory(), publish=False)
    filters = filters_of({"club": str(draft.pk)})
    assert titles(filters.axes) == {"Mobilité", "Énergie"}
    assert titles(filters.clubs) == {"Club des Tanneries", "Club de la Gare"}
    assert filters.unknown  # a draft club page is no filter


# --- The pages ---------------------------------------------------------------------------------------


def get(client, index, **params):
    response = client.get(index.url, params, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    return response.content.decode()


def test_the_news_index_filters_by_club_and_keeps_the_filter_in_its_links(client, site, news_index):
    html = get(client, news_index)
    assert 'name="axe"' in html and 'name="club"' in html and "Club des Tanneries</option>" in html
    assert ">Filtrer</button>" in html  # without JavaScript, the button applies the filters
    html = get(client, news_index, club=site["tanneries"].pk)
    assert "Benne partagée aux Tanneries" in html and "Covoiturage aux Tanneries" in html
    assert "Nouvelle de la Gare" not in html and "Assemblée générale" not in html
    assert f'<option value="{site["tanneries"].pk}" selected>' in html
    assert "Effacer les filtres" in html


def test_the_news_index_keeps_the_filters_across_pages(client, site, news_index):
    for number in range(13):
        add_news(news_index, title=f"Énergie n°{number}", axis=site["energy"].axis)
    html = get(client, news_index, axe=site["energy"].pk)
    assert f"axe={site['energy'].pk}&amp;page=2" in html
    page_two = get(client, news_index, axe=site["energy"].pk, page=2)
    assert "Bornes de recharge" in page_two and "Énergie n°0<" in page_two  # the oldest two of 14
    assert "Assemblée générale" not in page_two


def test_the_tag_combines_with_the_filters(client, site, news_index):
    tagged = add_news(news_index, title="Recharge rapide", axis=site["energy"].axis)
    tagged.tags.add("recharge")
    tagged.save_revision().publish()
    html = get(client, news_index, tag="recharge", axe=site["energy"].pk)
    assert "Recharge rapide" in html and "Bornes de recharge" not in html
    assert 'name="tag" value="recharge"' in html  # changing a filter keeps the tag
    html = get(client, news_index, tag="recharge", club=site["tanneries"].pk)
    assert "Aucune actualité ne correspond à ces filtres." in html


@pytest.mark.parametrize("params", [{"club": "999"}, {"axe": "abc"}])
def test_a_bad_value_shows_everything_with_a_french_notice(client, site, news_index, agenda, params):
    html = get(client, news_index, **params)
    assert "Cet axe ou ce club est introuvable : le filtre est ignoré." in html
    assert "Assemblée générale" in html and "Nouvelle de la Gare" in html
    html = get(client, agenda, **params)
    assert "Cet axe ou ce club est introuvable" in html and "Assises du pôle" in html


def test_an_empty_result_says_so_in_french_with_a_link_to_clear(client, site, agenda, news_index):
    html = get(client, agenda, axe=site["energy"].pk, club=site["tanneries"].pk)
    assert "Aucun événement à venir ne correspond à ces filtres." in html
    assert "Aucun événement passé ne correspond à ces filtres." in html
    assert f'href="{agenda.url}"' in html
    html = get(client, news_index, axe=site["energy"].pk, club=site["gare"].pk)
    assert "Aucune actualité ne correspond à ces filtres." in html
    assert "Afficher toutes les actualités" in html


def test_the_agenda_filters_by_axis(client, site, agenda):
    html = get(client, agenda, axe=site["mobility"].pk)
    assert "Atelier vélo des Tanneries" in html and "Forum mobilité" in html
    assert "Assises du pôle" not in html and "Atelier énergie" not in html


def test_an_axis_or_club_index_has_no_filter(client, site):
    club_news = NewsIndexPage.objects.child_of(site["tanneries"]).get()
    html = get(client, club_news, club=site["gare"].pk)
    assert 'name="club"' not in html and "Benne partagée aux Tanneries" in html
