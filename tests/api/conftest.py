import pytest

from portal.api import services
from tests.cms.conftest import agenda, home, news_index  # noqa: F401 - the page tree the API lists
from tests.factories import PersonFactory


@pytest.fixture
def token_of():
    """`token_of(user)` → the secret of a new personal token of that user."""

    def make(user, name="Mon script"):
        return services.token_create(person=user.person, name=name)[1]

    return make


@pytest.fixture
def bearer(member, token_of):
    """Headers carrying a token of `member`."""
    return {"Authorization": f"Bearer {token_of(member)}"}


@pytest.fixture
def other_member(other_organisation):
    return PersonFactory(organisation=other_organisation).user
