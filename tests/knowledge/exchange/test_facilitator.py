"""The facilitator of a table has a screen of their own beside the secretary's (#19): the round's
running order (the secretary's sheets, in the same order), the sheet announced, the timing, and the
session's websocket; nobody else's table."""

import json

import pytest
from django.urls import reverse

from knowledge.exchange import permissions, services
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def running(session_with_tables, organiser):
    session, tables, secretaries = session_with_tables
    facilitators = []
    for table, secretary in zip(tables, secretaries, strict=True):
        facilitator = PersonFactory()
        services.table_assign(table=table, facilitator=facilitator, secretary=secretary.person, by=organiser)
        facilitators.append(facilitator.user)
    session = services.round_advance(session=session, by=organiser)
    return session, tables, secretaries, facilitators


def _data(response, name):
    text = response.content.decode()
    start = text.index(f'id="{name}"')
    return json.loads(text[text.index(">", start) + 1 : text.index("</script>", start)])


def test_the_facilitator_sees_the_secretary_s_running_order_and_the_timing(client, running):
    session, tables, secretaries, facilitators = running
    client.force_login(facilitators[0])
    session_page = client.get(session.get_absolute_url()).content.decode()
    facilitator_url = reverse("exchange:facilitator", args=[session.pk, tables[0].number])
    assert facilitator_url in session_page

    response = client.get(facilitator_url)

    assert response.status_code == 200
    data = _data(response, "facilitator-data")
    assert data["round"] == 1 and data["minutesPerSheet"] == session.round_minutes
    assert data["startedAt"] == session.round_started_at.isoformat()
    assert data["wsPath"] == f"/ws/bourse/{session.pk}/"
    titles = [sheet["title"] for sheet in data["sheets"]]
    assert titles and all(title.startswith("Offre de ") for title in titles)  # round 1: the offers
    text = response.content.decode()
    assert "Ordre de passage" in text
    for registration in tables[0].registrations.select_related("organisation"):
        assert registration.organisation.name in text  # the firms at this table

    client.force_login(secretaries[0])
    secretary = client.get(reverse("exchange:table", args=[session.pk, tables[0].number]))
    assert [sheet["title"] for sheet in _data(secretary, "table-data")["sheets"]] == titles  # same order


def test_another_table_s_facilitator_a_secretary_and_a_member_are_refused(client, running, member):
    session, tables, secretaries, facilitators = running
    url = reverse("exchange:facilitator", args=[session.pk, tables[0].number])
    for user in (facilitators[1], secretaries[0], member):
        client.force_login(user)
        assert client.get(url).status_code == 403


def test_the_facilitator_follows_the_session_s_live_state(running):
    session, tables, secretaries, facilitators = running
    assert permissions.can_follow_session(facilitators[0], session)
    assert not permissions.can_follow_session(PersonFactory().user, session)


def test_before_the_first_round_the_facilitator_waits(client, session_with_tables, organiser):
    session, tables, _secretaries = session_with_tables
    client.force_login(organiser)
    response = client.get(reverse("exchange:facilitator", args=[session.pk, tables[0].number]))
    assert response.status_code == 200
    assert "En attente du lancement du premier round" in response.content.decode()
