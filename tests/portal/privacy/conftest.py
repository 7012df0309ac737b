"""A member with something in every app: an organisation listed in the directory, a workgroup with
messages, a best-practice record they are the contact of, an event registration."""

import pytest

from cms.events import services as event_services
from cms.events.models import EventIndexPage
from cms.models import HomePage
from knowledge import services as knowledge_services
from portal.members.models import Membership, MembershipStatus
from portal.privacy import services as privacy_services
from portal.privacy.models import Purpose
from tests.cms.pages import add_event, add_page
from tests.factories import (
    BestPracticeFactory,
    MessageFactory,
    OrganisationFactory,
    PersonFactory,
    UserFactory,
    WorkgroupFactory,
    WorkgroupMembershipFactory,
)


@pytest.fixture
def camille(db):
    organisation = OrganisationFactory(name="Scop Bois du Val", in_public_directory=False)
    Membership.objects.create(organisation=organisation, status=MembershipStatus.ACTIVE)
    user = UserFactory(first_name="Camille", last_name="Rousseau", email="camille.rousseau@example.org")
    return PersonFactory(user=user, organisation=organisation, phone="06 12 34 56 78", job_title="Gérante")


@pytest.fixture
def colleague(camille):
    user = UserFactory(first_name="Hugo", last_name="Lenoir")
    return PersonFactory(user=user, organisation=camille.organisation)


@pytest.fixture
def workgroup(camille, colleague):
    workgroup = WorkgroupFactory(name="Circuits courts")
    WorkgroupMembershipFactory(workgroup=workgroup, person=camille)
    WorkgroupMembershipFactory(workgroup=workgroup, person=colleague)
    return workgroup


@pytest.fixture
def message(workgroup, camille):
    return MessageFactory(workgroup=workgroup, author=camille, body="Je propose une tournée mutualisée le jeudi.")


@pytest.fixture
def record(camille):
    privacy_services.consent_give(person=camille, purpose=Purpose.CONTACT, by=camille.user)
    record = BestPracticeFactory(
        title="Tournée de livraison mutualisée",
        organisation=camille.organisation,
        contact=camille,
        created_by=camille,
        visibility="members",
    )
    knowledge_services.snapshot(record)
    return record


@pytest.fixture
def agenda(db):
    return add_page(HomePage.objects.get(), EventIndexPage, title="Agenda")


@pytest.fixture
def event(agenda):
    return add_event(agenda, title="Petit-déjeuner des entreprises", capacity=1)


@pytest.fixture
def registration(event, camille):
    return event_services.registration_create(
        event=event, name="Camille Rousseau", email=camille.user.email, person=camille
    )
