"""Resource sheets: the author's e-mail only with their consent; closed or matched sheets of another
firm are not readable by id (the list already hides them)."""

import pytest
from django.urls import reverse

from knowledge.exchange.models import SheetStatus
from portal.members import services as member_services
from portal.members.models import PersonRole
from portal.privacy.models import Purpose
from portal.privacy.services import consent_give, consent_withdraw
from tests.factories import PersonFactory, UserFactory
from tests.knowledge.exchange.conftest import SheetFactory

pytestmark = pytest.mark.django_db


def _detail(client, sheet):
    return client.get(reverse("exchange:sheet", args=[sheet.pk]))


def test_the_authors_email_shows_only_while_they_agree_to_be_a_contact(client, member):
    author = PersonFactory(user__email="auteur@example.org")
    sheet = SheetFactory(organisation=author.organisation, created_by=author)
    client.force_login(member)
    page = _detail(client, sheet).content.decode()
    assert "auteur@example.org" not in page and str(author) in page
    consent_give(person=author, purpose=Purpose.CONTACT, by=author.user)
    assert "auteur@example.org" in _detail(client, sheet).content.decode()
    consent_withdraw(person=author, purpose=Purpose.CONTACT, by=author.user)
    assert "auteur@example.org" not in _detail(client, sheet).content.decode()


@pytest.mark.parametrize("status", [SheetStatus.CLOSED, SheetStatus.MATCHED])
def test_a_closed_or_matched_sheet_of_another_firm_is_not_readable_by_id(client, member, organisation, status):
    others = SheetFactory(status=status)
    own = SheetFactory(status=status, organisation=organisation)
    client.force_login(member)
    assert _detail(client, others).status_code == 404
    assert _detail(client, own).status_code == 200
    assert _detail(client, SheetFactory(status=SheetStatus.OPEN)).status_code == 200
    organiser = UserFactory()
    member_services.person_create(user=organiser, role=PersonRole.ORGANISER)
    client.force_login(organiser)  # organisers edit every sheet: they read them all
    assert _detail(client, others).status_code == 200
