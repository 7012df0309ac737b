"""Pages restricted to members (or private) never appear in what anonymous visitors are shown: the home
page, the news index and the events calendar list only public pages to them; members see the
members' pages."""

import pytest
from wagtail.models import PageViewRestriction

from cms.events.models import EventIndexPage
from cms.models import HomePage, NewsIndexPage
from tests.cms.pages import add_event, add_news, add_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def site_pages():
    home = HomePage.objects.get()
    agenda = add_page(home, EventIndexPage, title="Agenda")
    news_index = add_page(home, NewsIndexPage, title="Actualités")
    add_news(news_index, days_ago=2, title="Nouvelle publique")
    add_event(agenda, days=3, title="Rencontre publique")
    members_news = add_news(news_index, days_ago=1, title="Réservé aux membres")
    members_event = add_event(agenda, days=2, title="Atelier des membres")
    private_news = add_news(news_index, days_ago=1, title="Brouillon confidentiel")
    for page in (members_news, members_event):
        PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    PageViewRestriction.objects.create(page=private_news, restriction_type=PageViewRestriction.PASSWORD, password="x")
    return home, agenda, news_index


@pytest.mark.parametrize("which", ["home", "agenda", "news_index"])
def test_anonymous_listings_show_only_public_pages(client, site_pages, which):
    home, agenda, news_index = site_pages
    page = {"home": home, "agenda": agenda, "news_index": news_index}[which]
    body = client.get(page.url).content.decode()
    assert "Réservé aux membres" not in body and "Atelier des membres" not in body
    assert "Brouillon confidentiel" not in body
    assert ("Nouvelle publique" in body) or ("Rencontre publique" in body)


def test_members_see_the_members_pages_in_the_listings(client, site_pages, member):
    home, _agenda, news_index = site_pages
    client.force_login(member)
    assert "Réservé aux membres" in client.get(news_index.url).content.decode()
    body = client.get(home.url).content.decode()
    assert "Atelier des membres" in body and "Brouillon confidentiel" not in body
