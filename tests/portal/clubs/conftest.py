import pytest

from portal.members import services
from portal.members.models import PersonRole
from tests.factories import UserFactory


@pytest.fixture
def organiser(db):
    user = UserFactory()
    services.person_create(user=user, role=PersonRole.ORGANISER)
    return user
