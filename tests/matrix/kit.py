"""The world the permission matrix is played in, its actors, and the probes that try an action.

Every role is held in the world's *inside* scope (axis_in, club_in, org_in, or the cluster); a probe
tries its action on an object inside those scopes and on one outside (axis_out, club_out, org_out)
and answers whether the portal allowed it. The rules themselves are stated once, in rules.py.
"""

import copy
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.test import Client

from portal.members.models import MembershipStatus, PersonRole, Role
from portal.members.scopes import CLUSTER_ID, ScopeKind
from tests.factories import (
    AxisFactory,
    ClubFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    UserFactory,
    ZoneFactory,
)

ROLES = ("anonymous", "member", "coordinator", "animator", "exchange_organiser", "administrator")

# The scope each role is held in, in the world: (scope kind, attribute of World naming the scope).
_ROLE_SCOPES = {
    Role.COORDINATOR: (ScopeKind.AXIS, "axis_in"),
    Role.ANIMATOR: (ScopeKind.CLUB, "club_in"),
    Role.EXCHANGE_ORGANISER: (ScopeKind.CLUB, "club_in"),
    Role.ADMINISTRATOR: (ScopeKind.CLUSTER, None),
}


class Shared(dict):
    """World.extra: what probes build once and share, by name.

    Each cell reads a deep copy of the class's world (Django's setUpTestData). Copied whole, the events
    and pages built once for the class would be copied for each of the nineteen hundred cells, most of
    which never read them; here a cell's copy copies an item when the cell first reads it, with the
    test's own memo (so `entry["scope"]` is still the cell's `world.club_in`). What a cell adds or pops
    stays in its copy."""

    def __init__(self, originals=None, memo=None):
        super().__init__()
        self._originals = originals or {}
        self._memo = memo
        self._gone = set()

    def __missing__(self, key):
        if key in self._gone or key not in self._originals:
            raise KeyError(key)
        value = self[key] = copy.deepcopy(self._originals[key], self._memo)
        return value

    def __contains__(self, key):
        return dict.__contains__(self, key) or (key in self._originals and key not in self._gone)

    def get(self, key, default=None):
        try:
            return self[key]
        except KeyError:
            return default

    def pop(self, key, *default):
        if key not in self:
            if default:
                return default[0]
            raise KeyError(key)
        value = self[key]
        dict.pop(self, key)
        self._gone.add(key)
        return value

    def __deepcopy__(self, memo):
        kept = {key: value for key, value in self._originals.items() if key not in self._gone}
        return Shared({**kept, **self}, memo)


@dataclass
class World:
    """Two of each scope: the actors hold their role in the first, the second is someone else's."""

    zone_in: object
    zone_out: object
    club_in: object
    club_out: object
    axis_in: object
    axis_out: object
    org_in: object  # a member firm of club_in
    org_out: object  # a member firm of club_out
    staff_org: object  # the chamber of commerce the coordinators and animators work for
    extra: Shared = field(default_factory=Shared)  # what probes build once and share (by name)

    def inside(self, kind: str, inside: bool):
        """The world's axis/club/org/zone inside or outside: `world.inside("club", False)` is club_out."""
        return getattr(self, f"{kind}_{'in' if inside else 'out'}")


def build_world() -> World:
    zone_in, zone_out = ZoneFactory(), ZoneFactory()
    club_in, club_out = ClubFactory(zone=zone_in), ClubFactory(zone=zone_out)
    org_in, org_out = OrganisationFactory(zone=zone_in), OrganisationFactory(zone=zone_out)
    MembershipFactory(organisation=org_in, club=club_in, status=MembershipStatus.ACTIVE)
    MembershipFactory(organisation=org_out, club=club_out, status=MembershipStatus.ACTIVE)
    return World(
        zone_in=zone_in,
        zone_out=zone_out,
        club_in=club_in,
        club_out=club_out,
        axis_in=AxisFactory(),
        axis_out=AxisFactory(),
        org_in=org_in,
        org_out=org_out,
        staff_org=OrganisationFactory(name="Chambre de commerce"),
    )


def actor(role: str, world: World):
    """A user holding `role` in the world's inside scope (None for anonymous), granted through the
    real service so their admin groups are what production gives them."""
    from portal.members.services import role_grant

    if role == "anonymous":
        return None
    if role == "member":
        return PersonFactory(role=PersonRole.MEMBER, organisation=world.org_in).user
    person = PersonFactory(role=PersonRole.MEMBER, organisation=world.staff_org)
    kind, attribute = _ROLE_SCOPES[role]
    scope_id = getattr(world, attribute).pk if attribute else CLUSTER_ID
    granter = UserFactory(is_superuser=True, is_staff=True)
    role_grant(person=person, role=role, scope_kind=kind, scope_id=scope_id, by=granter)
    person.user.refresh_from_db()
    return person.user


def keep_signed_in(user) -> None:
    """Signs `user` in once: later clients of `user` (and of its copies: the test's deep copy keeps the
    attribute) carry that session instead of signing in again, two sign-ins a cell having been a tenth of
    its time. The session lives as long as the transaction it was made in: the test class's."""
    client = Client()
    client.force_login(user)
    user.matrix_session_key = client.cookies[settings.SESSION_COOKIE_NAME].value


def client_for(user) -> Client:
    client = Client()
    session_key = getattr(user, "matrix_session_key", None)
    if session_key is not None:
        client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    elif user is not None:
        client.force_login(user)
    return client


def allowed(response) -> bool:
    """A page answered: 200 (or a redirect elsewhere than a refusal's). Refusals are 403, 404, a
    redirect to a login page, or Wagtail's redirect to the admin dashboard ("permission denied")."""
    if response.status_code in (301, 302, 303):
        location = response.headers.get("Location", "")
        refused = "login" in location or "connexion" in location or location.rstrip("/").endswith("/admin")
        return not refused
    return 200 <= response.status_code < 300


@dataclass(frozen=True)
class Probe:
    run: Callable  # run(world, user, inside: bool) -> bool (allowed?)
    transactional: bool = False  # websockets and threads need committed rows


PROBES: dict[str, Probe] = {}


def probe(action: str, *, transactional: bool = False):
    """Register the function that tries `action`: `@probe("clubs.prospects.list")`."""

    def register(function):
        if action in PROBES:
            raise ValueError(f"two probes for {action}")
        PROBES[action] = Probe(function, transactional)
        return function

    return register
