"""Who reads the searches made: administrators all of them, each coordinator those of their axes (the
axis of the filters used or of the results found); nobody else, members included."""

from portal.members.models import Role
from portal.members.permissions import ALL, is_administrator, scope_ids
from portal.members.scopes import ScopeKind


def report_axis_ids(user):
    """ALL, the ids of the axes whose searches `user` reads, or an empty set (no report)."""
    if is_administrator(user):
        return ALL
    found = scope_ids(user, Role.COORDINATOR, ScopeKind.AXIS)
    return found if found is ALL else set(found)


def may_read_report(user) -> bool:
    return bool(report_axis_ids(user))
