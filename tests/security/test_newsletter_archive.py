"""The newsletters' archive is public only for the letters sent to the public: a letter sent to the
members (of the cluster, an axis, a club) is read by the people it was sent to, not by anyone."""

import pytest
from django.urls import reverse
from django.utils import timezone

from cms.newsletters.models import Audience, Delivery, NewsletterStatus
from tests.cms.newsletters.helpers import make_newsletter
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def sent(title, audience, recipients=()):
    letter = make_newsletter(title, audience=audience)
    letter.status, letter.sent_at = NewsletterStatus.SENT, timezone.now()
    letter.content_html = f'<p style="margin:0 0 16px">{title}</p>'  # as the e-mail rendering writes it
    letter.save()
    for person in recipients:
        Delivery.objects.create(newsletter=letter, email=person.user.email, status="sent")
    return letter


@pytest.fixture
def letters():
    reader = PersonFactory()
    return {
        "reader": reader,
        "public": sent("Lettre publique", Audience.SUBSCRIBERS),
        "members": sent("Lettre aux membres", Audience.MEMBERS, [reader]),
    }


def test_visitors_see_only_the_letters_sent_to_the_public(client, letters):
    archive = client.get(reverse("newsletters:archive")).content.decode()
    assert "Lettre publique" in archive and "Lettre aux membres" not in archive
    public = client.get(letters["public"].get_absolute_url())
    assert public.status_code == 200
    assert ' style="' not in public.content.decode()  # the e-mail's inline styles: refused by the site's policy
    assert client.get(letters["members"].get_absolute_url()).status_code == 404


def test_a_recipient_reads_the_letters_sent_to_them(client, letters):
    client.force_login(letters["reader"].user)
    archive = client.get(reverse("newsletters:archive")).content.decode()
    assert "Lettre publique" in archive and "Lettre aux membres" in archive
    assert client.get(letters["members"].get_absolute_url()).status_code == 200


def test_another_signed_in_person_does_not(client, letters):
    client.force_login(PersonFactory().user)
    assert "Lettre aux membres" not in client.get(reverse("newsletters:archive")).content.decode()
    assert client.get(letters["members"].get_absolute_url()).status_code == 404
