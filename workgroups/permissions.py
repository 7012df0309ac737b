"""Who may read, write and moderate in a workgroup."""

from portal.members.permissions import is_administrator, person_of

from .models import Workgroup, WorkgroupMembership, WorkgroupMembershipStatus, WorkgroupRole


def active_membership(user, workgroup: Workgroup) -> WorkgroupMembership | None:
    person = person_of(user)
    if person is None or not user.is_active:
        return None
    return WorkgroupMembership.objects.filter(
        workgroup=workgroup, person=person, status=WorkgroupMembershipStatus.ACTIVE
    ).first()


def can_read(user, workgroup: Workgroup) -> bool:
    return active_membership(user, workgroup) is not None


def can_moderate(user, workgroup: Workgroup) -> bool:
    """Facilitators and coordinators of the workgroup, coordinators of its axis, administrators."""
    if is_administrator(user):
        return True
    person = person_of(user)
    if person is None or not user.is_active:
        return False
    if workgroup.axis_id and workgroup.axis.coordinators.filter(pk=person.pk).exists():
        return True
    return WorkgroupMembership.objects.filter(
        workgroup=workgroup,
        person=person,
        status=WorkgroupMembershipStatus.ACTIVE,
        role__in=[WorkgroupRole.FACILITATOR, WorkgroupRole.COORDINATOR],
    ).exists()
