"""The live rounds: the organiser advances, a secretary records YES/NO for the firms of their table."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from knowledge.exchange import services
from knowledge.exchange.models import Direction, Interest, ResourceSheet, SessionStatus, SessionTable

from .conftest import seated, seated_session

pytestmark = pytest.mark.django_db


def offer_for(table, session):
    """An offer of a firm seated elsewhere, announced in round 1."""
    others = session.registrations.exclude(table=table).values_list("organisation_id", flat=True)
    return ResourceSheet.objects.filter(organisation_id__in=others, direction=Direction.OFFER).first()


def post_answer(client, session, table, **payload):
    return client.post(
        reverse("exchange:answer", args=[session.pk, table.number]),
        data=json.dumps(payload),
        content_type="application/json",
    )


@pytest.fixture
def running(session_with_tables, organiser):
    session, tables, secretaries = session_with_tables
    session = services.round_advance(session=session, by=organiser)
    return session, tables, secretaries


def test_rounds_alternate_offers_and_needs_and_stop_at_the_last(organiser, session_with_tables, client):
    session, _tables, _ = session_with_tables
    client.force_login(organiser)
    client.post(reverse("exchange:advance", args=[session.pk]), {"action": "advance"})
    session.refresh_from_db()
    assert (session.status, session.current_round, session.current_direction) == ("running", 1, "offer")
    session = services.round_advance(session=session, by=organiser)
    assert (session.current_round, session.current_direction) == (2, "need")
    with pytest.raises(ValidationError):
        services.round_advance(session=session, by=organiser)


def test_a_member_cannot_start_a_round(member, session_with_tables):
    with pytest.raises(PermissionDenied):
        services.round_advance(session=session_with_tables[0], by=member)


def test_the_secretary_records_a_yes_and_the_same_toggle_twice_is_stored_once(client, running):
    session, tables, secretaries = running
    table, sheet = tables[0], offer_for(tables[0], session)
    firm = seated(table)[0]
    client.force_login(secretaries[0])
    for _ in range(2):
        response = post_answer(client, session, table, sheet=sheet.pk, organisation=firm, interested=True)
        assert response.status_code == 200 and response.json()["ok"]
    assert Interest.objects.count() == 1
    interest = Interest.objects.get()
    assert (interest.interested, interest.round, interest.table, interest.recorded_by.user) == (
        True, 1, table, secretaries[0]
    )  # fmt: skip
    assert response.json()["progress"] == {"table": table.number, "round": 1, "sheets": 1, "answers": 1, "yes": 1}

    # Changing one's mind replaces the answer.
    post_answer(client, session, table, sheet=sheet.pk, organisation=firm, interested=False)
    assert list(Interest.objects.values_list("interested", flat=True)) == [False]


def test_a_secretary_cannot_record_for_another_table(client, running):
    session, tables, secretaries = running
    client.force_login(secretaries[0])
    sheet = offer_for(tables[1], session)
    response = post_answer(
        client, session, tables[1], sheet=sheet.pk, organisation=seated(tables[1])[0], interested=True
    )
    assert response.status_code == 403
    # Nor for a firm of another table through their own table.
    response = post_answer(
        client, session, tables[0], sheet=offer_for(tables[0], session).pk, organisation=seated(tables[1])[0],
        interested=True,
    )  # fmt: skip
    assert response.status_code == 409
    assert not Interest.objects.exists()
    # The screen of the other table is refused too.
    assert client.get(reverse("exchange:table", args=[session.pk, tables[1].number])).status_code == 403


def test_a_closed_session_refuses_changes(client, running, organiser):
    session, tables, secretaries = running
    services.session_close(session=session, by=organiser)
    client.force_login(secretaries[0])
    response = post_answer(
        client, session, tables[0], sheet=offer_for(tables[0], session).pk, organisation=seated(tables[0])[0],
        interested=True,
    )  # fmt: skip
    assert response.status_code == 409
    assert not Interest.objects.exists()
    with pytest.raises(ValidationError):
        services.round_advance(session=session, by=organiser)


def test_a_need_cannot_be_answered_during_the_offers_round_nor_a_firm_answer_its_own_sheet(client, running):
    session, tables, secretaries = running
    table = tables[0]
    firm = seated(table)[0]
    client.force_login(secretaries[0])
    need = ResourceSheet.objects.filter(direction=Direction.NEED).exclude(organisation_id=firm).first()
    own = ResourceSheet.objects.get(organisation_id=firm, direction=Direction.OFFER)
    assert post_answer(client, session, table, sheet=need.pk, organisation=firm, interested=True).status_code == 409
    assert post_answer(client, session, table, sheet=own.pk, organisation=firm, interested=True).status_code == 409
    assert not Interest.objects.exists()


@pytest.mark.parametrize(
    "body",
    ["not json", json.dumps({"sheet": "x", "organisation": 1}), json.dumps([1, 2]), json.dumps({"organisation": 3})],
)
def test_malformed_answers_get_a_400_and_change_nothing(client, running, body):
    session, tables, secretaries = running
    client.force_login(secretaries[0])
    response = client.post(
        reverse("exchange:answer", args=[session.pk, tables[0].number]), data=body, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["ok"] is False and response.json()["error"]
    assert not Interest.objects.exists()


def test_the_secretarys_screen_lists_the_round_sheets_and_the_tables_firms(client, running):
    session, tables, secretaries = running
    client.force_login(secretaries[0])
    response = client.get(reverse("exchange:table", args=[session.pk, tables[0].number]))
    assert response.status_code == 200
    data = response.context["data"]
    assert [firm["id"] for firm in data["firms"]] == seated(tables[0])
    assert {sheet["id"] for sheet in data["sheets"]} == set(
        ResourceSheet.objects.filter(direction="offer").values_list("pk", flat=True)
    )
    assert "table-data" in response.content.decode()


def test_the_organisers_live_page_shows_every_table(client, running, organiser):
    session, tables, _ = running
    client.force_login(organiser)
    response = client.get(reverse("exchange:live", args=[session.pk]))
    assert response.status_code == 200
    assert [row["table"] for row in response.context["state"]["tables"]] == [t.number for t in tables]
    assert response.context["state"]["status"] == SessionStatus.RUNNING


# --- The hot path's cost ---------------------------------------------------------------------------


def _toggle_at(organiser, size: int, answered: bool):
    """A running session of `size` firms; at its first table, every firm has answered every offer
    of the round (`answered`) or none has. Returns what a secretary's next toggle needs, loaded afresh."""
    session, tables, secretaries = seated_session(organiser, size)
    session = services.round_advance(session=session, by=organiser)
    table, firms = tables[0], seated(tables[0])
    others = session.registrations.exclude(table=table).values("organisation_id")
    offers = list(ResourceSheet.objects.filter(organisation_id__in=others, direction=Direction.OFFER))
    if answered:
        for sheet in offers:
            for firm in firms:
                services.interest_record(
                    table=table, sheet_id=sheet.pk, organisation_id=firm, interested=True, by=secretaries[0]
                )
    toggle = {"sheet": offers[0].pk, "organisation": firms[0], "interested": False}
    return SessionTable.objects.get(pk=table.pk), get_user_model().objects.get(pk=secretaries[0].pk), toggle


