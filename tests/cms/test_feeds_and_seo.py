"""What the site offers to other programs: feeds, the sitemap, robots.txt, sharing tags, error pages."""

import xml.etree.ElementTree as ET  # noqa: S405 - parses the portal's own feed in a test

import pytest
from django.conf import settings
from django.test import override_settings
from wagtail.models import PageViewRestriction, Site

from tests.cms.pages import add_news, axis_page
from tests.factories import AxisFactory

ATOM = "{http://www.w3.org/2005/Atom}"


def test_rss_lists_live_public_news_newest_first(client, news_index):
    add_news(news_index, days_ago=10, title="Assises : le bilan")
    add_news(news_index, days_ago=1, title="Six nouveaux membres")
    add_news(news_index, title="Nouvelle en brouillon", publish=False)
    private = add_news(news_index, title="Réservée aux membres")
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)

    response = client.get("/flux/actualites.rss")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")  # noqa: S314 - our own feed
    titles = [item.findtext("title") for item in channel.findall("item")]
    assert titles == ["Six nouveaux membres", "Assises : le bilan"]
    assert channel.find("item").findtext("link").endswith("/actualites/six-nouveaux-membres/")


def test_atom_feed_has_the_same_news(client, news_index):
    add_news(news_index, title="Cantines : 30 % de produits du Val")
    feed = ET.fromstring(client.get("/flux/actualites.atom").content)  # noqa: S314 - our own feed
    assert [entry.findtext(f"{ATOM}title") for entry in feed.findall(f"{ATOM}entry")] == [
        "Cantines : 30 % de produits du Val"
    ]


def test_every_page_advertises_the_news_feeds(client, home):
    body = client.get("/").content.decode()
    assert 'type="application/rss+xml"' in body and 'href="/flux/actualites.rss"' in body


def test_sitemap_lists_live_pages_only(client, home, news_index):
    live = add_news(news_index, title="Six nouveaux membres")
    draft = add_news(news_index, title="Nouvelle en brouillon", publish=False)
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    body = response.content.decode()
    assert live.url in body and news_index.url in body and draft.slug not in body


def test_robots_txt_points_to_the_sitemap_and_keeps_robots_out_of_member_areas(client, db):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in text
    assert "Disallow: /admin/" in text and "Disallow: /groupes/" in text


def test_pages_carry_sharing_tags(client, home, news_index):
    news = add_news(news_index, title="Conserverie solidaire", summary="Les invendus deviennent soupes.")
    body = client.get(news.url).content.decode()
    assert '<meta property="og:title" content="Conserverie solidaire">' in body
    assert '<meta property="og:description" content="Les invendus deviennent soupes.">' in body
    assert '<meta property="og:type" content="article">' in body
    # The Site record the migrations make says http://localhost, no real address: PORTAL_BASE_URL is.
    assert f'<link rel="canonical" href="{settings.WAGTAILADMIN_BASE_URL}{news.url}">' in body
    assert f'<meta property="og:url" content="{settings.WAGTAILADMIN_BASE_URL}{news.url}">' in body
    assert "http://localhost/" not in body


@override_settings(ALLOWED_HOSTS=["ptce-val-arviere.example.org"])
def test_canonical_urls_use_the_sites_own_domain(client, home, news_index):
    news = add_news(news_index, title="Conserverie solidaire")
    Site.objects.filter(is_default_site=True).update(hostname="ptce-val-arviere.example.org", port=443)
    body = client.get(news.url, HTTP_HOST="ptce-val-arviere.example.org").content.decode()
    assert f'<link rel="canonical" href="https://ptce-val-arviere.example.org{news.url}">' in body


def test_an_axis_page_describes_itself_from_its_introduction(client, home):
    page = axis_page(home, AxisFactory(title="Mobilité"), introduction="Un plan de mobilité pour les trois parcs.")
    body = client.get(page.url).content.decode()
    assert '<meta property="og:description" content="Un plan de mobilité pour les trois parcs.">' in body


def test_unknown_address_gets_the_french_not_found_page(client, home):
    response = client.get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Page introuvable" in body and 'href="/recherche/"' in body


@pytest.mark.urls("tests.cms.failing_urls")
@override_settings(DEBUG=False)
def test_server_error_page_is_french_and_needs_no_database(client, db):
    client.raise_request_exception = False
    response = client.get("/boum/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Un problème est survenu de notre côté" in body and 'lang="fr"' in body
