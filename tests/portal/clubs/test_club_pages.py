"""One public page per club: the site's ClubPage, filled by the clubs' one selector; /clubs/<slug>/ is
the organisers' back office, and sends everyone else to the club's page when it has one."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from cms import selectors as cms_selectors
from cms.models import ClubPage, HomePage
from portal.clubs import selectors as club_selectors
from portal.clubs.models import ClubBoardMember
from portal.members.models import MembershipStatus
from portal.privacy import services as privacy_services
from portal.privacy.models import Purpose
from tests.cms.pages import add_page
from tests.factories import ClubFactory, MembershipFactory, OrganisationFactory, PersonFactory
from workgroups.models import Meeting, Workgroup, WorkgroupMembership, WorkgroupMembershipStatus

from .conftest import animate


@pytest.fixture
def club_with_life(db):
    club = ClubFactory(name="Club des Tanneries")
    firm = OrganisationFactory(zone=club.zone, name="SCOP Menuiserie du Pont", in_public_directory=True)
    MembershipFactory(organisation=firm, club=club, status=MembershipStatus.ACTIVE)
    hidden = OrganisationFactory(zone=club.zone, name="Garage discret", in_public_directory=False)
    MembershipFactory(organisation=hidden, club=club, status=MembershipStatus.ACTIVE)
    president = PersonFactory(organisation=firm, user__first_name="Jeanne", user__last_name="Martin")
    ClubBoardMember.objects.create(club=club, person=president, position="president")
    privacy_services.consent_give(person=president, purpose=Purpose.BOARD, by=president.user)  # named publicly
    commission = Workgroup.objects.create(name="Commission mobilité", slug="commission-mobilite", club=club)
    Meeting.objects.create(
        workgroup=commission, title="Covoiturage", starts_at=timezone.now() - datetime.timedelta(days=30)
    )
    Meeting.objects.create(
        workgroup=commission, title="Navettes", starts_at=timezone.make_aware(datetime.datetime(2099, 3, 12, 8, 30))
    )
    WorkgroupMembership.objects.create(workgroup=commission, person=president, status=WorkgroupMembershipStatus.ACTIVE)
    Workgroup.objects.create(name="Commission close", slug="commission-close", club=club, is_archived=True)
    return club


def test_the_club_page_shows_members_board_commissions_and_stage(client, club_with_life):
    page = add_page(HomePage.objects.get(), ClubPage, title="Club des Tanneries", club=club_with_life)
    response = client.get(page.url)
    assert response.status_code == 200
    text = response.content.decode()
    assert "SCOP Menuiserie du Pont" in text and "Garage discret" not in text  # members listed publicly
    assert "Jeanne Martin" in text  # board
    assert "Commission mobilité" in text and reverse("workgroups:room", args=["commission-mobilite"]) in text
    assert 'class="stage-line"' in text and escape(club_with_life.get_stage_display()) in text
    assert [c.name for c in response.context["commissions"]] == ["Commission mobilité", "Commission close"]
    assert response.context["commissions"][0].member_count == 1  # not multiplied by its two meetings
    french = client.get(page.url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Prochaine réunion" in french and "12 mars 2099, 08:30" in french  # the coming one, not the past one
    assert "Ouverte aux entreprises adhérentes du club." in french and "Close : elle ne se réunit plus." in french


def test_one_commissions_selector_for_the_page_and_the_back_office(client, organiser, club_with_life):
    assert not hasattr(cms_selectors, "club_commissions")
    client.force_login(animate(organiser, club_with_life))
    back_office = client.get(reverse("club:detail", args=[club_with_life.slug]))
    expected = [c.name for c in club_selectors.club_commissions(club_with_life)]
    assert (
        [c.name for c in back_office.context["commissions"]]
        == expected
        == [
            "Commission mobilité",
            "Commission close",
        ]
    )


def test_club_address_is_the_organisers_back_office_and_leads_the_others_to_the_page(
    client, organiser, member, club_with_life
):
    url = reverse("club:detail", args=[club_with_life.slug])
    # No page on the site yet: everyone sees the public summary, without the organisers' tools.
    summary = client.get(url)
    assert summary.status_code == 200 and "Jeanne Martin" in summary.content.decode()
    assert reverse("club:stage", args=[club_with_life.slug]) not in summary.content.decode()

    page = add_page(HomePage.objects.get(), ClubPage, title="Club des Tanneries", club=club_with_life)
    for user in (None, member):
        if user is not None:
            client.force_login(user)
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == page.url
    client.force_login(animate(organiser, ClubFactory()))  # another club's animator: the page too
    assert client.get(url)["Location"] == page.url
    animate(organiser, club_with_life)
    back_office = client.get(url)
    assert back_office.status_code == 200
    text = back_office.content.decode()
    assert reverse("club:stage", args=[club_with_life.slug]) in text and page.url in text

    page.unpublish()
    client.logout()
    assert client.get(url).status_code == 200  # an unpublished page sends nobody there
