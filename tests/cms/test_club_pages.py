"""A club's page holds its own news and events, written by its animators, and shows them."""

import pytest

from cms.events.models import EventIndexPage
from cms.models import ClubPage, NewsIndexPage
from tests.cms.pages import add_event, add_news, add_page
from tests.factories import ClubFactory

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
