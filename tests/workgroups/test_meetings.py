"""A workgroup that meets: meetings with their agenda and minutes, decisions, tasks and their
reminders, and commissions open to their club's member firms only."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from portal.members.models import MembershipStatus
from tests.factories import AxisFactory, ClubFactory, MembershipFactory, OrganisationFactory, PersonFactory
from workgroups import selectors, services
from workgroups.models import MembershipPolicy, Workgroup, WorkgroupMembership, WorkgroupRole


@pytest.fixture
def group(db):
    """A workgroup of an axis with a coordinator (of the group) and a plain member."""
    workgroup = Workgroup.objects.create(axis=AxisFactory(), name="Commission RSE", slug="commission-rse")
    coordinator, member = PersonFactory(handle="coord"), PersonFactory(handle="membre")
    WorkgroupMembership.objects.create(workgroup=workgroup, person=coordinator, role=WorkgroupRole.COORDINATOR)
    WorkgroupMembership.objects.create(workgroup=workgroup, person=member)
    return {"workgroup": workgroup, "coordinator": coordinator, "member": member}


def next_week():
    return timezone.now() + datetime.timedelta(days=7)


def test_the_group_coordinator_plans_a_meeting_and_a_plain_member_cannot(group):
    meeting = services.meeting_create(
        workgroup=group["workgroup"],
        by=group["coordinator"].user,
        title="Réunion de rentrée",
        starts_at=next_week(),
        place="Salle du club",
        agenda="1. Bilan\n2. Projets",
    )
    assert selectors.meetings_of(group["workgroup"])["upcoming"] == [meeting]
    with pytest.raises(PermissionDenied):
        services.meeting_create(
            workgroup=group["workgroup"], by=group["member"].user, title="Autre", starts_at=next_week()
        )


def test_minutes_are_stored_escaped_so_typed_markup_never_becomes_html(group):
    meeting = services.meeting_create(
        workgroup=group["workgroup"], by=group["coordinator"].user, title="Réunion", starts_at=next_week()
    )
    services.meeting_write_minutes(
        meeting=meeting,
        by=group["coordinator"].user,
        text="Présents : 8 entreprises.\n\n<script>alert(1)</script> <b>gras</b>",
    )
    meeting.refresh_from_db()
    assert meeting.minutes.startswith("<p>Présents : 8 entreprises.</p>")
    assert "<script>" not in meeting.minutes and "&lt;script&gt;" in meeting.minutes
    assert meeting.minutes_by == group["coordinator"]


def test_decisions_are_listed_in_order_for_a_draft_plan(group):
    by = group["coordinator"].user
    meeting = services.meeting_create(workgroup=group["workgroup"], by=by, title="Atelier", starts_at=next_week())
    second = services.decision_record(
        workgroup=group["workgroup"], by=by, text="Mutualiser les déchets", decided_on=datetime.date(2026, 3, 2)
    )
    first = services.decision_record(
        workgroup=group["workgroup"],
        by=by,
        text="Un covoiturage",
        meeting=meeting,
        decided_on=datetime.date(2026, 3, 1),
    )
    assert selectors.decisions_of(group["workgroup"]) == [first, second]
    with pytest.raises(PermissionDenied):
        services.decision_record(workgroup=group["workgroup"], by=group["member"].user, text="Non")


def test_a_task_goes_to_a_member_of_the_workgroup_only(group):
    by = group["coordinator"].user
    task = services.task_assign(
        workgroup=group["workgroup"],
        by=by,
        title="Envoyer le compte rendu",
        owner=group["member"],
        due_on=timezone.localdate(),
    )
    assert task.owner == group["member"]
    with pytest.raises(ValidationError):
        services.task_assign(
            workgroup=group["workgroup"], by=by, title="Hors groupe", owner=PersonFactory(), due_on=timezone.localdate()
        )
    services.task_set_done(task=task, by=group["member"].user)
    assert task.is_done


def test_a_commission_is_open_to_its_club_member_firms_only(db):
    club = ClubFactory()
    firm, other_firm = OrganisationFactory(), OrganisationFactory()
    MembershipFactory(organisation=firm, club=club, status=MembershipStatus.ACTIVE)
    MembershipFactory(organisation=other_firm, club=None, status=MembershipStatus.ACTIVE)
    commission = Workgroup.objects.create(
        club=club, name="Commission bien-être", slug="bien-etre", membership_policy=MembershipPolicy.OPEN
    )
    insider, outsider = PersonFactory(organisation=firm), PersonFactory(organisation=other_firm)
    assert services.workgroup_join(workgroup=commission, by=insider.user).status == "active"
    with pytest.raises(ValidationError):
        services.workgroup_join(workgroup=commission, by=outsider.user)
    assert not WorkgroupMembership.objects.filter(person=outsider).exists()


def test_a_persons_tasks_are_in_their_data_and_erasure_leaves_the_task_unnamed(group):
    from workgroups import privacy

    task = services.task_assign(
        workgroup=group["workgroup"],
        by=group["coordinator"].user,
        title="Réserver la salle",
        owner=group["member"],
        due_on=timezone.localdate(),
    )
    exported = privacy.export_tasks(group["member"])
    assert len(exported) == 1 and "Réserver la salle" in exported[0].values()
    privacy.erase(group["member"])
    task.refresh_from_db()
    assert task.owner is None and task.title == "Réserver la salle"