def test_recording_an_answer_costs_the_same_queries_whatever_the_session_holds(organiser):
    measured = []
    for size, answered in ((8, False), (24, True)):
        table, secretary, toggle = _toggle_at(organiser, size, answered)
        with CaptureQueriesContext(connection) as captured:
            services.interest_record(
                table=table,
                sheet_id=toggle["sheet"],
                organisation_id=toggle["organisation"],
                interested=toggle["interested"],
                by=secretary,
            )
        measured.append([query["sql"] for query in captured.captured_queries])
    # The secretary's person (the role check), the session with the sheet and seat checks in one
    # query, the upsert, the table's progress: 4, none per firm, sheet or earlier answer.
    assert len(measured[0]) == len(measured[1]) == 4, [sql[:100] for sql in measured[0]]


def test_a_secretarys_toggle_costs_the_same_queries_whatever_the_session_holds(organiser, client):
    measured = []
    for size, answered in ((8, False), (24, True)):
        table, secretary, toggle = _toggle_at(organiser, size, answered)
        client.force_login(secretary)
        session = table.session
        with CaptureQueriesContext(connection) as captured:
            response = post_answer(client, session, table, **toggle)
        assert response.status_code == 200 and response.json()["ok"]
        measured.append([query["sql"] for query in captured.captured_queries])
    # The session and its user, the table, then the service's 4 (above): 7.
    assert len(measured[0]) == len(measured[1]) == 7, [sql[:100] for sql in measured[0]]
