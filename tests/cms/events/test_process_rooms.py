"""Themed workshops outside the axes (#20): a workshop of a participatory process opens its follow-up
room whatever its theme; the room belongs to the process, and the people running it lead it."""

import pytest
from django.urls import reverse

from cms.events.models import EventKind, EventRegistration, RegistrationStatus
from portal.members.models import Role
from tests.cms.pages import add_event
from tests.factories import AxisFactory, PersonFactory
from workgroups.models import ParticipatoryProcess, Workgroup, WorkgroupMembership


@pytest.fixture
def process(db):
    """The participatory economic plan of a territory and the person accompanying it."""
    process = ParticipatoryProcess.objects.create(title="Plan économique participatif", slug="plan-participatif")
    runner = PersonFactory(user__first_name="Inès")
    process.leads.add(runner)
    return process, runner


def test_a_workshop_outside_the_axes_opens_its_room_in_its_process(client, agenda, process, grant):
    process, runner = process
    workshop = add_event(agenda, days=-1, title="Atelier artisanat", kind=EventKind.WORKSHOP, process=process)
    came = PersonFactory()
    EventRegistration.objects.create(
        event=workshop, person=came, name="Artisan", email="artisan@exemple.test", status=RegistrationStatus.CONFIRMED,
        cancel_token_hash="h1", attended=True,
    )  # fmt: skip

    # A coordinator of an axis is not in charge of it: the workshop has no axis.
    client.force_login(grant(PersonFactory(), Role.COORDINATOR, AxisFactory()).user)
    assert client.post(workshop.url + workshop.reverse_subpage("followup")).status_code == 403

    client.force_login(runner.user)
    response = client.post(workshop.url + workshop.reverse_subpage("followup"))
    workshop.refresh_from_db()
    room = workshop.followup_workgroup
    assert response.status_code == 302 and response["Location"] == reverse("workgroups:room", args=[room.slug])
    assert room.process == process and room.axis is None and room.club is None
    assert room.theme == "Atelier artisanat"
    members = set(WorkgroupMembership.objects.filter(workgroup=room).values_list("person_id", flat=True))
    assert members == {came.pk, runner.pk}
    # The person running the process leads its rooms: their settings and members are hers.
    assert client.get(reverse("workgroups:manage", args=[room.slug])).status_code == 200
    assert "Plan économique participatif" in client.get(reverse("workgroups:room", args=[room.slug])).content.decode()


def test_an_axis_workshop_of_a_process_opens_a_room_of_both(client, agenda, process, grant):
    process, _runner = process
    axis = AxisFactory(title="Santé")
    coordinator = grant(PersonFactory(), Role.COORDINATOR, axis)
    workshop = add_event(agenda, days=-1, title="Atelier santé", kind=EventKind.WORKSHOP, axis=axis, process=process)
    client.force_login(coordinator.user)
    client.post(workshop.url + workshop.reverse_subpage("followup"))
    workshop.refresh_from_db()
    room = workshop.followup_workgroup
    assert room.axis == axis and room.process == process


def test_the_people_running_a_process_create_its_themed_rooms_from_the_site(client, process):
    process, runner = process
    client.force_login(runner.user)
    response = client.post(
        reverse("workgroups:create"),
        {"owner": f"process:{process.pk}", "name": "Atelier image", "theme": "Image", "membership_policy": "open"},
    )
    room = Workgroup.objects.get(name="Atelier image")
    assert response.status_code == 302 and room.process == process and room.theme == "Image"
    assert "Atelier image" in client.get(reverse("workgroups:coordination")).content.decode()
    # Somebody else cannot create a room in it.
    client.force_login(PersonFactory().user)
    client.post(
        reverse("workgroups:create"), {"owner": f"process:{process.pk}", "name": "Intrus", "membership_policy": "open"}
    )
    assert not Workgroup.objects.filter(name="Intrus").exists()


def test_the_process_page_lists_its_events_with_their_attendance(client, agenda, process):
    process, runner = process
    breakfast = add_event(
        agenda, days=-3, title="Petit-déjeuner de lancement", kind=EventKind.WORKSHOP, process=process
    )
    for number, came in enumerate((True, True, False)):
        EventRegistration.objects.create(
            event=breakfast, name=f"p{number}", email=f"p{number}@exemple.test", status=RegistrationStatus.CONFIRMED,
            cancel_token_hash=f"x{number}", attended=came,
        )  # fmt: skip
    add_event(agenda, days=5, title="Atelier d'une autre démarche", kind=EventKind.WORKSHOP)
    client.force_login(PersonFactory().user)
    page = client.get(reverse("workgroups:process", args=[process.slug])).content.decode()
    assert "Petit-déjeuner de lancement" in page and "Atelier d&#x27;une autre démarche" not in page
    assert "3 inscrits" in page and "2 présents" in page
