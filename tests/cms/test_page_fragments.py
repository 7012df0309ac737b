"""What every visitor's page shows the same (the home page's figures, the site's sections, the restricted
paths) is read once a minute from the shared cache, and an editor's change reaches visitors at once (#22)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction, Site

from cms.models import StandardPage
from cms.page_cache import page_cache_purge
from tests.cms.pages import add_news, add_page, axis_page
from tests.factories import AxisFactory, MembershipFactory, OrganisationFactory


@pytest.fixture(autouse=True)
def fragments_on(settings):
    settings.PAGE_FRAGMENT_SECONDS = 60
    assert "RedisCache" in settings.CACHES["pages"]["BACKEND"], "the tests run against the real Redis"
    page_cache_purge()  # nothing left by an earlier test


def _queries(client, url) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries), response


def test_the_home_page_reads_its_figures_once_for_every_visitor(home, news_index, settings):
    AxisFactory(title="Alimentation durable")
    MembershipFactory(organisation=OrganisationFactory())
    add_news(news_index, title="Collecte mutualisée des cartons")
    settings.PAGE_FRAGMENT_SECONDS = 0
    Client().get("/")  # warms the per-process caches, as on a running server
    built, _response = _queries(Client(), "/")
    settings.PAGE_FRAGMENT_SECONDS = 60
    Client().get("/")  # the first visitor's page keeps the fragments

    shared, response = _queries(Client(), "/")
    assert shared <= built - 7, f"{built} queries building everything, {shared} with the fragments kept"
    assert response.context["member_counts"]["total"] == 1
    assert "Alimentation durable" in response.text and "Collecte mutualisée des cartons" in response.text


def test_publishing_an_axis_page_shows_its_link_on_the_home_page_at_once(
    home, client, django_capture_on_commit_callbacks
):
    axis = AxisFactory(title="Mobilité partagée")
    assert client.get("/").context["axis_cards"] == [(axis, None)]

    with django_capture_on_commit_callbacks(execute=True):
        page = axis_page(home, axis)

    response = client.get("/")
    assert [(card.pk, linked.pk) for card, linked in response.context["axis_cards"]] == [(axis.pk, page.pk)]
    assert page.url in response.text


def test_a_news_restricted_after_the_home_page_was_built_leaves_it_at_once(
    home, news_index, client, django_capture_on_commit_callbacks
):
    news = add_news(news_index, title="Réunion des adhérents")
    assert "Réunion des adhérents" in client.get("/").text

    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(page=news, restriction_type=PageViewRestriction.LOGIN)

    assert "Réunion des adhérents" not in client.get("/").text


def test_the_site_is_found_without_a_query_and_a_new_root_page_is_served_at_once(
    home, client, django_capture_on_commit_callbacks
):
    client.get("/")
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/").status_code == 200
    assert not [query for query in captured.captured_queries if "wagtailcore_site" in query["sql"]]

    other = add_page(home, StandardPage, title="Nouvelle racine", intro="Le site a changé de racine.")
    site = Site.objects.get(is_default_site=True)
    with django_capture_on_commit_callbacks(execute=True):
        site.root_page = other
        site.save()
    assert "Le site a changé de racine." in client.get("/").text
