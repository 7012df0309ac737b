"""`./run demo` shows consents and an archived newsletter, and loading it twice duplicates nothing."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from cms.newsletters.models import Delivery, Newsletter, NewsletterStatus, Subscriber
from portal.privacy.models import Consent

pytestmark = pytest.mark.django_db


def test_the_demo_has_consents_a_sent_newsletter_and_a_draft(client):
    call_command("load_demo", stdout=io.StringIO())
    counts = (Consent.objects.count(), Newsletter.objects.count(), Delivery.objects.count(), Subscriber.objects.count())
    call_command("load_demo", stdout=io.StringIO())
    assert counts == (Consent.objects.count(), Newsletter.objects.count(), Delivery.objects.count(),
                      Subscriber.objects.count())  # fmt: skip

    assert Consent.objects.filter(withdrawn_at__isnull=True).count() > 20
    assert Consent.objects.filter(withdrawn_at__isnull=False).exists()
    sent = Newsletter.objects.get(status=NewsletterStatus.SENT)
    assert sent.deliveries.count() == Delivery.objects.count() > 10
    # Sent to the members: not in the public archive, but read by those it was sent to.
    assert sent.title not in client.get(reverse("newsletters:archive")).content.decode()
    client.force_login(get_user_model().objects.filter(email__in=sent.deliveries.values("email")).first())
    archive = client.get(reverse("newsletters:archive")).content.decode()
    assert sent.title in archive
    page = client.get(sent.get_absolute_url())
    assert page.status_code == 200 and "tournées de livraison mutualisées" in page.content.decode()
    draft = Newsletter.objects.get(status=NewsletterStatus.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(reverse("privacy:policy")).status_code == 200
