"""What every visitor's page shows the same (the home and axis pages' blocks, the home page's figures,
the site's sections, the restricted paths) is read once a minute from the shared cache, and an editor's
change reaches visitors at once (#22)."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import PageViewRestriction, Site

from cms.events import services as event_services
from cms.models import StandardPage
from cms.page_cache import page_cache_purge
from portal.members import services as member_services
from portal.members.models import PersonRole
from tests.cms.pages import add_event, add_news, add_page, axis_page
from tests.factories import (
    AxisFactory,
    BestPracticeFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    WorkgroupFactory,
)


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
    assert "<strong>1</strong> organisations membres" in response.text
    assert "Alimentation durable" in response.text and "Collecte mutualisée des cartons" in response.text


def test_publishing_an_axis_page_shows_its_link_on_the_home_page_at_once(
    home, client, django_capture_on_commit_callbacks
):
    axis = AxisFactory(title="Mobilité partagée")
    response = client.get("/")
    assert "Mobilité partagée</h3>" in response.text  # no page to link to yet

    with django_capture_on_commit_callbacks(execute=True):
        page = axis_page(home, axis)

    assert f'<a href="{page.url}">' in client.get("/").text and "Mobilité partagée</a></h3>" in client.get("/").text


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


# The home page's blocks (figures, axes, events, news, zones) are HTML rendered once for every anonymous
# visitor, per site and language: nothing a visitor would notice may change with it.


def test_a_published_event_and_an_unpublished_news_show_on_the_shared_home_page_at_once(
    home, agenda, news_index, client, django_capture_on_commit_callbacks
):
    news = add_news(news_index, title="Réunion des adhérents")
    response = client.get("/")
    assert "Réunion des adhérents" in response.text and "Atelier compostage" not in response.text

    with django_capture_on_commit_callbacks(execute=True):
        add_event(agenda, days=3, title="Atelier compostage")
        news.unpublish()

    response = client.get("/")
    assert "Atelier compostage" in response.text and "Réunion des adhérents" not in response.text


def test_an_event_that_ends_leaves_the_shared_home_page_and_the_next_one_comes_in_without_a_publish(
    home, agenda, client, monkeypatch
):
    for day in (1, 2, 3, 4):
        add_event(agenda, days=day, hours=2, title=f"Rencontre du jour {day}")
    response = client.get("/")
    assert "Rencontre du jour 1" in response.text and "Rencontre du jour 4" not in response.text  # three shown

    later = timezone.now() + datetime.timedelta(days=1, hours=3)  # the first one has ended
    monkeypatch.setattr(timezone, "now", lambda: later)

    response = client.get("/")
    assert "Rencontre du jour 1" not in response.text and "Rencontre du jour 4" in response.text


def test_a_cancelled_date_leaves_the_shared_home_page_at_once(home, agenda, client, django_capture_on_commit_callbacks):
    organiser = UserFactory()
    member_services.person_create(user=organiser, role=PersonRole.ADMINISTRATOR)
    event = add_event(agenda, days=2, title="Visite de la chaufferie")
    assert "Visite de la chaufferie" in client.get("/").text

    with django_capture_on_commit_callbacks(execute=True):
        event_services.occurrence_cancel(event=event, by=organiser)

    assert "Visite de la chaufferie" not in client.get("/").text


def test_the_shared_home_page_speaks_each_visitor_s_language(home, agenda):
    add_event(agenda, days=2, title="Forum des métiers")
    french = Client(headers={"accept-language": "fr"}).get("/").text
    english = Client(headers={"accept-language": "en"}).get("/").text
    assert "Prochains événements" in french and "Next events" not in french
    assert "Next events" in english and "Prochains événements" not in english
    assert "Forum des métiers" in french and "Forum des métiers" in english


def test_a_signed_in_member_sees_the_news_for_members_that_the_shared_page_leaves_out(
    home, news_index, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        news = add_news(news_index, title="Compte rendu du conseil")
        PageViewRestriction.objects.create(page=news, restriction_type=PageViewRestriction.LOGIN)
    assert "Compte rendu du conseil" not in client.get("/").text  # anonymous: built and kept without it

    member = Client()
    member.force_login(UserFactory())
    assert "Compte rendu du conseil" in member.get("/").text
    assert "Compte rendu du conseil" not in client.get("/").text


def test_a_home_page_restricted_to_members_after_a_visit_asks_the_next_anonymous_visitor_to_sign_in(
    home, client, django_capture_on_commit_callbacks
):
    assert client.get("/").status_code == 200  # the site, its root page and the restrictions now kept

    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(page=home, restriction_type=PageViewRestriction.LOGIN)

    response = client.get("/")
    assert response.status_code == 302 and response["Location"].endswith("login/?next=/")  # to sign in
    member = Client()
    member.force_login(UserFactory())
    assert member.get("/").status_code == 200


def test_a_new_title_published_on_the_home_page_is_served_at_once(home, client, django_capture_on_commit_callbacks):
    client.get("/")
    with django_capture_on_commit_callbacks(execute=True):
        home.title = "Bienvenue au pôle"
        home.save_revision().publish()
    assert '<h1 id="home-title">Bienvenue au pôle</h1>' in client.get("/").text


def test_the_shared_header_and_footer_never_reach_a_signed_in_member_and_follow_the_language(home):
    anonymous = Client(headers={"accept-language": "fr"}).get("/").text
    assert "Se connecter" in anonymous and ">Mes groupes</a>" not in anonymous
    english = Client(headers={"accept-language": "en"}).get("/").text
    assert "Sign in" in english and "Privacy policy" in english and "Politique de confidentialité" not in english

    member = Client(headers={"accept-language": "fr"})
    member.force_login(UserFactory())
    signed_in = member.get("/").text
    assert ">Mes groupes</a>" in signed_in and "Mes données et mes consentements" in signed_in
    assert 'name="csrfmiddlewaretoken"' in signed_in  # the sign-out form, built for this member


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_home_page_from_shared_fragments_is_the_page_built_for_the_visitor(
    home, agenda, news_index, settings, language
):
    AxisFactory(title="Alimentation durable")
    add_event(agenda, days=2, title="Atelier compostage")
    add_news(news_index, title="Six nouveaux membres")
    visitor = Client(headers={"accept-language": language})
    visitor.get("/")
    shared = visitor.get("/").text  # header, home blocks and footer from the fragments
    settings.PAGE_FRAGMENT_SECONDS = 0
    assert shared == visitor.get("/").text


# An axis page's blocks (plans, coordinators, workgroups, best practices, events, news) are shared the same way.


def _axis_with_content(home, agenda, news_index):
    axis = AxisFactory(title="Mobilité partagée")
    page = axis_page(home, axis)
    WorkgroupFactory(axis=axis, name="Covoiturage du parc")
    BestPracticeFactory(axis=axis, title="Une navette pour trois entreprises")
    add_event(agenda, days=2, axis=axis, title="Atelier réparation de vélos")
    add_news(news_index, axis=axis, title="Une nouvelle ligne de bus")
    return axis, page


def test_an_axis_page_reads_its_blocks_once_for_every_visitor_and_shows_what_it_built(
    home, agenda, news_index, settings
):
    _axis, page = _axis_with_content(home, agenda, news_index)
    settings.PAGE_FRAGMENT_SECONDS = 0
    Client().get(page.url)  # warms the per-process caches, as on a running server
    built, response = _queries(Client(), page.url)
    settings.PAGE_FRAGMENT_SECONDS = 60
    Client().get(page.url)  # the first visitor's page keeps the fragments

    shared, shared_response = _queries(Client(), page.url)
    assert shared <= built - 8, f"{built} queries building everything, {shared} with the fragments kept"
    for text in ("Covoiturage du parc", "Une navette pour trois entreprises", "Atelier réparation de vélos",
                 "Une nouvelle ligne de bus"):  # fmt: skip
        assert text in shared_response.text
    assert shared_response.text == response.text


def test_an_event_that_ends_leaves_the_shared_axis_page_and_the_next_one_comes_in_without_a_publish(
    home, agenda, client, monkeypatch
):
    axis = AxisFactory()
    page = axis_page(home, axis)
    for day in (1, 2, 3, 4, 5):
        add_event(agenda, days=day, hours=2, axis=axis, title=f"Rencontre du jour {day}")
    assert "Rencontre du jour 5" not in client.get(page.url).text  # four shown

    later = timezone.now() + datetime.timedelta(days=1, hours=3)  # the first one has ended
    monkeypatch.setattr(timezone, "now", lambda: later)

    assert "Rencontre du jour 5" in client.get(page.url).text


def test_a_signed_in_member_sees_the_axis_best_practices_for_members_that_the_shared_page_leaves_out(home, client):
    axis = AxisFactory()
    page = axis_page(home, axis)
    BestPracticeFactory(axis=axis, title="Réservée aux adhérents", visibility="members")
    assert "Réservée aux adhérents" not in client.get(page.url).text  # anonymous: built and kept without it

    user = UserFactory()
    member_services.person_create(user=user, role=PersonRole.MEMBER, organisation=OrganisationFactory())
    member = Client()
    member.force_login(user)
    assert "Réservée aux adhérents" in member.get(page.url).text
    assert "Réservée aux adhérents" not in client.get(page.url).text
