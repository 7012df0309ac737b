"""Club animators and exchange organisers have their own admin groups: an animator gets the clubs' and
the exchange's screens, an exchange organiser the exchange's only. The migration that made the animators'
group (clubs.0004) is checked on a first-release database, in tests/test_upgrade_release1.py."""

import pytest
from django.contrib.auth import get_user_model

from portal.members import roles, services
from portal.members.models import Role
from portal.members.scopes import ScopeKind
from tests.factories import ClubFactory, PersonFactory

CLUBS_SCREENS = ["clubs.add_survey", "clubs.change_prospectcontact", "clubs.add_clubboardmember"]
EXCHANGE_SCREENS = ["exchange.add_exchangesession", "exchange.change_resourcesheet", "exchange.view_interest"]


def _fresh(user):
    return get_user_model().objects.get(pk=user.pk)


@pytest.mark.django_db
def test_an_animator_has_the_clubs_and_the_exchange_screens_an_exchange_organiser_the_exchange_only(administrator):
    club = ClubFactory()
    animator, organiser = PersonFactory(), PersonFactory()
    services.role_grant(person=animator, role=Role.ANIMATOR, scope_kind=ScopeKind.CLUB, scope_id=club.pk,
                        by=administrator)  # fmt: skip
    services.role_grant(person=organiser, role=Role.EXCHANGE_ORGANISER, scope_kind=ScopeKind.CLUB, scope_id=club.pk,
                        by=administrator)  # fmt: skip
    animator_user, organiser_user = _fresh(animator.user), _fresh(organiser.user)
    role_groups = animator_user.groups.filter(name__in=roles.ROLE_GROUP_NAMES.values())
    assert set(role_groups.values_list("name", flat=True)) == {roles.ROLE_GROUP_NAMES[Role.ANIMATOR]}
    assert all(animator_user.has_perm(name) for name in CLUBS_SCREENS + EXCHANGE_SCREENS)
    assert animator_user.has_perm("members.view_organisation")  # what the organisers' group gives, too
    assert all(organiser_user.has_perm(name) for name in EXCHANGE_SCREENS)
    assert not any(organiser_user.has_perm(name) for name in CLUBS_SCREENS)
    assert organiser_user.has_perm("clubs.view_club")  # the list of their clubs
