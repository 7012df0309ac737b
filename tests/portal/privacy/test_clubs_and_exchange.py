"""The clubs' and the Bourse d'échanges' part of "download my data", "delete my account", the
retention purges and the generated privacy policy."""

import datetime
import io
import json
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone

from knowledge.exchange.models import (
    Direction,
    ExchangeSession,
    ResourceSheet,
    SatisfactionResponse,
    SessionStatus,
    SessionTable,
)
from portal.clubs.models import (
    BoardPosition,
    ClubBoardMember,
    ContactStatus,
    ProspectContact,
    Survey,
    SurveyInvitation,
    SurveyResponse,
)
from portal.members.models import Organisation, PersonRole
from portal.privacy import services
from tests.factories import ClubFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def club(camille):
    club = ClubFactory(name="Club des Tanneries")
    ClubBoardMember.objects.create(club=club, person=camille, position=BoardPosition.SECRETARY)
    return club


@pytest.fixture
def exchange(camille):
    past = ExchangeSession.objects.create(
        title="Bourse de printemps", date=datetime.date(2026, 4, 2), venue="Salle des fêtes", status=SessionStatus.DONE
    )
    coming = ExchangeSession.objects.create(title="Bourse d'automne", date=datetime.date(2026, 12, 3), venue="Mairie")
    sheet = ResourceSheet.objects.create(
        organisation=camille.organisation, direction=Direction.OFFER, category="materials",
        title="Chutes de chêne", description="Chutes de bois de chêne, chaque semaine.", created_by=camille,
    )  # fmt: skip
    SessionTable.objects.create(session=past, number=1, secretary=camille)
    SessionTable.objects.create(session=coming, number=2, facilitator=camille)
    SatisfactionResponse.objects.create(
        session=past, respondent=camille, organisation=camille.organisation, logistics=4, method=5, atmosphere=5,
        comment="Camille Rousseau a trouvé la matinée très utile.",
    )  # fmt: skip
    return past, coming, sheet


def download(client, person) -> dict:
    client.force_login(person.user)
    response = client.post(reverse("privacy:download"))
    assert response.status_code == 200
    data = json.loads(zipfile.ZipFile(io.BytesIO(response.content)).read("data.json"))
    return {name: section["rows"] for name, section in data["sections"].items()}


def test_download_holds_board_seats_sheets_tables_and_questionnaires(client, camille, club, exchange):
    sections = download(client, camille)
    assert "Club des Tanneries" in sections["club_boards"][0].values()
    assert "Chutes de chêne" in sections["exchange_sheets"][0].values()
    tables = [value for row in sections["exchange_tables"] for value in row.values()]
    assert "Bourse de printemps" in tables and "Bourse d'automne" in tables
    assert "Camille Rousseau a trouvé la matinée très utile." in sections["exchange_satisfaction"][0].values()


def test_delete_account_leaves_the_board_and_coming_tables_and_keeps_the_scores(client, camille, club, exchange):
    past, coming, sheet = exchange
    client.force_login(camille.user)
    services.account_delete(person=camille, by=camille.user)

    assert not ClubBoardMember.objects.filter(person=camille).exists()
    assert SessionTable.objects.get(session=coming).facilitator is None
    assert SessionTable.objects.get(session=past).secretary_id == camille.pk  # past sessions keep the pseudonym
    response = SatisfactionResponse.objects.get(session=past)
    assert (response.comment, response.method) == ("", 5)
    sheet.refresh_from_db()
    assert sheet.created_by_id == camille.pk and "Rousseau" not in str(sheet.created_by)

    # The pages that showed her still work and no longer name her.
    organiser = PersonFactory(role=PersonRole.ORGANISER)
    client.force_login(organiser.user)
    for url in (reverse("club:detail", args=[club.slug]), reverse("exchange:sheet", args=[sheet.pk])):
        page = client.get(url)
        assert page.status_code == 200, url
        assert "Rousseau" not in page.content.decode(), url


