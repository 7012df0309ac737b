"""Probes of the workgroups' rules: rooms (page and websocket), join requests, the admin screens of
workgroups and their memberships, and the coordination screens of the site.

"Inside" is a workgroup of the actor's scope: of axis_in for a coordinator, a commission of club_in
for an animator; for a plain member, a workgroup they belong to (the probe makes them a member of
the inside one only). "Outside" is the same kind of workgroup of axis_out or club_out.
"""

from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.test import Client
from django.urls import reverse

from portal.members.models import Role, RoleAssignment
from tests.factories import PersonFactory
from workgroups.models import (
    MembershipPolicy,
    Workgroup,
    WorkgroupMembership,
    WorkgroupMembershipStatus,
    WorkgroupRole,
)

from ..kit import allowed, client_for, probe

AXIS, CLUB = "axis", "club"


def workgroup_of(world, kind: str, inside: bool, *, policy: str = MembershipPolicy.OPEN) -> Workgroup:
    """The world's workgroup of axis_in/axis_out (kind "axis") or commission of club_in/club_out
    ("club"), built once and shared by the probes."""
    key = f"workgroup-{kind}-{'in' if inside else 'out'}"
    if key not in world.extra:
        owner = world.inside(kind, inside)
        tag = f"{kind}-{'in' if inside else 'out'}"
        world.extra[key] = Workgroup.objects.create(
            name=f"Groupe {tag}",
            slug=f"groupe-{tag}",
            membership_policy=policy,
            axis=owner if kind == AXIS else None,
            club=owner if kind == CLUB else None,
        )
    return world.extra[key]


def is_plain_member(user) -> bool:
    """A signed-in person holding no role but member: their "inside" is what is theirs."""
    if user is None:
        return False
    roles = set(RoleAssignment.objects.filter(person__user=user).values_list("role", flat=True))
    return not user.is_superuser and roles <= {Role.MEMBER}


def own_workgroup(world, user, kind: str, inside: bool) -> Workgroup:
    """The probe's workgroup; a plain member belongs to the inside one."""
    workgroup = workgroup_of(world, kind, inside)
    if inside and is_plain_member(user):
        WorkgroupMembership.objects.get_or_create(workgroup=workgroup, person=user.person)
    return workgroup


def _read_room(world, user, inside, kind):
    workgroup = own_workgroup(world, user, kind, inside)
    return allowed(client_for(user).get(reverse("workgroups:room", args=[workgroup.slug])))


@probe("workgroups.axis_room.read")
def axis_room_read(world, user, inside):
    return _read_room(world, user, inside, AXIS)


@probe("workgroups.commission_room.read")
def commission_room_read(world, user, inside):
    return _read_room(world, user, inside, CLUB)


def socket_admitted(user, workgroup) -> bool:
    """Opens the room's websocket as `user`: admitted when its first frame is "ready", refused when
    it is closed (4401, 4403)."""
    from portal.asgi import application

    headers = [(b"origin", b"http://127.0.0.1"), (b"host", b"127.0.0.1")]
    if user is not None:
        client = Client()
        client.force_login(user)
        headers.append((b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode()))

    async def attempt():
        communicator = WebsocketCommunicator(application, f"/ws/workgroups/{workgroup.slug}/", headers=headers)
        connected, _subprotocol = await communicator.connect(timeout=5)
        if not connected:
            return False
        try:
            output = await communicator.receive_output(timeout=5)
        except TimeoutError:
            return False
        finally:
            await communicator.disconnect()
        return output["type"] == "websocket.send" and '"ready"' in output.get("text", "")

    return async_to_sync(attempt)()


@probe("workgroups.axis_room.connect", transactional=True)
def axis_room_connect(world, user, inside):
    return socket_admitted(user, own_workgroup(world, user, AXIS, inside))


@probe("workgroups.commission_room.connect", transactional=True)
def commission_room_connect(world, user, inside):
    return socket_admitted(user, own_workgroup(world, user, CLUB, inside))


def _approve(world, user, inside, kind):
    workgroup = own_workgroup(world, user, kind, inside)
    request = WorkgroupMembership.objects.create(
        workgroup=workgroup, person=PersonFactory(), status=WorkgroupMembershipStatus.PENDING
    )
    client_for(user).post(reverse("workgroups:approve", args=[request.pk]))
    request.refresh_from_db()
    return request.status == WorkgroupMembershipStatus.ACTIVE


@probe("workgroups.axis_room.approve_request")
def axis_room_approve(world, user, inside):
    return _approve(world, user, inside, AXIS)


@probe("workgroups.commission_room.approve_request")
def commission_room_approve(world, user, inside):
    return _approve(world, user, inside, CLUB)


# --- The admin screens --------------------------------------------------------------------------


def listed(user, url: str, text: str) -> bool:
    """The admin list at `url` answers and shows `text` (a row of the inside or outside scope)."""
    response = client_for(user).get(url)
    return allowed(response) and response.status_code == 200 and text in response.content.decode()


