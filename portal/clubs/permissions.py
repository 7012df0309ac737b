"""Who may do what in the clubs' life. Views, admin, services and other apps all ask here; the
roles themselves are the members directory's (portal.members.permissions)."""

from portal.members.models import PersonRole
from portal.members.permissions import has_role, is_administrator


def can_organise_clubs(user) -> bool:
    """Organisers and administrators run clubs' life cycle, surveys, imports and prospects."""
    return has_role(user, PersonRole.ORGANISER)


def can_merge_clubs(user) -> bool:
    return is_administrator(user)


def can_view_growth(user) -> bool:
    return has_role(user, PersonRole.ORGANISER)


def can_create_clubs(user) -> bool:
    return is_administrator(user)
