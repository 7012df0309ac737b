"""Who may update an action plan and keep the common issues board."""

from portal.members.models import PersonRole
from portal.members.permissions import has_role, is_administrator, person_of

from .models import ActionPlan


def can_manage_plan(user, plan: ActionPlan) -> bool:
    """Administrators; the coordinators of an axis plan's axis; organisers for club and process plans."""
    if is_administrator(user):
        return True
    person = person_of(user)
    if person is None or not user.is_active:
        return False
    if plan.axis_id:
        return plan.axis.coordinators.filter(pk=person.pk).exists()
    return has_role(user, PersonRole.ORGANISER)


def can_manage_issues(user) -> bool:
    """Organisers, axis coordinators and administrators keep the common issues board."""
    return has_role(user, PersonRole.ORGANISER, PersonRole.COORDINATOR)
