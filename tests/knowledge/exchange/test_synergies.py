"""Synergies from an interest in one click, yearly objectives against results, the satisfaction questionnaire."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from knowledge.exchange import selectors, services
from knowledge.exchange.models import (
    Direction,
    ExchangeObjective,
    Interest,
    ResourceSheet,
    SatisfactionResponse,
    SessionStatus,
    SheetStatus,
    Synergy,
    SynergyStatus,
)
from tests.factories import ClubFactory, OrganisationFactory, PersonFactory

from .conftest import SessionFactory, seated

pytestmark = pytest.mark.django_db


@pytest.fixture
def yes_to_an_offer(session_with_tables, organiser):
    session, tables, secretaries = session_with_tables
    session = services.round_advance(session=session, by=organiser)
    firm = seated(tables[0])[0]
    offer = ResourceSheet.objects.filter(direction=Direction.OFFER).exclude(organisation_id=firm).first()
    interest, _ = services.interest_record(
        table=tables[0], sheet_id=offer.pk, organisation_id=firm, interested=True, by=secretaries[0]
    )
    return session, interest


def test_one_click_turns_a_yes_into_a_synergy_from_the_offers_firm_to_the_interested_one(
    client, organiser, yes_to_an_offer
):
    session, interest = yes_to_an_offer
    client.force_login(organiser)
    response = client.post(reverse("exchange:synergy_create", args=[interest.pk]))
    synergy = Synergy.objects.get()
    assert response.status_code == 302 and response.url == reverse("exchange:synergy", args=[synergy.pk])
    assert (synergy.offer, synergy.need) == (interest.sheet, None)
    assert (synergy.provider_id, synergy.beneficiary_id) == (interest.sheet.organisation_id, interest.organisation_id)
    assert synergy.status == SynergyStatus.IDEA and synergy.session == session
    interest.sheet.refresh_from_db()
    assert interest.sheet.status == SheetStatus.IN_DISCUSSION
    # A second click does not duplicate it.
    client.post(reverse("exchange:synergy_create", args=[interest.pk]))
    assert Synergy.objects.count() == 1


def test_a_need_answered_makes_the_interested_firm_the_provider(yes_to_an_offer, organiser, session_with_tables):
    session, _ = yes_to_an_offer
    _, tables, secretaries = session_with_tables
    session = services.round_advance(session=session, by=organiser)
    firm = seated(tables[0])[0]
    need = ResourceSheet.objects.filter(direction=Direction.NEED).exclude(organisation_id=firm).first()
    interest, _ = services.interest_record(
        table=tables[0], sheet_id=need.pk, organisation_id=firm, interested=True, by=secretaries[0]
    )
    synergy = services.synergy_from_interest(interest=interest, by=organiser)
    assert (synergy.provider_id, synergy.beneficiary_id, synergy.need) == (firm, need.organisation_id, need)


def test_an_unrelated_member_cannot_start_a_synergy_and_a_no_cannot_become_one(member, yes_to_an_offer, organiser):
    _session, interest = yes_to_an_offer
    with pytest.raises(PermissionDenied):
        services.synergy_from_interest(interest=interest, by=member)
    Interest.objects.filter(pk=interest.pk).update(interested=False)
    interest.refresh_from_db()
    with pytest.raises(ValidationError):
        services.synergy_from_interest(interest=interest, by=organiser)


def test_implementing_a_synergy_dates_it_and_marks_its_sheet_matched(client, organiser, yes_to_an_offer):
    _session, interest = yes_to_an_offer
    synergy = services.synergy_from_interest(interest=interest, by=organiser)
    client.force_login(organiser)
    response = client.post(
        reverse("exchange:synergy", args=[synergy.pk]),
        {"status": "implemented", "implemented_on": "", "tonnes_per_year": "12.5", "euros_per_year": "", "notes": ""},
    )
    assert response.status_code == 302
    synergy.refresh_from_db()
    assert synergy.implemented_on is not None and synergy.tonnes_per_year == 12.5
    interest.sheet.refresh_from_db()
    assert interest.sheet.status == SheetStatus.MATCHED


def test_the_dashboard_compares_the_field_examples_objectives_with_the_results(client, member):
    club = ClubFactory()
    firms = [OrganisationFactory() for _ in range(2)]
    for year, sessions, synergies, done in ((2016, 1, 5, 5), (2017, 1, 5, 3)):
        ExchangeObjective.objects.create(club=club, year=year, sessions_planned=sessions, synergies_planned=synergies)
        SessionFactory(club=club, date=datetime.date(year, 10, 1), status=SessionStatus.DONE)
        for _ in range(done):
            Synergy.objects.create(
                provider=firms[0], beneficiary=firms[1], club=club, status=SynergyStatus.IMPLEMENTED,
                implemented_on=datetime.date(year, 11, 1),
            )  # fmt: skip
    # An abandoned synergy and a planned session do not count.
    Synergy.objects.create(provider=firms[0], beneficiary=firms[1], club=club, status=SynergyStatus.ABANDONED)
    SessionFactory(club=club, date=datetime.date(2017, 12, 1))

    assert selectors.objectives_dashboard(club) == [
        {"year": 2016, "sessions_planned": 1, "sessions_held": 1, "synergies_planned": 5, "synergies_implemented": 5},
        {"year": 2017, "sessions_planned": 1, "sessions_held": 1, "synergies_planned": 5, "synergies_implemented": 3},
    ]
    client.force_login(member)
    page = client.get(reverse("exchange:dashboard"), {"club": club.slug})
    assert page.status_code == 200
    content = page.content.decode()
    assert '<table class="table" id="objectives">' in content and "<caption>" in content
    assert 'aria-hidden="true"' in content  # the chart repeats the table for sighted readers


def test_the_questionnaire_is_answered_once_per_person_and_summarised(client, organiser, session_with_tables):
    session, _tables, _ = session_with_tables
    session.status = SessionStatus.DONE
    session.save()
    firm = session.registrations.first().organisation
    people = [PersonFactory(organisation=firm) for _ in range(2)]
    for person, scores in zip(people, ((5, 4, 5), (3, 4, 4)), strict=True):
        client.force_login(person.user)
        response = client.post(
            reverse("exchange:satisfaction", args=[session.pk]),
            {"logistics": scores[0], "method": scores[1], "atmosphere": scores[2], "comment": "Bien <b>organisé</b>"},
        )
        assert response.status_code == 302
    again = client.post(
        reverse("exchange:satisfaction", args=[session.pk]), {"logistics": 1, "method": 1, "atmosphere": 1}
    )
    assert again.status_code == 200 and again.context["form"].errors
    bad = client.post(reverse("exchange:satisfaction", args=[session.pk]), {"logistics": 9, "method": 1})
    assert bad.status_code == 200 and bad.context["form"].errors
    assert SatisfactionResponse.objects.count() == 2

    client.force_login(organiser)
    summary = client.get(reverse("exchange:satisfaction_results", args=[session.pk]))
    assert summary.context["summary"]["averages"]["logistics"] == 4
    assert dict(summary.context["summary"]["distribution"]["atmosphere"]) == {1: 0, 2: 0, 3: 0, 4: 1, 5: 1}
    assert "Bien &lt;b&gt;organisé&lt;/b&gt;" in summary.content.decode()


def test_people_of_unregistered_firms_cannot_answer_the_questionnaire(client, member, session_with_tables):
    session, *_ = session_with_tables
    client.force_login(member)
    assert client.get(reverse("exchange:satisfaction", args=[session.pk])).status_code == 403
