"""Where each page type may be created: the tree is Home → axes → (news, events); Home → sections."""

import pytest
from django.core.exceptions import ValidationError

from cms.events.models import EventIndexPage, EventPage
from cms.models import (
    AxisPage,
    ClubPage,
    ContactPage,
    HomePage,
    NewsIndexPage,
    NewsPage,
    StandardPage,
    SurveyResultsPage,
)
from tests.cms.pages import add_event, add_news, add_page, axis_page
from tests.factories import AxisFactory, ClubFactory


def test_home_page_holds_the_site_sections(home):
    assert set(HomePage.allowed_subpage_models()) == {
        AxisPage,
        NewsIndexPage,
        EventIndexPage,
        ClubPage,
        StandardPage,
        ContactPage,
        SurveyResultsPage,
    }
    assert not HomePage.can_create_at(home)  # one home page per site, at the root only


def test_an_axis_page_holds_only_its_news_and_events(home):
    page = axis_page(home, AxisFactory())
    assert set(AxisPage.allowed_subpage_models()) == {NewsIndexPage, EventIndexPage}
    assert AxisPage.can_create_at(home)
    assert not AxisPage.can_create_at(page)
    for model in (ClubPage, StandardPage, ContactPage, NewsPage, EventPage):
        assert not model.can_create_at(page), model
    assert NewsIndexPage.can_create_at(page) and EventIndexPage.can_create_at(page)


def test_news_and_events_only_in_their_index(home, news_index, agenda):
    assert NewsPage.can_create_at(news_index) and not NewsPage.can_create_at(agenda)
    assert EventPage.can_create_at(agenda) and not EventPage.can_create_at(news_index)
    assert not NewsPage.can_create_at(home) and not EventPage.can_create_at(home)
    assert NewsPage.allowed_subpage_models() == [] and EventPage.allowed_subpage_models() == []


def test_clubs_standard_and_contact_pages_only_under_home(home, news_index):
    for model in (ClubPage, StandardPage, ContactPage):
        assert model.can_create_at(home), model
        assert not model.can_create_at(news_index), model
    assert StandardPage.allowed_subpage_models() == [] and ContactPage.allowed_subpage_models() == []
    # A club's page holds its news, its events and the published results of its needs surveys.
    assert ClubPage.allowed_subpage_models() == [NewsIndexPage, EventIndexPage, SurveyResultsPage]
    assert SurveyResultsPage.allowed_subpage_models() == []
    assert not SurveyResultsPage.can_create_at(news_index)


def test_one_news_index_and_one_calendar_per_parent(home, news_index, agenda):
    assert not NewsIndexPage.can_create_at(home)
    assert not EventIndexPage.can_create_at(home)
    page = axis_page(home, AxisFactory())
    assert NewsIndexPage.can_create_at(page)
    add_page(page, NewsIndexPage, title="Actualités de l'axe")
    assert not NewsIndexPage.can_create_at(page)


def test_one_page_per_axis_and_per_club(home):
    axis = AxisFactory()
    axis_page(home, axis, slug="premiere")
    with pytest.raises(ValidationError) as caught:
        axis_page(home, axis, slug="seconde")
    assert "axis" in caught.value.message_dict
    club = ClubFactory()
    add_page(home, ClubPage, title="Club", club=club)
    with pytest.raises(ValidationError):
        add_page(home, ClubPage, title="Club bis", club=club)


def test_every_page_type_renders(client, home, news_index, agenda):
    axis = AxisFactory(title="Alimentation durable")
    pages = [
        axis_page(home, axis),
        add_page(home, ClubPage, title="Club des Tanneries", club=ClubFactory()),
        add_page(home, StandardPage, title="À propos", body=[{"type": "text", "value": "<p>Le pôle.</p>"}]),
        add_page(home, ContactPage, title="Contact"),
        add_news(news_index, title="Une nouvelle"),
        add_event(agenda, title="Un atelier"),
        add_event(agenda, days=-30, title="Une rencontre passée"),
        news_index,
        agenda,
        home,
    ]
    for page in pages:
        response = client.get(page.url)
        assert response.status_code == 200, page.url
        assert "<h1" in response.content.decode(), page.url
