"""A club's public page names the board members who agreed to it, and only them, with their position:
the others stay in the animators' back office. Giving or withdrawing the consent shows at once, even
to visitors served from the page cache."""

import datetime

import pytest
from django.urls import reverse

from cms.models import ClubPage, HomePage
from cms.page_cache import CACHE_STATUS_HEADER, page_cache_purge
from portal.clubs.models import BoardPosition, ClubBoardMember
from portal.privacy import services as privacy_services
from portal.privacy.models import Purpose
from tests.cms.pages import add_page
from tests.factories import ClubFactory, OrganisationFactory, PersonFactory

from .conftest import animate

pytestmark = pytest.mark.django_db


@pytest.fixture
def board(db):
    club = ClubFactory(name="Club des Tanneries")
    firm = OrganisationFactory(zone=club.zone, name="SCOP Menuiserie du Pont")
    president = PersonFactory(organisation=firm, user__first_name="Jeanne", user__last_name="Martin")
    treasurer = PersonFactory(organisation=firm, user__first_name="Paul", user__last_name="Discret")
    ClubBoardMember.objects.create(club=club, person=president, position=BoardPosition.PRESIDENT)
    ClubBoardMember.objects.create(
        club=club, person=treasurer, position=BoardPosition.TREASURER, since=datetime.date(2025, 1, 1)
    )
    privacy_services.consent_give(person=president, purpose=Purpose.BOARD, by=president.user)
    return club, president, treasurer


def _board_text(client, url):
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content, "html.parser")
    section = soup.find("section", attrs={"aria-labelledby": "board-title"})
    return " ".join(section.get_text(" ").split())


def test_the_public_club_page_names_only_the_board_members_who_agreed(client, board):
    club, _president, _treasurer = board
    page = add_page(HomePage.objects.get(), ClubPage, title=club.name, club=club)
    text = _board_text(client, page.url)
    assert "Président·e — Jeanne Martin" in text
    assert "Paul Discret" not in text
    assert "SCOP Menuiserie du Pont" not in text  # names and positions only


def test_the_summary_without_a_site_page_hides_them_too_but_the_animators_see_the_whole_board(client, organiser, board):
    club, _president, _treasurer = board
    url = reverse("club:detail", args=[club.slug])
    assert "Paul Discret" not in _board_text(client, url)
    client.force_login(animate(organiser, club))
    text = _board_text(client, url)
    assert "Jeanne Martin" in text and "Paul Discret" in text
    assert "Absents de la page publique, faute de leur accord pour y être nommés : 1." in text


def test_withdrawing_the_consent_takes_the_name_off_the_cached_page_at_once(
    client, settings, board, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_SECONDS = 300
    page_cache_purge()
    club, president, treasurer = board
    page = add_page(HomePage.objects.get(), ClubPage, title=club.name, club=club)
    assert "Jeanne Martin" in _board_text(client, page.url)
    assert client.get(page.url).headers.get(CACHE_STATUS_HEADER) == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        privacy_services.consent_withdraw(person=president, purpose=Purpose.BOARD, by=president.user)
        privacy_services.consent_give(person=treasurer, purpose=Purpose.BOARD, by=treasurer.user)
    text = _board_text(client, page.url)
    assert "Jeanne Martin" not in text and "Paul Discret" in text


def test_a_person_whose_account_is_closed_is_not_named(client, board):
    club, president, _treasurer = board
    president.user.is_active = False
    president.user.save()
    page = add_page(HomePage.objects.get(), ClubPage, title=club.name, club=club)
    assert "Jeanne Martin" not in _board_text(client, page.url)


def test_the_clubs_animator_gives_a_seat_and_another_clubs_animator_cannot(organiser, board):
    from django.core.exceptions import PermissionDenied

    from portal.clubs import services

    club, _president, treasurer = board
    other = ClubFactory(name="Club du Port")
    animate(organiser, other)
    seat = ClubBoardMember(club=club, person=treasurer, position=BoardPosition.SECRETARY)
    with pytest.raises(PermissionDenied):
        services.club_board_seat_save(seat=seat, by=organiser)
    moved = ClubBoardMember.objects.get(club=club, person=treasurer)
    moved.club = other  # taking a seat of a club they do not animate into theirs: refused too
    with pytest.raises(PermissionDenied):
        services.club_board_seat_save(seat=moved, by=organiser)
    animate(organiser, club)
    services.club_board_seat_save(seat=seat, by=organiser)
    assert ClubBoardMember.objects.filter(club=club, person=treasurer).count() == 2
