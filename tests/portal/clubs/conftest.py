import pytest

from portal.clubs.models import Club
from portal.members import permissions, services
from portal.members.models import PersonRole, Role, RoleAssignment
from portal.members.scopes import ScopeKind
from tests.factories import ClubFactory, UserFactory


@pytest.fixture
def organiser(db):
    """A club animator of the cluster's staff: `animate(organiser, club_or_zone)` gives them their clubs."""
    user = UserFactory()
    services.person_create(user=user, role=PersonRole.ORGANISER)
    return user


def animate(user, *places):
    """Makes `user` an animator of these clubs, or of a club covering each of these zones (made if none)."""
    granter = UserFactory(is_superuser=True, is_staff=True)
    for place in places:
        club = place if isinstance(place, Club) else Club.objects.filter(zone=place).first() or ClubFactory(zone=place)
        if not RoleAssignment.objects.filter(
            person=user.person, role=Role.ANIMATOR, scope_kind=ScopeKind.CLUB, scope_id=club.pk
        ).exists():
            services.role_grant(
                person=user.person, role=Role.ANIMATOR, scope_kind=ScopeKind.CLUB, scope_id=club.pk, by=granter
            )
    permissions.forget(user)
    return user
