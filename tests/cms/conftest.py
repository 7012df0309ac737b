"""The public site's page tree, built under the home page the migrations create."""

import pytest

from cms.events.models import EventIndexPage
from cms.models import HomePage, NewsIndexPage
from tests.cms.pages import add_event, add_page


@pytest.fixture
def home(db):
    """The home page the migrations made the default site's root."""
    return HomePage.objects.get()


@pytest.fixture
def agenda(home):
    return add_page(home, EventIndexPage, title="Agenda")


@pytest.fixture
def news_index(home):
    return add_page(home, NewsIndexPage, title="Actualités")


@pytest.fixture
def event(agenda):
    """An event next week with 3 places."""
    return add_event(agenda, title="Atelier circuits courts", capacity=3)


@pytest.fixture
def grant(db):
    """`grant(person, role, scope)`: an administrator gives the person a role in a scope (an Axis or a
    Club), through the real service, so their Wagtail groups are what production gives them."""
    from portal.clubs.models import Club
    from portal.members import services as member_services
    from portal.members.scopes import ScopeKind
    from tests.factories import UserFactory

    granter = UserFactory(is_superuser=True, is_staff=True)

    def give(person, role, scope):
        kind = ScopeKind.CLUB if isinstance(scope, Club) else ScopeKind.AXIS
        member_services.role_grant(person=person, role=role, scope_kind=kind, scope_id=scope.pk, by=granter)
        person.user.refresh_from_db()
        return person

    return give
