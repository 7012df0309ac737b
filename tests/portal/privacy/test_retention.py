"""Retention: visitors' registrations are purged after the configured period, by the command or the task;
the privacy policy shows the periods actually configured."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from cms.events import services as event_services
from cms.events.models import EventRegistration
from portal.privacy import services, tasks
from portal.privacy.models import ExportAccess
from tests.cms.pages import add_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def past_event(agenda):
    event = add_event(agenda, title="Assises 2024", days=3, capacity=None)
    return event


def register_then_age(event, *, name, email, person=None, ended_days_ago):
    registration = event_services.registration_create(event=event, name=name, email=email, person=person)
    end = timezone.now() - datetime.timedelta(days=ended_days_ago)
    type(event).objects.filter(pk=event.pk).update(start=end - datetime.timedelta(hours=2), end=end)
    return registration


def test_old_visitor_registrations_are_purged_and_the_rest_kept(settings, agenda, past_event, camille):
    settings.PRIVACY_RETENTION_DAYS = {**settings.PRIVACY_RETENTION_DAYS, "visitor_registrations": 30}
    member = event_services.registration_create(
        event=past_event, name="Camille", email=camille.user.email, person=camille
    )
    visitor = register_then_age(past_event, name="Léa", email="lea@example.org", ended_days_ago=31)
    recent_event = add_event(agenda, title="Atelier récent", days=2, capacity=None)
    recent = register_then_age(recent_event, name="Marc", email="marc@example.org", ended_days_ago=29)

    removed = services.purge_expired()

    assert removed["visitor_registrations"] == 1
    assert not EventRegistration.objects.filter(pk=visitor.pk).exists()
    assert EventRegistration.objects.filter(pk__in=[member.pk, recent.pk]).count() == 2


def test_the_command_and_the_task_run_the_same_purge(settings, past_event):
    settings.PRIVACY_RETENTION_DAYS = {**settings.PRIVACY_RETENTION_DAYS, "visitor_registrations": 10}
    register_then_age(past_event, name="Léa", email="lea@example.org", ended_days_ago=11)
    call_command("purge_personal_data", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert not EventRegistration.objects.exists()
    type(past_event).objects.filter(pk=past_event.pk).update(
        start=timezone.now() + datetime.timedelta(days=1), end=timezone.now() + datetime.timedelta(days=2)
    )
    register_then_age(past_event, name="Marc", email="marc@example.org", ended_days_ago=11)
    result = tasks.purge_expired_personal_data.enqueue()  # immediate backend in the tests
    assert result.return_value["visitor_registrations"] == 1
    assert not EventRegistration.objects.exists()


def test_the_export_log_is_purged_after_its_period(settings, administrator):
    settings.PRIVACY_RETENTION_DAYS = {**settings.PRIVACY_RETENTION_DAYS, "export_log": 100}
    old = services.export_access_log(by=administrator, path="/old")
    ExportAccess.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=101))
    services.export_access_log(by=administrator, path="/new")
    services.purge_expired()
    assert list(ExportAccess.objects.values_list("path", flat=True)) == ["/new"]


def test_the_privacy_policy_shows_the_configured_periods(client, settings):
    settings.PRIVACY_RETENTION_DAYS = {**settings.PRIVACY_RETENTION_DAYS, "visitor_registrations": 123}
    response = client.get(reverse("privacy:policy"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "123" in html
    for key in ("members", "workgroups", "best_practices", "event_registrations", "export_log"):
        assert f'id="processing-{key}"' in html
    settings.PRIVACY_RETENTION_DAYS = {**settings.PRIVACY_RETENTION_DAYS, "visitor_registrations": 45}
    assert "123" not in client.get(reverse("privacy:policy")).content.decode()


def test_old_contact_form_messages_are_purged(settings):
    from wagtail.contrib.forms.models import FormSubmission

    from cms.models import ContactPage, HomePage
    from tests.cms.pages import add_page

    settings.PRIVACY_RETENTION_DAYS = {**settings.PRIVACY_RETENTION_DAYS, "contact_messages": 90}
    page = add_page(HomePage.objects.get(), ContactPage, title="Contact")
    old = FormSubmission.objects.create(page=page, form_data={"email": "ancien@example.org"})
    FormSubmission.objects.filter(pk=old.pk).update(submit_time=timezone.now() - datetime.timedelta(days=91))
    recent = FormSubmission.objects.create(page=page, form_data={"email": "recent@example.org"})
    assert services.purge_expired()["contact_messages"] == 1
    assert list(FormSubmission.objects.values_list("pk", flat=True)) == [recent.pk]


def test_the_privacy_policy_names_the_controller_and_its_contact(client, settings):
    settings.PRIVACY_CONTROLLER = "Association du Pôle du Val d'Arvière"
    settings.PRIVACY_CONTACT_EMAIL = "dpo@example.org"
    html = client.get(reverse("privacy:policy")).content.decode()
    assert "Association du Pôle du Val d&#x27;Arvière" in html
    assert 'href="mailto:dpo@example.org"' in html


def test_the_privacy_policy_says_embeds_load_on_a_click_and_the_choice_stays_in_the_browser(client):
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(client.get(reverse("privacy:policy"), HTTP_ACCEPT_LANGUAGE="fr").content, "html.parser")
    heading = soup.find("h2", id="third-party-content")
    assert heading.get_text() == "Contenus d’autres sites"
    text = " ".join(p.get_text() for p in heading.find_next_siblings("p", limit=2))
    assert "Rien n’est demandé à ce site avant que vous cliquiez" in text
    assert "gardé dans votre navigateur seulement" in text and "jamais envoyé chez nous" in text
    # The consent to be named on a club's board is listed with the others.
    assert "Être nommé·e avec ma fonction sur la page publique des clubs" in soup.get_text()
