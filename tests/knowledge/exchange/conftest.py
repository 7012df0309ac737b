"""Fixtures of the Bourse d'échanges: firms in zones, an organiser, sheets and a seated session."""

import datetime

import factory
import pytest

from knowledge.exchange import services
from knowledge.exchange.models import Category, Direction, ExchangeSession, ResourceSheet
from portal.members import services as member_services
from portal.members.models import PersonRole
from tests.cms.newsletters.conftest import smtp  # noqa: F401 - fixture
from tests.factories import OrganisationFactory, PersonFactory, UserFactory, ZoneFactory
from tests.search.support import search_backend  # noqa: F401 - fixture


class SheetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResourceSheet

    organisation = factory.SubFactory(OrganisationFactory)
    direction = Direction.OFFER
    category = Category.MATERIALS
    title = factory.Sequence(lambda n: f"Ressource n°{n}")
    description = "Une ressource disponible entre entreprises du parc."


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExchangeSession

    title = factory.Sequence(lambda n: f"Bourse d'échanges n°{n}")
    date = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=7))
    venue = "Salle du club"


@pytest.fixture
def organiser(db):
    """An organiser of the cluster, with the admin permissions of the role (as the members' services give them)."""
    user = UserFactory()
    member_services.person_create(user=user, organisation=OrganisationFactory(), role=PersonRole.ORGANISER)
    return user


@pytest.fixture
def session_with_tables(organiser):
    """Eight firms in two zones, each with one offer and one need, seated at two tables; a secretary
    (member of no registered firm) at each table."""
    return seated_session(organiser, 8)


def seated_session(organiser, size: int):
    """`size` firms in two zones, each with one offer and one need, seated; a secretary (member of no
    registered firm) at each table."""
    zones = [ZoneFactory(), ZoneFactory()]
    firms = [OrganisationFactory(zone=zones[i % 2], name=f"Entreprise {i}") for i in range(size)]
    session = SessionFactory()
    for firm in firms:
        PersonFactory(organisation=firm)
        SheetFactory(organisation=firm, direction=Direction.OFFER, title=f"Offre de {firm.name}")
        SheetFactory(organisation=firm, direction=Direction.NEED, title=f"Besoin de {firm.name}")
        services.registration_add(session=session, organisation=firm, by=organiser)
    tables = services.seating_plan(session=session, by=organiser)
    secretaries = []
    for table in tables:
        secretary = PersonFactory()
        services.table_assign(table=table, facilitator=None, secretary=secretary, by=organiser)
        secretaries.append(secretary.user)
    session.refresh_from_db()
    return session, tables, secretaries


def seated(table):
    return list(table.registrations.order_by("organisation__name").values_list("organisation_id", flat=True))
