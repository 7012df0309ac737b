"""A club's needs survey published as a page of the site in one click, and refreshed the same way."""

import datetime

import pytest
from django.urls import reverse

from cms.models import ClubPage, SurveyResultsPage
from portal.clubs import services as club_services
from portal.clubs.models import SurveyInvitation
from portal.members import services as member_services
from portal.members.models import PersonRole, Role
from portal.members.scopes import ScopeKind
from tests.cms.pages import add_page
from tests.factories import ClubFactory, OrganisationFactory, PersonFactory, UserFactory, ZoneFactory


@pytest.fixture
def club(db):
    return ClubFactory(zone=ZoneFactory(), name="Club des Tanneries")


@pytest.fixture
def organiser(club):
    """An organiser of the first release, now the animator of every club (this one too)."""
    user = UserFactory()
    member_services.person_create(user=user, role=PersonRole.ORGANISER)
    return user


@pytest.fixture
def answered_survey(organiser, club, home):
    zone = club.zone
    add_page(home, ClubPage, title="Club des Tanneries", club=club)
    firms = [OrganisationFactory(zone=zone) for _ in range(3)]
    survey = club_services.survey_open(
        title="Besoins 2026", club=club, closes_on=datetime.date.today() + datetime.timedelta(days=30), by=organiser
    )
    for firm, answers in zip(
        firms[:2],
        ([("waste", 3, "Bennes pleines le lundi"), ("traffic", 2, "")], [("waste", 2, ""), ("signage", 1, "")]),
        strict=True,
    ):
        invitation = SurveyInvitation.objects.get(survey=survey, organisation=firm)
        club_services.survey_answer(
            token=club_services.invitation_token(invitation),
            answers=[{"problem": p, "importance": i, "comment": c} for p, i, c in answers],
        )
    return survey, firms


def publish(client, survey):
    return client.post(reverse("survey_results_page", args=[survey.pk]))


def test_one_click_publishes_the_ranked_issues_under_the_clubs_page(client, organiser, answered_survey):
    survey, _firms = answered_survey
    client.force_login(organiser)
    response = publish(client, survey)

    page = SurveyResultsPage.objects.get(survey=survey)
    assert page.live and isinstance(page.get_parent().specific, ClubPage)
    assert response.status_code == 302 and response["Location"] == page.url
    # Most firms first, then the most urgent: traffic (important) before signage (minor).
    assert [(row["problem"], row["firms"]) for row in page.results["ranking"]] == [
        ("waste", 2),
        ("traffic", 1),
        ("signage", 1),
    ]

    client.logout()
    html = client.get(page.url).content.decode()
    assert "Collecte des déchets" in html and "Bennes pleines le lundi" in html
    assert "2 entreprises ont répondu sur 3 invitées" in html
    assert page.url in client.get("/sitemap.xml").content.decode()


def test_a_second_click_refreshes_the_same_page(client, organiser, answered_survey):
    survey, firms = answered_survey
    client.force_login(organiser)
    publish(client, survey)
    invitation = SurveyInvitation.objects.get(survey=survey, organisation=firms[2])
    club_services.survey_answer(
        token=club_services.invitation_token(invitation), answers=[{"problem": "waste", "importance": 1, "comment": ""}]
    )
    publish(client, survey)

    assert SurveyResultsPage.objects.filter(survey=survey).count() == 1
    page = SurveyResultsPage.objects.get(survey=survey)
    assert page.results["responses"] == 3
    assert page.results["ranking"][0]["firms"] == 3
    assert "3 entreprises ont répondu" in client.get(page.url).content.decode()


def test_members_and_another_clubs_animator_cannot_publish(client, answered_survey):
    survey, firms = answered_survey
    client.force_login(PersonFactory(organisation=firms[0]).user)
    assert publish(client, survey).status_code == 403
    other = PersonFactory()
    member_services.role_grant(person=other, role=Role.ANIMATOR, scope_kind=ScopeKind.CLUB, scope_id=ClubFactory().pk,
                               by=UserFactory(is_superuser=True))  # fmt: skip
    client.force_login(other.user)
    assert publish(client, survey).status_code == 403
    assert not SurveyResultsPage.objects.exists()


def test_a_survey_nobody_answered_is_not_published(client, organiser, club, home):
    survey = club_services.survey_open(
        title="Besoins sans réponse", club=club, closes_on=datetime.date.today() + datetime.timedelta(days=9),
        by=organiser,
    )  # fmt: skip
    client.force_login(organiser)
    response = publish(client, survey)
    assert response.status_code == 302 and response["Location"] == reverse("club:survey_detail", args=[survey.pk])
    assert not SurveyResultsPage.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert "Aucune entreprise n&#x27;a encore répondu" in page
