"""Public sign-ups with double opt-in, expiry of unconfirmed sign-ups, unsubscribing a subscriber."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cms.newsletters import audiences
from cms.newsletters.models import Audience, Subscriber, Unsubscription
from portal.privacy import services as privacy_services
from tests.cms.newsletters.helpers import make_newsletter

pytestmark = pytest.mark.django_db


def sign_up(client, django_capture_on_commit_callbacks, email="lea@example.org", **extra):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("newsletters:signup"), {"email": email, "name": "Léa", "agree": "on", **extra})


def confirmation_path(message) -> str:
    return re.search(r"https?://[^/\s]+(/lettres/inscription/confirmer/\S+/)", message.body).group(1)


def test_a_sign_up_is_confirmed_by_the_link_sent(client, django_capture_on_commit_callbacks):
    response = sign_up(client, django_capture_on_commit_callbacks)
    assert response.status_code == 200
    subscriber = Subscriber.objects.get()
    assert not subscriber.is_confirmed
    newsletter = make_newsletter(audience=Audience.SUBSCRIBERS)
    assert list(audiences.recipients(newsletter)) == []  # nothing before the confirmation

    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["lea@example.org"]
    path = confirmation_path(mail.outbox[0])
    assert client.get(path).status_code == 200
    subscriber.refresh_from_db()
    assert not subscriber.is_confirmed  # opening the page (or a link scanner) confirms nothing
    assert client.post(path).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.is_confirmed
    assert list(audiences.recipients(newsletter)) == [("lea@example.org", "Léa")]


def test_signing_up_twice_reveals_nothing_and_sends_nothing_to_a_confirmed_address(
    client, django_capture_on_commit_callbacks
):
    Subscriber.objects.create(email="lea@example.org", confirmed_at=timezone.now())
    response = sign_up(client, django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert mail.outbox == []
    assert Subscriber.objects.count() == 1


@pytest.mark.parametrize(
    "data", [{"email": "not-an-address", "agree": "on"}, {"email": "lea@example.org"}, {"email": "", "agree": "on"}]
)
def test_bad_sign_ups_are_refused_with_nothing_recorded(client, data):
    response = client.post(reverse("newsletters:signup"), data)
    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    assert not Subscriber.objects.exists() and mail.outbox == []


def test_an_expired_or_forged_confirmation_link_is_refused(client, settings, django_capture_on_commit_callbacks):
    sign_up(client, django_capture_on_commit_callbacks)
    path = confirmation_path(mail.outbox[0])
    assert client.post(path[:-3] + "xx/").status_code == 410
    settings.PRIVACY_RETENTION_DAYS = {**settings.PRIVACY_RETENTION_DAYS, "unconfirmed_signups": 0}
    assert client.post(path).status_code == 410
    assert not Subscriber.objects.get().is_confirmed


def test_unconfirmed_sign_ups_expire_and_are_purged(settings):
    settings.PRIVACY_RETENTION_DAYS = {**settings.PRIVACY_RETENTION_DAYS, "unconfirmed_signups": 7}
    old = Subscriber.objects.create(email="ancien@example.org")
    Subscriber.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=8))
    Subscriber.objects.create(email="recent@example.org")
    confirmed = Subscriber.objects.create(email="confirme@example.org", confirmed_at=timezone.now())
    Subscriber.objects.filter(pk=confirmed.pk).update(created_at=timezone.now() - datetime.timedelta(days=30))
    removed = privacy_services.purge_expired()
    assert removed["unconfirmed_signups"] == 1
    assert sorted(Subscriber.objects.values_list("email", flat=True)) == ["confirme@example.org", "recent@example.org"]


def test_unsubscribing_a_public_subscriber_erases_the_address_but_keeps_the_request(client):
    from cms.newsletters import services

    Subscriber.objects.create(email="lea@example.org", confirmed_at=timezone.now())
    token = services.unsubscribe_url("lea@example.org", "subscribers").rsplit("/", 2)[-2]
    assert client.post(reverse("newsletters:unsubscribe", args=[token])).status_code == 200
    assert not Subscriber.objects.exists()
    assert Unsubscription.objects.filter(email="lea@example.org", audience_key="subscribers").exists()
