"""When a club absorbs another, the public site follows: one page, the old address redirects."""

import datetime

import pytest

from cms.models import ClubPage, SurveyResultsPage
from portal.clubs import services as club_services
from portal.clubs.models import Survey
from tests.cms.pages import add_page
from tests.factories import ClubFactory


@pytest.fixture
def two_club_pages(home):
    into, absorbed = ClubFactory(name="Technopôle"), ClubFactory(name="Rezames")
    into_page = add_page(home, ClubPage, title="Technopôle", club=into)
    absorbed_page = add_page(home, ClubPage, title="Rezames", club=absorbed)
    survey = Survey.objects.create(title="Besoins Rezames", club=absorbed, closes_on=datetime.date.today())
    results = add_page(absorbed_page, SurveyResultsPage, title="Résultats : Besoins Rezames", survey=survey)
    return into, absorbed, into_page, absorbed_page, results


def test_the_absorbed_clubs_page_redirects_to_the_other_clubs_page(client, administrator, two_club_pages):
    into, absorbed, into_page, absorbed_page, results = two_club_pages
    old_url = absorbed_page.url
    club_services.club_merge(absorbed=absorbed, into=into, by=administrator)

    response = client.get(old_url)
    assert response.status_code == 301 and response["Location"] == into_page.url
    absorbed_page.refresh_from_db()
    assert not absorbed_page.live  # kept with its history, not deleted
    results.refresh_from_db()
    assert results.get_parent().pk == into_page.pk and results.live
    assert client.get(results.url).status_code == 200
    assert client.get(into_page.url).status_code == 200


def test_a_lone_page_simply_follows_its_club(client, administrator, home):
    into, absorbed = ClubFactory(), ClubFactory()
    page = add_page(home, ClubPage, title="Club sans jumeau", club=absorbed)
    club_services.club_merge(absorbed=absorbed, into=into, by=administrator)
    page.refresh_from_db()
    assert page.live and page.club == into
    assert client.get(page.url).status_code == 200


def test_a_chain_of_mergers_redirects_in_one_hop(client, administrator, home):
    first, second, third = ClubFactory(), ClubFactory(), ClubFactory()
    pages = [add_page(home, ClubPage, title=f"Club {n}", club=club) for n, club in enumerate((first, second, third))]
    old_url = pages[0].url
    club_services.club_merge(absorbed=first, into=second, by=administrator)
    club_services.club_merge(absorbed=second, into=third, by=administrator)

    response = client.get(old_url)
    assert response.status_code == 301 and response["Location"] == pages[2].url
