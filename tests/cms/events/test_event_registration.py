"""Registering to an event: places, waiting list, duplicates, cancellation links, e-mails."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.utils.html import escape
from django.utils.translation import gettext

from cms.events import services
from cms.events.models import EventRegistration, RegistrationStatus
from tests.cms.pages import add_event
from tests.factories import PersonFactory

DUPLICATE_MESSAGE = "This e-mail address is already registered for this event."


def register(event, index, **fields):
    fields.setdefault("name", f"Visiteur {index}")
    fields.setdefault("email", f"visiteur{index}@example.org")
    return services.registration_create(event=event, **fields)


def statuses(event) -> list[str]:
    return list(
        EventRegistration.objects.filter(event=event).order_by("created_at", "pk").values_list("status", flat=True)
    )


def cancel_link(message) -> str:
    return re.search(r"https?://\S+/annuler/[\w-]+/", message.body).group(0)


def test_places_fill_up_then_the_waiting_list(event):
    for index in range(5):
        register(event, index)
    assert statuses(event) == ["confirmed"] * 3 + ["waiting"] * 2


def test_no_capacity_means_no_waiting_list(agenda):
    event = add_event(agenda, capacity=None)
    for index in range(5):
        register(event, index)
    assert set(statuses(event)) == {"confirmed"}


def test_a_duplicate_e_mail_is_refused_with_a_clear_message(event, client):
    register(event, 1, email="Camille@Example.org")
    with pytest.raises(ValidationError) as caught:
        register(event, 2, email="  camille@example.ORG ")
    assert caught.value.code == "duplicate"

    response = client.post(event.url, {"name": "Camille", "email": "camille@example.org"})
    assert response.status_code == 200
    assert escape(gettext(DUPLICATE_MESSAGE)) in response.content.decode()
    assert EventRegistration.objects.filter(event=event).count() == 1


def test_after_a_cancellation_the_same_e_mail_may_register_again(event):
    registration = register(event, 1)
    services.registration_cancel(token=registration.cancel_token)
    again = register(event, 1)
    assert again.status == RegistrationStatus.CONFIRMED


def test_registering_through_the_page_sends_a_confirmation_with_a_cancellation_link(
    event, client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            event.url, {"name": "Léa Fontaine", "organisation_name": "Recyclerie", "email": "lea@example.org"}
        )
    assert response.status_code == 302
    registration = EventRegistration.objects.get(event=event)
    assert (registration.name, registration.organisation_name, registration.status) == (
        "Léa Fontaine",
        "Recyclerie",
        RegistrationStatus.CONFIRMED,
    )
    done = client.get(response["Location"])
    assert done.status_code == 200 and done.context["registration"] == registration

    assert [message.to for message in mailoutbox] == [["lea@example.org"]]
    link = cancel_link(mailoutbox[0])
    assert event.title in mailoutbox[0].subject
    # The token is in the e-mail only: the database keeps its hash.
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert token not in registration.cancel_token_hash and len(registration.cancel_token_hash) == 64


def test_the_links_of_the_e_mail_use_the_portal_address_and_the_cancellation_link_opens(
    event, client, mailoutbox, django_capture_on_commit_callbacks, settings
):
    """Regression: the links were built from Wagtail's Site record, which the migrations leave at
    http://localhost (port 80): in the demo and most deployments they led nowhere."""
    settings.WAGTAILADMIN_BASE_URL = "https://portail.ptce-val.example/"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(event.url, {"name": "Léa Fontaine", "email": "lea@example.org"})
    body = mailoutbox[0].body
    assert "https://portail.ptce-val.example" + event.url + "\n" in body
    link = cancel_link(mailoutbox[0])
    assert link.startswith("https://portail.ptce-val.example" + event.url + "annuler/")
    assert "localhost" not in body
    opened = client.get(link.removeprefix("https://portail.ptce-val.example"))
    assert opened.status_code == 200 and opened.context["registration"].email == "lea@example.org"