def test_old_prospect_contacts_and_survey_names_are_purged(settings, camille):
    today = timezone.localdate()
    prospect = Organisation.objects.create(name="Garage du Pont", slug="garage-du-pont")
    old = ProspectContact.objects.create(
        organisation=prospect, status=ContactStatus.CALLED, note="Appelé M. Durand, rappeler en mars",
        contacted_on=today - datetime.timedelta(days=1200),
    )  # fmt: skip
    recent = ProspectContact.objects.create(
        organisation=prospect, status=ContactStatus.VISITED, contacted_on=today - datetime.timedelta(days=30)
    )
    closed = Survey.objects.create(
        title="Besoins 2024",
        opened_on=today - datetime.timedelta(days=500),
        closes_on=today - datetime.timedelta(days=400),
    )
    still_fresh = Survey.objects.create(
        title="Besoins 2026",
        opened_on=today - datetime.timedelta(days=40),
        closes_on=today - datetime.timedelta(days=10),
    )
    answers = [
        SurveyResponse.objects.create(
            invitation=SurveyInvitation.objects.create(survey=survey, organisation=prospect, nonce=survey.title),
            survey=survey,
            respondent_name="Jeanne Durand",
            free_text="Signalétique",
        )  # fmt: skip
        for survey in (closed, still_fresh)
    ]

    removed = services.purge_expired()

    assert removed["prospect_contacts"] == 1 and removed["survey_respondent_names"] == 1
    assert not ProspectContact.objects.filter(pk=old.pk).exists()
    assert ProspectContact.objects.filter(pk=recent.pk).exists()
    answers[0].refresh_from_db()
    answers[1].refresh_from_db()
    assert (answers[0].respondent_name, answers[0].free_text) == ("", "Signalétique")
    assert answers[1].respondent_name == "Jeanne Durand"


def test_the_policy_lists_prospects_surveys_and_the_exchange(client, settings):
    settings.PRIVACY_RETENTION_DAYS = {**settings.PRIVACY_RETENTION_DAYS, "prospect_contacts": 1095}
    html = client.get(reverse("privacy:policy")).content.decode()
    for title in ("Entreprises prospectées", "Enquêtes de besoins", "Bourse d&#x27;échanges"):
        assert title in html, title
    assert "1095" in html or "1 095" in html or "1\u202f095" in html


def test_needs_survey_answers_signed_with_her_name_are_hers(client, camille):
    survey = Survey.objects.create(
        title="Besoins de la zone des Tanneries", closes_on=timezone.localdate() + datetime.timedelta(days=20)
    )
    hers = SurveyResponse.objects.create(
        invitation=SurveyInvitation.objects.create(survey=survey, organisation=camille.organisation, nonce="a"),
        survey=survey, respondent_name="camille rousseau", free_text="Un arrêt de bus devant l'entrée",
    )  # fmt: skip
    hers.answers.create(survey=survey, problem="signage", importance=3, comment="Panneaux illisibles")
    other_firm = SurveyResponse.objects.create(
        invitation=SurveyInvitation.objects.create(survey=survey, organisation=PersonFactory().organisation,
                                                   nonce="b"),
        survey=survey, respondent_name="Camille Rousseau",
    )  # fmt: skip

    rows = download(client, camille)["survey_answers"]
    assert len(rows) == 1
    assert "Un arrêt de bus devant l'entrée" in rows[0].values()
    assert any("Panneaux illisibles" in str(value) for value in rows[0].values())

    services.account_delete(person=camille, by=camille.user)

    hers.refresh_from_db()
    other_firm.refresh_from_db()
    # The firm's answers stay for the results; her name goes. A namesake in another firm is not her.
    assert (hers.respondent_name, hers.free_text) == ("", "Un arrêt de bus devant l'entrée")
    assert hers.answers.count() == 1
    assert other_firm.respondent_name == "Camille Rousseau"
    # A survey of the whole cluster (no club) is managed by its administrators.
    client.force_login(PersonFactory(role=PersonRole.ADMINISTRATOR).user)
    page = client.get(reverse("club:survey_detail", args=[survey.pk]))
    assert page.status_code == 200


def test_the_clubs_she_accompanies_are_in_her_data_and_let_go_when_she_leaves(client, camille):
    club = ClubFactory(name="Club du Port", accompanied_by=camille, autonomy_planned_on=datetime.date(2028, 6, 30))
    sections = download(client, camille)
    assert "Club du Port" in sections["accompanied_clubs"][0].values()
    services.account_delete(person=camille, by=camille.user)
    club.refresh_from_db()
    assert club.accompanied_by is None and club.autonomy_planned_on == datetime.date(2028, 6, 30)