def _admin_workgroups_list(world, user, inside, kind):
    workgroup = workgroup_of(world, kind, inside)
    return listed(user, reverse("workgroups_admin:index"), workgroup.name)


@probe("workgroups.admin.workgroups.list_axis")
def admin_workgroups_list_axis(world, user, inside):
    return _admin_workgroups_list(world, user, inside, AXIS)


@probe("workgroups.admin.workgroups.list_commission")
def admin_workgroups_list_commission(world, user, inside):
    return _admin_workgroups_list(world, user, inside, CLUB)


def _admin_workgroup_add(world, user, inside, kind):
    owner = world.inside(kind, inside)
    slug = f"admin-{kind}-{'in' if inside else 'out'}"
    data = {
        "name": f"Nouveau {slug}",
        "slug": slug,
        "axis": owner.pk if kind == AXIS else "",
        "club": owner.pk if kind == CLUB else "",
        "description": "",
        "membership_policy": MembershipPolicy.OPEN,
    }
    client_for(user).post(reverse("workgroups_admin:add"), data)
    return Workgroup.objects.filter(slug=slug).exists()


@probe("workgroups.admin.workgroups.add_axis")
def admin_workgroup_add_axis(world, user, inside):
    return _admin_workgroup_add(world, user, inside, AXIS)


@probe("workgroups.admin.workgroups.add_commission")
def admin_workgroup_add_commission(world, user, inside):
    return _admin_workgroup_add(world, user, inside, CLUB)


def membership_row(world, kind: str, inside: bool) -> WorkgroupMembership:
    """Someone's membership of the inside or outside workgroup, named so that a list shows it."""
    key = f"membership-{kind}-{'in' if inside else 'out'}"
    if key not in world.extra:
        tag = f"{kind}{'Dedans' if inside else 'Dehors'}"
        person = PersonFactory(user__first_name="Adhérent", user__last_name=tag)
        workgroup = workgroup_of(world, kind, inside)
        world.extra[key] = WorkgroupMembership.objects.create(workgroup=workgroup, person=person)
    return world.extra[key]


@probe("workgroups.admin.memberships.list_axis")
def admin_memberships_list_axis(world, user, inside):
    membership = membership_row(world, AXIS, inside)
    return listed(user, reverse("workgroup-memberships:index"), membership.person.user.last_name)


@probe("workgroups.admin.memberships.list_commission")
def admin_memberships_list_commission(world, user, inside):
    membership = membership_row(world, CLUB, inside)
    return listed(user, reverse("workgroup-memberships:index"), membership.person.user.last_name)