def test_no_e_mail_leaves_when_the_registration_is_refused(
    event, client, mailoutbox, django_capture_on_commit_callbacks
):
    register(event, 1)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.post(event.url, {"name": "Encore", "email": "visiteur1@example.org"})
    assert callbacks == [] and mailoutbox == []


def test_a_cancellation_gives_the_place_to_the_first_on_the_waiting_list(
    agenda, client, mailoutbox, django_capture_on_commit_callbacks
):
    event = add_event(agenda, capacity=1)
    with django_capture_on_commit_callbacks(execute=True):
        first, second, third = (register(event, index) for index in range(3))
    assert [first.status, second.status, third.status] == ["confirmed", "waiting", "waiting"]
    mailoutbox.clear()

    url = event.url + event.reverse_subpage("cancel", args=[first.cancel_token])
    confirm = client.get(url)
    assert confirm.status_code == 200
    first.refresh_from_db()
    assert first.status == RegistrationStatus.CONFIRMED  # a GET (a mail scanner following links) changes nothing
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).status_code == 200

    assert statuses(event) == ["cancelled", "confirmed", "waiting"]
    second.refresh_from_db()
    assert second.promoted_at is not None
    sent = {message.to[0]: message for message in mailoutbox}
    assert set(sent) == {first.email, second.email}
    # The promoted person gets a new cancellation link, which works; the old one no longer does.
    new_link = cancel_link(sent[second.email])
    assert second.cancel_token not in new_link
    assert client.get(event.url + event.reverse_subpage("cancel", args=[second.cancel_token])).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        client.post(new_link.split("localhost", 1)[-1])
    assert statuses(event) == ["cancelled", "cancelled", "confirmed"]


def test_cancelling_twice_is_harmless_and_unknown_links_are_404(event, client):
    registration = register(event, 1)
    services.registration_cancel(token=registration.cancel_token)
    assert services.registration_cancel(token=registration.cancel_token).status == RegistrationStatus.CANCELLED
    assert client.get(event.url + event.reverse_subpage("cancel", args=["inconnu"])).status_code == 404
    with pytest.raises(EventRegistration.DoesNotExist):
        services.registration_cancel(token="inconnu")


def test_a_larger_capacity_moves_the_waiting_list_up_on_publish(event):
    for index in range(5):
        register(event, index)
    event.capacity = 4
    event.save_revision().publish()
    assert statuses(event) == ["confirmed"] * 4 + ["waiting"]


def test_registration_closes_when_the_event_starts_or_when_organisers_close_it(agenda, client):
    past = add_event(agenda, days=-1)
    closed = add_event(agenda, registration_open=False)
    for event in (past, closed):
        with pytest.raises(ValidationError) as caught:
            register(event, 1)
        assert caught.value.code == "closed"
        assert '<form method="post"' not in client.get(event.url).content.decode()
    draft = add_event(agenda, publish=False)
    with pytest.raises(ValidationError):
        register(draft, 1)


def test_a_signed_in_member_registers_as_themselves(event, client):
    person = PersonFactory()
    client.force_login(person.user)
    response = client.post(event.url, {"name": "Quelqu'un d'autre", "email": "autre@example.org"})
    assert response.status_code == 302
    registration = EventRegistration.objects.get(event=event)
    assert registration.person == person
    assert registration.email == person.user.email
    assert registration.name == person.full_name
    assert registration.organisation_name == person.organisation.name


def test_the_confirmation_page_gives_the_place_on_the_waiting_list(agenda, client):
    event = add_event(agenda, capacity=1)
    register(event, 1)
    register(event, 2)
    response = client.post(event.url, {"name": "Troisième", "email": "trois@example.org"})
    done = client.get(response["Location"])
    assert done.context["registration"].status == RegistrationStatus.WAITING
    assert done.context["waiting_position"] == 2
