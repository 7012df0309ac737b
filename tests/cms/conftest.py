"""The public site's page tree, built under the home page the migrations create."""

import pytest

from cms.events.models import EventIndexPage
from cms.models import HomePage, NewsIndexPage
from tests.cms.pages import add_event, add_page


@pytest.fixture
def home(db):
    """The home page the migrations made the default site's root."""
    return HomePage.objects.get()


@pytest.fixture
def agenda(home):
    return add_page(home, EventIndexPage, title="Agenda")


@pytest.fixture
def news_index(home):
    return add_page(home, NewsIndexPage, title="Actualités")


@pytest.fixture
def event(agenda):
    """An event next week with 3 places."""
    return add_event(agenda, title="Atelier circuits courts", capacity=3)
