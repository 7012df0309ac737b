"""Who may do what in the members directory, and the policy helpers every app's permissions ask.

Rights come from role assignments held in a scope (models.RoleAssignment). A user's assignments
are read once and kept on the user object, so a page asks the database once however many checks
it makes; the services that change them forget that copy.
"""

from .models import Organisation, PersonRole, Role, RoleAssignment
from .scopes import CLUSTER_ID, ScopeKind


class _All:
    """Every scope of a kind (what an administrator holds): `scope_id in ALL` is always true."""

    def __contains__(self, item) -> bool:
        return True

    def __repr__(self):
        return "ALL"


ALL = _All()

# What the single role of the first release means in assignments: has_role(user, PersonRole.X)
# is true for whoever holds one of these roles in any scope.
LEGACY_ROLES: dict[str, frozenset[str]] = {
    PersonRole.ADMINISTRATOR: frozenset({Role.ADMINISTRATOR}),
    PersonRole.COORDINATOR: frozenset({Role.COORDINATOR}),
    PersonRole.ORGANISER: frozenset({Role.ANIMATOR, Role.EXCHANGE_ORGANISER}),
    PersonRole.MEMBER: frozenset({Role.MEMBER}),
}

_CACHE = "_portal_role_assignments"


def person_of(user):
    if not user or not user.is_authenticated:
        return None
    return getattr(user, "person", None)


def assignments(user) -> frozenset[tuple[str, str, int]]:
    """(role, scope kind, scope id) of every assignment the user holds; read once per user object."""
    if not user or not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, _CACHE, None)
    if cached is None:
        cached = frozenset(
            # A set: no ORDER BY, so no join on the user's name (the model orders by person).
            RoleAssignment.objects.filter(person__user_id=user.pk)
            .order_by()
            .values_list("role", "scope_kind", "scope_id")
        )
        setattr(user, _CACHE, cached)
    return cached


def forget(user) -> None:
    """Drop the user's cached assignments (after a grant or a withdrawal)."""
    if user is not None and hasattr(user, _CACHE):
        delattr(user, _CACHE)


def is_administrator(user) -> bool:
    if not user or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return (Role.ADMINISTRATOR, ScopeKind.CLUSTER, CLUSTER_ID) in assignments(user)


def holds(user, role: str, scope: tuple[str, int] | None = None) -> bool:
    """Whether the user holds `role`: in `scope` (kind, id) if given, else in any scope.

    Administrators hold every role everywhere."""
    if is_administrator(user):
        return True
    held = assignments(user)
    if scope is None:
        return any(r == role for r, _kind, _id in held)
    return (role, *scope) in held


def scope_ids(user, role: str, kind: str):
    """The ids of the scopes of `kind` in which the user holds `role`: a set, or ALL.

    ALL for administrators, and for whoever holds the role over the whole cluster."""
    if is_administrator(user):
        return ALL
    held = assignments(user)
    if kind != ScopeKind.CLUSTER and (role, ScopeKind.CLUSTER, CLUSTER_ID) in held and role != Role.COORDINATOR:
        return ALL
    return {scope_id for r, k, scope_id in held if r == role and k == kind}


def has_role(user, *roles: str) -> bool:
    """The first release's check (PersonRole values), answered from the assignments: holding the
    role in any scope. Kept so every existing caller means the same; the apps move to scoped checks."""
    if is_administrator(user):
        return True
    wanted = frozenset().union(*(LEGACY_ROLES.get(role, frozenset({role})) for role in roles))
    return any(role in wanted for role, _kind, _id in assignments(user))


def can_edit_organisation(user, organisation: Organisation) -> bool:
    """Administrators edit any organisation; people edit only their own."""
    if is_administrator(user):
        return True
    person = person_of(user)
    return bool(person and user.is_active and person.organisation_id == organisation.pk)


def can_manage_memberships(user) -> bool:
    return is_administrator(user)


def can_manage_roles(user) -> bool:
    """Granting and withdrawing role assignments: cluster administrators only."""
    return is_administrator(user)


def can_invite_to(user, organisation: Organisation) -> bool:
    """Administrators invite anyone anywhere; a person invites colleagues to their own organisation."""
    return can_edit_organisation(user, organisation)


def can_grant_role(user, role: str) -> bool:
    return role == PersonRole.MEMBER or is_administrator(user)


def can_lookup_register(user) -> bool:
    """Looking a firm up in the company register, to fill an organisation's form: whoever may edit an
    organisation (administrators, the people of an organisation for their own), and club animators
    (who register their zone's firms)."""
    if is_administrator(user):
        return True
    if not user or not user.is_authenticated or not user.is_active:
        return False
    person = person_of(user)
    return bool(person and person.organisation_id) or holds(user, Role.ANIMATOR)


# Roles whose holders can download personal data: the administrators (every admin list and export,
# the logged exports), the coordinators (people of the directory in the admin), the club animators
# and exchange organisers (attendance sheets, prospects, surveys, exchange workbooks).
TWO_FACTOR_ROLES = frozenset({Role.ADMINISTRATOR, Role.COORDINATOR, Role.ANIMATOR, Role.EXCHANGE_ORGANISER})


def must_use_two_factor(user) -> bool:
    """Whether the user must sign in with a second factor (settings.PORTAL_REQUIRE_TWO_FACTOR on):
    superusers, holders of a role that can export personal data in any scope, and anyone else who
    enters the Wagtail admin (its lists export to CSV and XLSX)."""
    from django.conf import settings

    if not settings.PORTAL_REQUIRE_TWO_FACTOR or not user or not user.is_authenticated or not user.is_active:
        return False
    if is_administrator(user) or any(role in TWO_FACTOR_ROLES for role, _kind, _id in assignments(user)):
        return True
    return user.has_perm("wagtailadmin.access_admin")


def lacks_required_two_factor(user) -> bool:
    """Must use two-factor authentication and has not set it up yet: every page leads to its setup
    (portal.members.middleware) and no websocket opens (portal.consumers)."""
    if not must_use_two_factor(user):
        return False
    from allauth.mfa.utils import is_mfa_enabled

    return not is_mfa_enabled(user)


def can_renew_calendar_address(user, person) -> bool:
    """A personal calendar's secret address is its owner's alone to make or renew."""
    return person is not None and user.is_authenticated and user.is_active and person.user_id == user.pk


def can_welcome_to_club(user, club_id: int) -> bool:
    """A firm's request to join a club: accepted by the club's animators (and administrators), who
    then register the firm, its membership of the club and invite its people."""
    return holds(user, Role.ANIMATOR, (ScopeKind.CLUB, club_id))
