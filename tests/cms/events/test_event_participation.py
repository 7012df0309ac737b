"""Events of a participatory process: the action plan they feed, who came, a workshop's follow-up room."""

import pytest
from django.urls import reverse

from cms.events.models import EventIndexPage, EventKind, EventRegistration, RegistrationStatus
from cms.models import ClubPage
from portal.members.models import PersonRole, Role
from tests.cms.pages import add_event, add_page
from tests.factories import AxisFactory, ClubFactory, PersonFactory
from workgroups.models import WorkgroupMembership
from workgroups.plans.models import ActionPlan


@pytest.fixture
def mobility(db):
    return AxisFactory(title="Mobilité")


@pytest.fixture
def organiser(mobility, grant):
    """A coordinator of the workshop's axis: the one in charge of its registrations."""
    return grant(PersonFactory(), Role.COORDINATOR, mobility)


@pytest.fixture
def workshop(agenda, mobility):
    plan = ActionPlan.objects.create(title="Plan d'actions de la mobilité", slug="mobilite", scope="process")
    return add_event(agenda, days=-2, title="Atelier covoiturage", kind=EventKind.WORKSHOP, capacity=10,
                     axis=mobility, action_plan=plan)  # fmt: skip


def _register(event, person=None, name="Visiteur"):
    number = EventRegistration.objects.count()
    return EventRegistration.objects.create(
        event=event,
        person=person,
        name=str(person) if person else name,
        email=f"{name}{number}@exemple.test",
        status=RegistrationStatus.CONFIRMED,
        cancel_token_hash=f"h{number}",
    )


def test_the_event_and_the_plan_link_each_other(client, workshop):
    assert "Plan d&#x27;actions de la mobilité" in client.get(workshop.url).content.decode()
    plan_page = client.get(reverse("plans:detail", args=["mobilite"])).content.decode()
    assert "Atelier covoiturage" in plan_page and workshop.url in plan_page


def test_the_organiser_records_who_came_and_the_archive_counts_them(client, organiser, workshop, agenda):
    people = [_register(workshop, name=f"p{n}") for n in range(3)]
    client.force_login(organiser.user)
    url = workshop.url + workshop.reverse_subpage("presence")
    assert client.get(url).status_code == 200
    response = client.post(url, {"present": [people[0].pk, people[2].pk]})
    assert response.status_code == 302
    assert [r.attended for r in EventRegistration.objects.order_by("pk")] == [True, False, True]

    client.logout()
    assert "2 participants" in client.get(agenda.url).content.decode()
    # A stranger's registration id is refused and changes nothing.
    client.force_login(organiser.user)
    client.post(url, {"present": [people[1].pk, 999999]})
    assert [r.attended for r in EventRegistration.objects.order_by("pk")] == [True, False, True]


def test_members_cannot_record_attendance(client, workshop):
    client.force_login(PersonFactory().user)
    assert client.get(workshop.url + workshop.reverse_subpage("presence")).status_code == 403


def test_another_axis_coordinator_or_a_club_animator_cannot_see_the_registrations(client, workshop, grant):
    _register(workshop, name="Inscrite")
    url = workshop.url + workshop.reverse_subpage("presence")
    for person in (grant(PersonFactory(), Role.COORDINATOR, AxisFactory()), PersonFactory(role=PersonRole.ORGANISER)):
        client.force_login(person.user)
        assert client.get(url).status_code == 403
        assert client.post(workshop.url + workshop.reverse_subpage("followup")).status_code == 403
    workshop.refresh_from_db()
    assert workshop.followup_workgroup is None


def test_a_club_event_is_its_animators_and_its_follow_up_room_a_commission_of_the_club(client, home, grant):
    club = ClubFactory()
    club_page = add_page(home, ClubPage, title=club.name, slug="club", club=club)
    agenda = add_page(club_page, EventIndexPage, title="Agenda du club")
    event = add_event(agenda, days=-1, title="Petit-déjeuner du club", kind=EventKind.WORKSHOP, capacity=10)
    member = PersonFactory()
    _register(event, member, name="membre")
    url = event.url + event.reverse_subpage("presence")

    client.force_login(grant(PersonFactory(), Role.ANIMATOR, ClubFactory()).user)  # another club's animator
    assert client.get(url).status_code == 403

    animator = grant(PersonFactory(), Role.ANIMATOR, club)
    client.force_login(animator.user)
    assert "membre" in client.get(url).content.decode()
    client.post(event.url + event.reverse_subpage("followup"))
    event.refresh_from_db()
    room = event.followup_workgroup
    assert room.club == club and room.axis is None
    members = set(WorkgroupMembership.objects.filter(workgroup=room).values_list("person_id", flat=True))
    assert members == {member.pk, animator.pk}


def test_a_workshop_opens_a_follow_up_room_with_the_members_who_came(client, organiser, workshop):
    came, absent = PersonFactory(), PersonFactory()
    _register(workshop, came, name="came")
    EventRegistration.objects.filter(person=came).update(attended=True)
    _register(workshop, absent, name="absent")
    EventRegistration.objects.filter(person=absent).update(attended=False)
    _register(workshop, name="visiteur")  # no account: cannot be added

    client.force_login(organiser.user)
    url = workshop.url + workshop.reverse_subpage("followup")
    response = client.post(url)
    workshop.refresh_from_db()
    room = workshop.followup_workgroup
    assert response.status_code == 302 and response["Location"] == reverse("workgroups:room", args=[room.slug])
    assert room.axis == workshop.axis
    members = set(WorkgroupMembership.objects.filter(workgroup=room).values_list("person_id", flat=True))
    assert members == {came.pk, organiser.pk}
    client.post(url)  # a second click: the same room
    workshop.refresh_from_db()
    assert workshop.followup_workgroup_id == room.pk
    assert room.name in client.get(workshop.url).content.decode()


def test_publishing_an_older_revision_keeps_the_follow_up_room(client, organiser, workshop):
    """The room is linked from the site, not by an editor: the page's revisions must not undo it."""
    revision = workshop.latest_revision  # written before the room existed
    client.force_login(organiser.user)
    client.post(workshop.url + workshop.reverse_subpage("followup"))
    workshop.refresh_from_db()
    room = workshop.followup_workgroup
    assert room is not None

    revision.publish()
    workshop.refresh_from_db()
    assert workshop.followup_workgroup_id == room.pk
