"""The search grants of a user (see search/documents.py): what they may find.

Anonymous visitors: public documents. People with a member profile: also the documents for members
and the messages of the workgroups they are active members of.
"""

from portal.members.permissions import person_of
from search.documents import MEMBERS, PUBLIC, workgroup_grant
from workgroups.models import WorkgroupMembership, WorkgroupMembershipStatus


def grants_for(user) -> list[str]:
    person = person_of(user)
    if person is None or not user.is_active:
        return [PUBLIC]
    workgroups = WorkgroupMembership.objects.filter(person=person, status=WorkgroupMembershipStatus.ACTIVE).values_list(
        "workgroup_id", flat=True
    )
    return [PUBLIC, MEMBERS, *(workgroup_grant(pk) for pk in workgroups.order_by("workgroup_id"))]