def body_of(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def exported(user, url: str, text: str) -> bool:
    """The admin list's CSV export (a POST) answers with a file that holds `text`."""
    response = client_for(user).post(url + "?export=csv")
    return (
        response.status_code == 200
        and response.get("Content-Type", "").startswith("text/csv")
        and text in body_of(response)
    )


@probe("workgroups.admin.memberships.export_axis")
def admin_memberships_export_axis(world, user, inside):
    membership = membership_row(world, AXIS, inside)
    return exported(user, reverse("workgroup-memberships:index"), membership.person.user.last_name)


@probe("workgroups.admin.memberships.edit_axis")
def admin_memberships_edit_axis(world, user, inside):
    membership = membership_row(world, AXIS, inside)
    return allowed(client_for(user).get(reverse("workgroup-memberships:edit", args=[membership.pk])))


@probe("workgroups.admin.memberships.delete_axis")
def admin_memberships_delete_axis(world, user, inside):
    membership = membership_row(world, AXIS, inside)
    client_for(user).post(reverse("workgroup-memberships:delete", args=[membership.pk]))
    deleted = not WorkgroupMembership.objects.filter(pk=membership.pk).exists()
    world.extra.pop(f"membership-{AXIS}-{'in' if inside else 'out'}")
    return deleted


def _make_myself_coordinator(world, user, inside, kind):
    """The hole of the first release: through the admin's add form, the actor makes herself
    coordinator of a workgroup (then reads its discussion)."""
    if user is None or not hasattr(user, "person"):
        return False
    workgroup = workgroup_of(world, kind, inside)
    data = {
        "workgroup": workgroup.pk,
        "person": user.person.pk,
        "role": WorkgroupRole.COORDINATOR,
        "status": WorkgroupMembershipStatus.ACTIVE,
    }
    client_for(user).post(reverse("workgroup-memberships:add"), data)
    return WorkgroupMembership.objects.filter(
        workgroup=workgroup, person=user.person, role=WorkgroupRole.COORDINATOR
    ).exists()


@probe("workgroups.admin.memberships.coordinate_axis_group")
def admin_coordinate_axis_group(world, user, inside):
    return _make_myself_coordinator(world, user, inside, AXIS)


@probe("workgroups.admin.memberships.coordinate_commission")
def admin_coordinate_commission(world, user, inside):
    return _make_myself_coordinator(world, user, inside, CLUB)


# --- The coordination screens of the site --------------------------------------------------------


def _join_at_once(world, user, inside, kind):
    """The coordination of the axis or club joins a workgroup on approval at once (to read it)."""
    key = f"approval-{kind}-{'in' if inside else 'out'}"
    if key not in world.extra:
        owner = world.inside(kind, inside)
        world.extra[key] = Workgroup.objects.create(
            name=f"Sur approbation {key}",
            slug=key,
            membership_policy=MembershipPolicy.APPROVAL,
            axis=owner if kind == AXIS else None,
            club=owner if kind == CLUB else None,
        )
    workgroup = world.extra[key]
    client_for(user).post(reverse("workgroups:join", args=[workgroup.slug]))
    return WorkgroupMembership.objects.filter(
        workgroup=workgroup, person__user=user, status=WorkgroupMembershipStatus.ACTIVE
    ).exists()


@probe("workgroups.axis_group.join_at_once")
def axis_group_join_at_once(world, user, inside):
    return _join_at_once(world, user, inside, AXIS)


@probe("workgroups.commission.join_at_once")
def commission_join_at_once(world, user, inside):
    return _join_at_once(world, user, inside, CLUB)


def _create(world, user, inside, kind):
    owner = world.inside(kind, inside)
    name = f"Créé sur le site {kind} {'dedans' if inside else 'dehors'}"
    client_for(user).post(
        reverse("workgroups:create"),
        {"owner": f"{kind}:{owner.pk}", "name": name, "description": "", "membership_policy": MembershipPolicy.OPEN},
    )
    return Workgroup.objects.filter(name=name, **{kind: owner}).exists()


@probe("workgroups.coordination.create_axis_group")
def coordination_create_axis_group(world, user, inside):
    return _create(world, user, inside, AXIS)


@probe("workgroups.coordination.create_commission")
def coordination_create_commission(world, user, inside):
    return _create(world, user, inside, CLUB)


def _manage_page(world, user, inside, kind):
    workgroup = own_workgroup(world, user, kind, inside)
    return allowed(client_for(user).get(reverse("workgroups:manage", args=[workgroup.slug])))


@probe("workgroups.coordination.manage_axis_group")
def coordination_manage_axis_group(world, user, inside):
    return _manage_page(world, user, inside, AXIS)


@probe("workgroups.coordination.manage_commission")
def coordination_manage_commission(world, user, inside):
    return _manage_page(world, user, inside, CLUB)


@probe("workgroups.coordination.archive_axis_group")
def coordination_archive_axis_group(world, user, inside):
    workgroup = own_workgroup(world, user, AXIS, inside)
    client_for(user).post(reverse("workgroups:archive", args=[workgroup.slug]), {"archived": "1"})
    archived = Workgroup.objects.get(pk=workgroup.pk).is_archived
    Workgroup.objects.filter(pk=workgroup.pk).update(is_archived=False)
    return archived


def _set_role(world, user, inside, kind):
    """Makes someone of the workgroup its coordinator."""
    membership = membership_row(world, kind, inside)
    client_for(user).post(
        reverse("workgroups:member_role", args=[membership.workgroup.slug, membership.pk]),
        {f"m{membership.pk}-role": WorkgroupRole.COORDINATOR},
    )
    membership.refresh_from_db()
    changed = membership.role == WorkgroupRole.COORDINATOR
    WorkgroupMembership.objects.filter(pk=membership.pk).update(role=WorkgroupRole.MEMBER)
    return changed


@probe("workgroups.coordination.set_role_axis_group")
def coordination_set_role_axis_group(world, user, inside):
    return _set_role(world, user, inside, AXIS)


@probe("workgroups.coordination.set_role_commission")
def coordination_set_role_commission(world, user, inside):
    return _set_role(world, user, inside, CLUB)


@probe("workgroups.coordination.add_member_axis_group")
def coordination_add_member_axis_group(world, user, inside):
    workgroup = workgroup_of(world, AXIS, inside)
    newcomer = PersonFactory()
    client_for(user).post(
        reverse("workgroups:member_add", args=[workgroup.slug]),
        {"who": f"@{newcomer.handle}", "role": WorkgroupRole.MEMBER},
    )
    return WorkgroupMembership.objects.filter(workgroup=workgroup, person=newcomer).exists()


# --- Notification choices (#21) ---------------------------------------------------------------------


@probe("workgroups.notifications.settings")
def notifications_settings(world, user, inside):
    return allowed(client_for(user).get(reverse("notifications:settings")))


@probe("workgroups.notifications.others_membership")
def notifications_others_membership(world, user, inside):
    """Posting the choice of someone else's membership (of the actor's scope or not): changed?"""
    workgroup = workgroup_of(world, AXIS, inside)
    theirs = WorkgroupMembership.objects.create(workgroup=workgroup, person=PersonFactory())
    client_for(user).post(
        reverse("notifications:settings"),
        {"message_notifications": "all", "receives_daily_digest": "on", f"workgroup_{theirs.pk}": "none"},
    )
    theirs.refresh_from_db()
    return theirs.notifications == "none"
