"""Turning a workgroup discussion into a best-practice draft, from the room: members choose messages,
the draft quotes them with their authors credited; outsiders and bad input change nothing."""

import pytest
from django.test import Client
from django.urls import reverse

from knowledge.models import BestPractice
from portal.members.models import OrganisationKind
from tests.factories import (
    AxisFactory,
    ClubFactory,
    OrganisationFactory,
    PersonFactory,
    WorkgroupFactory,
    WorkgroupMembershipFactory,
)
from workgroups import services as workgroup_services


def client_for(user) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


@pytest.fixture
def room(db):
    axis = AxisFactory(title="Économie circulaire")
    workgroup = WorkgroupFactory(name="Filière bois", axis=axis)
    recyclerie = OrganisationFactory(name="Recyclerie du Val", kind=OrganisationKind.ASSOCIATION, siret="")
    garage = OrganisationFactory(name="Garage Martin")
    alice = PersonFactory(organisation=recyclerie, user__first_name="Alice", user__last_name="Roux")
    bruno = PersonFactory(organisation=garage, user__first_name="Bruno", user__last_name="Petit")
    for person in (alice, bruno):
        WorkgroupMembershipFactory(workgroup=workgroup, person=person)
    said = [
        workgroup_services.message_send(
            workgroup=workgroup, by=alice.user, body="Nos palettes <cassées> partent en benne."
        ),
        workgroup_services.message_send(workgroup=workgroup, by=bruno.user, body="On les répare ensemble\nle jeudi."),
        workgroup_services.message_send(workgroup=workgroup, by=alice.user, body="Hors sujet : qui vient vendredi ?"),
    ]
    return {
        "workgroup": workgroup,
        "axis": axis,
        "alice": alice,
        "bruno": bruno,
        "said": said,
        "recyclerie": recyclerie,
    }


def url(room):
    return reverse("knowledge:promote", args=[room["workgroup"].slug])


def test_the_room_offers_the_promotion_to_its_members(room):
    page = client_for(room["alice"].user).get(reverse("workgroups:room", args=[room["workgroup"].slug]))
    assert url(room) in page.content.decode()


def test_chosen_messages_become_a_draft_crediting_their_authors(room):
    client = client_for(room["alice"].user)
    page = client.get(url(room))
    assert page.status_code == 200
    assert "Nos palettes &lt;cassées&gt; partent en benne." in page.content.decode()

    first, second, _off_topic = room["said"]
    response = client.post(
        url(room), {"title": "Atelier de réparation de palettes", "messages": [second.sequence, first.sequence]}
    )

    record = BestPractice.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("knowledge:edit", args=[record.slug])
    assert (record.status, record.organisation, record.axis) == ("draft", room["recyclerie"], room["axis"])
    # Quoted in the discussion's order, escaped, each with its author and organisation; all credited at the end.
    body = record.body
    assert body.index("Nos palettes &lt;cassées&gt;") < body.index("On les répare ensemble<br/>le jeudi.")
    assert "<b>Alice Roux (Recyclerie du Val)</b>" in body and "<b>Bruno Petit (Garage Martin)</b>" in body
    assert "Contributors: Alice Roux (Recyclerie du Val), Bruno Petit (Garage Martin)." in body
    assert "Hors sujet" not in body
    assert record.revisions.count() == 1


def test_outsiders_cannot_see_or_promote_the_discussion(room):
    outsider = client_for(PersonFactory().user)
    assert outsider.get(url(room)).status_code == 403
    response = outsider.post(url(room), {"title": "Volé", "messages": [room["said"][0].sequence]})
    assert response.status_code == 403
    assert not BestPractice.objects.exists()
    visitor = Client().get(url(room))
    assert visitor.status_code == 302


@pytest.mark.parametrize(
    "data, error",
    [
        ({"title": "Sans message"}, "Choose at least one message of the discussion."),
        ({"title": "", "messages": ["1"]}, "This field is required."),
        ({"title": "Ailleurs", "messages": ["999"]}, "One of the chosen messages is not in this discussion any more"),
        ({"title": "Texte", "messages": ["abc"]}, "One of the chosen messages is not in this discussion any more"),
        ({"title": "x" * 201, "messages": ["1"]}, "at most 200 characters"),
    ],
)
def test_bad_input_gets_a_clear_error_and_creates_nothing(room, data, error):
    response = client_for(room["alice"].user).post(url(room), data)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not BestPractice.objects.exists()


def test_a_club_commission_has_no_axis_so_the_draft_asks_for_one(room):
    room["workgroup"].axis, room["workgroup"].club = None, ClubFactory()
    room["workgroup"].save()
    client = client_for(room["alice"].user)
    response = client.post(url(room), {"title": "Palettes", "messages": [room["said"][0].sequence]})
    assert "Choose the thematic axis of this best practice." in response.content.decode()
    assert not BestPractice.objects.exists()

    other_axis = AxisFactory()
    client.post(url(room), {"title": "Palettes", "messages": [room["said"][0].sequence], "axis": other_axis.pk})
    assert BestPractice.objects.get().axis == other_axis
