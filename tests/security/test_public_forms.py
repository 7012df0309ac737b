"""Public forms resist robots: a honeypot field people never see, and a rate per address, so a script
cannot fill an event's seats with made-up addresses, flood the contact inbox or the newsletter list.
Whatever is refused stores nothing and says why in French."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from wagtail.contrib.forms.models import FormSubmission

from cms.events.models import EventRegistration
from cms.models import ContactFormField, ContactPage
from cms.newsletters.models import Subscriber
from tests.cms.pages import add_event, add_page

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_counts(settings):
    settings.PORTAL_FORM_RATES = {
        **settings.PORTAL_FORM_RATES,
        "newsletter_signup": "3/h",
        "contact": "3/h",  # the trap below counts too
        "event_registration": "3/h",
        "event_registration_daily": "5/d",
    }
    cache.clear()
    yield
    cache.clear()


def _signup(client, index, address="198.51.100.7", **extra):
    data = {"email": f"robot{index}@example.org", "name": "Léa", "agree": "on", **extra}
    return client.post(reverse("newsletters:signup"), data, REMOTE_ADDR=address)


def test_newsletter_signups_beyond_the_rate_are_refused_and_store_nothing(client):
    for index in range(3):
        assert _signup(client, index).status_code == 200
    refused = _signup(client, 99)
    assert refused.status_code == 429
    assert "Trop de demandes" in refused.content.decode()
    assert not Subscriber.objects.filter(email="robot99@example.org").exists()
    # Another address is not held back.
    assert _signup(client, 100, address="203.0.113.9").status_code == 200


def test_a_filled_honeypot_refuses_the_signup(client):
    response = _signup(client, 1, website="http://spam.example")
    assert response.status_code == 200
    assert not Subscriber.objects.exists()
    # People never see the field: hidden from sight and from screen readers, out of the tab order.
    page = client.get(reverse("newsletters:signup")).content.decode()
    assert 'name="website"' in page and 'tabindex="-1"' in page and 'aria-hidden="true"' in page


def test_an_anonymous_script_cannot_take_every_seat_of_an_event(client, agenda):
    event = add_event(agenda, title="Petit-déjeuner", capacity=10)
    for index in range(3):
        response = client.post(event.url, {"name": f"Faux {index}", "email": f"faux{index}@example.org"})
        assert response.status_code == 302
    refused = client.post(event.url, {"name": "Faux 4", "email": "faux4@example.org"})
    assert refused.status_code == 429
    assert "Trop de demandes" in refused.content.decode()
    assert EventRegistration.objects.filter(event=event).count() == 3  # seven seats left for real people
    # Across events as well: the daily rate counts every event.
    other = add_event(agenda, title="Atelier", capacity=10)
    for index in range(2):
        assert (
            client.post(other.url, {"name": f"Autre {index}", "email": f"autre{index}@example.org"}).status_code == 302
        )
    assert client.post(other.url, {"name": "Autre 3", "email": "autre3@example.org"}).status_code == 429


def test_a_filled_honeypot_takes_no_seat(client, event):
    response = client.post(event.url, {"name": "Robot", "email": "robot@example.org", "website": "x"})
    assert response.status_code == 200
    assert not EventRegistration.objects.filter(event=event).exists()


def test_the_contact_form_has_a_honeypot_and_a_rate(client, home):
    contact = add_page(home, ContactPage, title="Nous écrire")
    ContactFormField.objects.create(page=contact, label="Message", field_type="multiline", required=True)
    assert 'name="website"' in client.get(contact.url).content.decode()
    assert client.post(contact.url, {"message": "Bonjour", "website": "spam"}).status_code == 200
    assert FormSubmission.objects.count() == 0
    for _ in range(2):
        assert client.post(contact.url, {"message": "Bonjour"}).status_code == 200
    assert FormSubmission.objects.count() == 2
    refused = client.post(contact.url, {"message": "Encore"})
    assert refused.status_code == 429 and FormSubmission.objects.count() == 2
    # What is stored is the message only, not the trap.
    assert "website" not in FormSubmission.objects.first().get_data()


def test_behind_nginx_each_visitor_has_their_own_count(client, settings):
    """In production every request reaches Django from nginx's address: the rates count the visitor's
    address that nginx appends to X-Forwarded-For (PORTAL_TRUSTED_PROXY_COUNT), not nginx's, or one
    robot would lock the form for the whole territory."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    nginx = "172.18.0.5"

    def signup(index, visitor, forged=""):
        chain = f"{forged}, {visitor}" if forged else visitor
        data = {"email": f"robot{index}@example.org", "name": "Léa", "agree": "on"}
        return client.post(reverse("newsletters:signup"), data, REMOTE_ADDR=nginx, HTTP_X_FORWARDED_FOR=chain)

    for index in range(3):
        assert signup(index, "198.51.100.7").status_code == 200
    assert signup(50, "198.51.100.7").status_code == 429
    # A neighbour behind the same nginx still signs up.
    assert signup(51, "203.0.113.9").status_code == 200
    assert Subscriber.objects.filter(email="robot51@example.org").exists()
    # The robot cannot dodge its count with a made-up address on the left of the chain.
    assert signup(52, "198.51.100.7", forged="10.9.8.7").status_code == 429
