"""A club's page holds its own news and events, written by its animators, and shows them."""

from decimal import Decimal

import pytest
from bs4 import BeautifulSoup

from cms.events.models import EventIndexPage
from cms.models import ClubPage, NewsIndexPage
from tests.cms.pages import add_event, add_news, add_page
from tests.factories import ClubFactory, ZoneFactory

pytestmark = pytest.mark.django_db


def test_the_club_page_shows_its_news_and_its_events_only(client, home, news_index, agenda):
    club = ClubFactory(name="Club des Tanneries")
    page = add_page(home, ClubPage, title=club.name, slug="tanneries", club=club)
    before = client.get(page.url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Actualités du club" not in before and "Événements du club" not in before  # none yet: no empty section

    add_news(add_page(page, NewsIndexPage, title="Actualités des Tanneries"), title="Une benne partagée")
    add_event(add_page(page, EventIndexPage, title="Agenda des Tanneries"), title="Petit-déjeuner des Tanneries")
    add_news(news_index, title="Nouvelle du pôle")
    add_event(agenda, title="Assises du pôle")
    html = client.get(page.url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Une benne partagée" in html and "Petit-déjeuner des Tanneries" in html
    assert "Nouvelle du pôle" not in html and "Assises du pôle" not in html


def test_the_club_page_links_to_its_park_on_the_map_once_the_park_is_placed(client, home):
    tanneries = ZoneFactory(name="Parc des Tanneries", slug="tanneries")
    page = add_page(home, ClubPage, title="Club des Tanneries", club=ClubFactory(zone=tanneries))

    def map_link():
        soup = BeautifulSoup(client.get(page.url, HTTP_ACCEPT_LANGUAGE="fr").content, "html.parser")
        return soup.find("a", string="Voir le parc sur la carte")

    assert map_link() is None  # no point yet: the map would not show the park
    tanneries.latitude, tanneries.longitude = Decimal("47.0755"), Decimal("2.412")
    tanneries.save()
    assert map_link()["href"] == "/annuaire/carte/?zone=tanneries"
    map_page = client.get(map_link()["href"], HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Parc des Tanneries" in map_page and page.url in map_page
