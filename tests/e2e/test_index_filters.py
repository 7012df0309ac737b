"""The site-wide agenda and news index filtered by club and by axis in Chromium (#17), on a phone
(390×844) and a desktop (1280×800): choosing a club applies at once (no submit button where JS runs),
the form stacks on a phone, nothing scrolls sideways, axe-core finds no serious or critical violation."""

import re

import pytest
from playwright.sync_api import expect

from cms.events.models import EventIndexPage
from cms.models import ClubPage, HomePage, NewsIndexPage
from tests.cms.pages import add_event, add_news, add_page, axis_page
from tests.e2e.test_site import assert_accessible
from tests.factories import AxisFactory, ClubFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture
def club_site():
    home = HomePage.objects.get()
    agenda = add_page(home, EventIndexPage, title="Agenda")
    news_index = add_page(home, NewsIndexPage, title="Actualités")
    mobility = AxisFactory(number=3, title="Mobilité partagée", slug="mobilite")
    axis_page(home, mobility)
    club = add_page(home, ClubPage, title="Club des Tanneries", club=ClubFactory(name="Club des Tanneries"))
    add_page(home, ClubPage, title="Club de la Gare", club=ClubFactory(name="Club de la Gare"))
    add_event(add_page(club, EventIndexPage, title="Agenda des Tanneries"), title="Petit-déjeuner des Tanneries")
    add_news(add_page(club, NewsIndexPage, title="Actualités des Tanneries"), title="Benne partagée aux Tanneries")
    add_event(agenda, title="Assises du pôle")
    add_news(news_index, title="Covoiturage entre zones", axis=mobility)
    return {"agenda": agenda.url, "news": news_index.url, "club": club}


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_the_agenda_and_the_news_filter_by_club_and_axis_on_change(page, club_site, screenshot, device):
    page.set_viewport_size(PHONE if device == "phone" else DESKTOP)
    page.goto(club_site["agenda"])
    form = page.locator("form.index-filters")
    expect(form.get_by_role("button", name="Filtrer")).to_be_hidden()  # JS runs: the choice applies at once
    expect(page.get_by_text("Assises du pôle")).to_be_visible()

    page.get_by_label("Club").select_option(label="Club des Tanneries")
    expect(page).to_have_url(re.compile(rf"club={club_site['club'].pk}"))
    expect(page.get_by_text("Petit-déjeuner des Tanneries")).to_be_visible()
    expect(page.get_by_text("Assises du pôle")).to_have_count(0)
    axe_box, club_box = page.locator("#filter-axe").bounding_box(), page.locator("#filter-club").bounding_box()
    if device == "phone":
        assert club_box["y"] > axe_box["y"] + axe_box["height"] - 1  # stacked
    else:
        assert abs(club_box["y"] - axe_box["y"]) < 2  # side by side
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")
    screenshot(page, f"index-filters-agenda-club-{device}")
    assert_accessible(page, f"agenda filtered by club on a {device}")

    page.goto(club_site["news"])
    page.get_by_label("Axe", exact=True).select_option(label="Mobilité partagée")
    expect(page.get_by_text("Covoiturage entre zones")).to_be_visible()
    page.get_by_label("Club").select_option(label="Club de la Gare")
    expect(page.get_by_text("Aucune actualité ne correspond à ces filtres.")).to_be_visible()
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")
    screenshot(page, f"index-filters-news-empty-{device}")
    assert_accessible(page, f"news filtered to nothing on a {device}")
    page.get_by_role("link", name="Afficher toutes les actualités").click()
    expect(page.get_by_text("Benne partagée aux Tanneries")).to_be_visible()

    page.goto(club_site["news"] + "?club=999")
    expect(page.get_by_text("Cet axe ou ce club est introuvable : le filtre est ignoré.")).to_be_visible()
    expect(page.get_by_text("Covoiturage entre zones")).to_be_visible()
