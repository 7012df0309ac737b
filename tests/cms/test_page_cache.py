"""The public pages are served from the shared cache (the real Redis) to anonymous visitors, and
a change made by the editors reaches them at once."""

import pytest
from django.test import Client

from cms.page_cache import CACHE_STATUS_HEADER, page_cache_purge
from tests.cms.pages import add_event, add_news, add_page
from tests.factories import PersonFactory


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 60
    assert "RedisCache" in settings.CACHES["pages"]["BACKEND"], "the tests run against the real Redis"
    page_cache_purge()  # nothing left by an earlier test


def _status(response):
    return response.headers.get(CACHE_STATUS_HEADER)


def test_anonymous_visitors_share_one_built_page(client, home, news_index):
    add_news(news_index, title="Collecte mutualisée des cartons")
    first = client.get("/")
    second = Client().get("/")

    assert (first.status_code, second.status_code) == (200, 200)
    assert (_status(first), _status(second)) == ("miss", "hit")
    assert second.content == first.content
    assert "Collecte mutualisée des cartons" in second.text
    # The browser is not told to keep it: a purge reaches it at once.
    assert "Cache-Control" not in second.headers and "Expires" not in second.headers


def test_publishing_purges_the_cached_page(client, home, news_index, django_capture_on_commit_callbacks):
    news = add_news(news_index, title="Petit-déjeuner des dirigeants")
    assert "Petit-déjeuner des dirigeants" in client.get(news.url).text
    assert _status(client.get(news.url)) == "hit"

    news.title = "Petit-déjeuner des dirigeants : compte rendu"
    with django_capture_on_commit_callbacks(execute=True):
        news.save_revision().publish()

    response = client.get(news.url)
    assert _status(response) == "miss"
    assert "compte rendu" in response.text


def test_unpublished_page_is_gone_at_once(client, home, news_index, django_capture_on_commit_callbacks):
    news = add_news(news_index, title="Annonce retirée")
    url = news.url
    client.get(url)
    assert _status(client.get(url)) == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        news.unpublish()

    assert client.get(url).status_code == 404


def test_signed_in_member_never_gets_the_anonymous_page(client, home):
    client.get("/")
    assert _status(client.get("/")) == "hit"

    person = PersonFactory()
    member = Client()
    member.force_login(person.user)
    response = member.get("/")
    assert response.status_code == 200
    assert _status(response) is None
    assert "Se déconnecter" in response.text or "Sign out" in response.text


def test_each_language_has_its_own_copy(client, home):
    french = client.get("/", HTTP_ACCEPT_LANGUAGE="fr")
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert 'lang="fr"' in french.text and 'lang="en"' in english.text
    assert _status(client.get("/", HTTP_ACCEPT_LANGUAGE="en")) == "hit"
    assert 'lang="en"' in client.get("/", HTTP_ACCEPT_LANGUAGE="en").text
    assert 'lang="fr"' in client.get("/", HTTP_ACCEPT_LANGUAGE="fr").text


def test_a_page_with_a_registration_form_is_built_for_each_visitor(client, agenda):
    event = add_event(agenda, title="Atelier ouvert", capacity=10)
    first = client.get(event.url)
    assert 'name="csrfmiddlewaretoken"' in first.text
    second = client.get(event.url)
    assert _status(second) is None
    assert second.cookies.get("csrftoken") is not None, "its form needs a token of its own"


def test_contact_page_is_never_cached(client, home):
    from cms.models import ContactPage

    contact = add_page(home, ContactPage, title="Nous écrire")
    client.get(contact.url)
    assert _status(client.get(contact.url)) is None


def test_language_switch_works_without_token_and_the_page_stays_shareable(client, home):
    page = client.get("/")
    assert "csrfmiddlewaretoken" not in page.text
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert 'lang="en"' in client.get("/").text


def test_a_down_cache_never_breaks_the_site(client, home, news_index, settings, django_capture_on_commit_callbacks):
    news = add_news(news_index, title="Avant la panne")
    settings.CACHES = {
        **settings.CACHES,
        "pages": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"},
    }
    response = client.get(news.url)
    assert response.status_code == 200 and "Avant la panne" in response.text

    news.title = "Pendant la panne"
    with django_capture_on_commit_callbacks(execute=True):
        news.save_revision().publish()
    news.refresh_from_db()
    assert news.title == "Pendant la panne" and news.live
    assert "Pendant la panne" in client.get(news.url).text
