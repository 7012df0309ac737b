"""The coordination of an axis or a club leads its workgroups from the site: creates them, says who is
in them and who coordinates them, archives them; the axes' coordinators follow the role assignments."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from portal.members import services as member_services
from portal.members.models import Role, RoleAssignment
from portal.members.scopes import ScopeKind
from tests.factories import (
    AxisFactory,
    ClubFactory,
    PersonFactory,
    UserFactory,
    WorkgroupFactory,
    WorkgroupMembershipFactory,
)
from workgroups import services
from workgroups.models import MembershipPolicy, Workgroup, WorkgroupMembership, WorkgroupRole


@pytest.fixture
def client():
    language = translation.get_language()
    yield Client(headers={"accept-language": "en"})
    translation.activate(language)


@pytest.fixture
def granter(db):
    return UserFactory(is_superuser=True, is_staff=True)


def grant(person, role, kind, scope_id, by):
    member_services.role_grant(person=person, role=role, scope_kind=kind, scope_id=scope_id, by=by)
    person.user.refresh_from_db()
    return person.user


@pytest.fixture
def scene(db, granter):
    axis, other_axis, club = AxisFactory(title="Mobilité"), AxisFactory(title="Alimentation"), ClubFactory()
    coordinator = PersonFactory(user__email="claire@example.org", handle="claire")
    grant(coordinator, Role.COORDINATOR, ScopeKind.AXIS, axis.pk, granter)
    return {"axis": axis, "other_axis": other_axis, "club": club, "coordinator": coordinator}


def test_a_coordinator_leads_a_new_workgroup_of_her_axis_from_the_site(client, scene):
    client.force_login(scene["coordinator"].user)
    page = client.get(reverse("workgroups:create")).content.decode()
    assert scene["axis"].title in page and scene["other_axis"].title not in page and scene["club"].name not in page

    response = client.post(
        reverse("workgroups:create"),
        {"owner": f"axis:{scene['axis'].pk}", "name": "Covoiturage", "description": "", "membership_policy": "open"},
    )
    workgroup = Workgroup.objects.get(name="Covoiturage")
    assert response["Location"] == reverse("workgroups:manage", args=[workgroup.slug])
    assert workgroup.axis == scene["axis"]
    mine = WorkgroupMembership.objects.get(workgroup=workgroup, person=scene["coordinator"])
    assert mine.role == WorkgroupRole.COORDINATOR  # she coordinates it, and reads its discussion

    newcomer = PersonFactory(user__email="malik@example.org", user__first_name="Malik")
    client.post(reverse("workgroups:member_add", args=[workgroup.slug]), {"who": "MALIK@example.org", "role": "member"})
    membership = WorkgroupMembership.objects.get(workgroup=workgroup, person=newcomer)
    client.post(
        reverse("workgroups:member_role", args=[workgroup.slug, membership.pk]),
        {f"m{membership.pk}-role": WorkgroupRole.FACILITATOR},
    )
    membership.refresh_from_db()
    assert membership.role == WorkgroupRole.FACILITATOR

    client.post(reverse("workgroups:archive", args=[workgroup.slug]), {"archived": "1"})
    workgroup.refresh_from_db()
    assert workgroup.is_archived
    coordination = client.get(reverse("workgroups:coordination")).content.decode()
    assert "Covoiturage" in coordination and "Archived" in coordination


def test_another_axis_or_a_club_is_refused_whatever_is_posted(client, scene):
    client.force_login(scene["coordinator"].user)
    for owner in (f"axis:{scene['other_axis'].pk}", f"club:{scene['club'].pk}"):
        client.post(reverse("workgroups:create"), {"owner": owner, "name": "Intrus", "membership_policy": "open"})
    assert not Workgroup.objects.filter(name="Intrus").exists()
    theirs = WorkgroupFactory(axis=scene["other_axis"])
    assert client.get(reverse("workgroups:manage", args=[theirs.slug])).status_code == 403
    assert client.post(reverse("workgroups:archive", args=[theirs.slug]), {"archived": "1"}).status_code == 403


def test_a_plain_member_has_no_coordination_screen(client, db):
    member = PersonFactory()
    client.force_login(member.user)
    assert client.get(reverse("workgroups:coordination")).status_code == 403
    assert client.get(reverse("workgroups:create")).status_code == 403
    assert "Workgroups I lead" not in client.get(reverse("workgroups:index")).content.decode()


def test_a_club_animator_leads_its_commissions_and_joins_one_on_approval_at_once(client, db, granter):
    club, other_club = ClubFactory(), ClubFactory()
    animator = PersonFactory()
    grant(animator, Role.ANIMATOR, ScopeKind.CLUB, club.pk, granter)
    commission = WorkgroupFactory(axis=None, club=club, membership_policy=MembershipPolicy.APPROVAL)
    theirs = WorkgroupFactory(axis=None, club=other_club, membership_policy=MembershipPolicy.APPROVAL)
    client.force_login(animator.user)

    page = client.get(reverse("workgroups:coordination")).content.decode()
    assert commission.name in page and theirs.name not in page
    # Leading it is not reading it: the discussion opens once she joins, which she does at once.
    assert client.get(reverse("workgroups:room", args=[commission.slug])).status_code == 403
    client.post(reverse("workgroups:join", args=[commission.slug]))
    assert client.get(reverse("workgroups:room", args=[commission.slug])).status_code == 200
    # Another club's commission is open to that club's member firms only: her firm is not one.
    client.post(reverse("workgroups:join", args=[theirs.slug]))
    assert not WorkgroupMembership.objects.filter(workgroup=theirs, person=animator).exists()


def test_the_admin_offers_a_coordinator_only_her_workgroups(client, scene):
    mine = WorkgroupFactory(axis=scene["axis"], name="Groupe à moi")
    theirs = WorkgroupFactory(axis=scene["other_axis"], name="Groupe des autres")
    commission = WorkgroupFactory(axis=None, club=scene["club"], name="Commission du club")
    WorkgroupMembershipFactory(workgroup=theirs, person=PersonFactory(user__last_name="Invisible"))
    client.force_login(scene["coordinator"].user)

    form = client.get(reverse("workgroup-memberships:add")).content.decode()
    assert mine.name in form and theirs.name not in form and commission.name not in form
    listing = client.get(reverse("workgroup-memberships:index")).content.decode()
    assert "Invisible" not in listing
    response = client.post(
        reverse("workgroup-memberships:add"),
        {"workgroup": theirs.pk, "person": scene["coordinator"].pk, "role": "coordinator", "status": "active"},
    )
    assert response.status_code == 200  # the form refuses the choice
    assert not WorkgroupMembership.objects.filter(workgroup=theirs, person=scene["coordinator"]).exists()


def test_the_axis_coordinators_follow_the_role_assignments(scene, granter):
    axis, other_axis, person = scene["axis"], scene["other_axis"], scene["coordinator"]
    assert list(axis.coordinators.all()) == [person]

    grant(person, Role.COORDINATOR, ScopeKind.AXIS, other_axis.pk, granter)
    assert set(person.coordinated_axes.all()) == {axis, other_axis}

    assignment = RoleAssignment.objects.get(person=person, scope_kind=ScopeKind.AXIS, scope_id=axis.pk)
    member_services.role_withdraw(assignment=assignment, by=granter)
    assert list(person.coordinated_axes.all()) == [other_axis]
    assert not axis.coordinators.exists()


def test_a_workgroup_slug_never_takes_a_page_address(scene):
    workgroup = services.workgroup_create(by=scene["coordinator"].user, name="Coordination", axis=scene["axis"])
    assert workgroup.slug != "coordination"
    assert reverse("workgroups:room", args=[workgroup.slug]) != reverse("workgroups:coordination")
