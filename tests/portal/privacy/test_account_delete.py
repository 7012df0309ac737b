"""“Delete my account”: personal data erased, what the person wrote stays signed “Ancien membre”,
and every page that showed the person still works without showing them."""

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from cms.events import services as event_services
from cms.events.models import RegistrationStatus
from cms.models import AxisPage, HomePage
from portal.members.models import CalendarAddress
from portal.privacy import services
from portal.privacy.models import Consent, Purpose
from search import indexing
from tests.cms.pages import add_page
from tests.factories import PASSWORD, AxisFactory, PersonFactory
from tests.search.support import search_backend  # noqa: F401 - fixture
from workgroups.models import Mention, WorkgroupMembership

pytestmark = pytest.mark.django_db

PERSONAL = ["Camille Rousseau", "Rousseau", "camille.rousseau@example.org", "06 12 34 56 78", "Gérante"]


def assert_not_shown(html: str):
    for value in PERSONAL:
        assert value not in html, value


def delete_account(client, person):
    client.force_login(person.user)
    response = client.post(reverse("privacy:account_delete"), {"password": PASSWORD, "confirm": "on"}, follow=True)
    assert response.status_code == 200
    return response


def test_the_account_is_erased_and_can_no_longer_sign_in(client, camille):
    services.consent_give(person=camille, purpose=Purpose.NEWSLETTER, by=camille.user)
    delete_account(client, camille)
    camille.refresh_from_db()
    user = camille.user
    assert (user.first_name, user.last_name, user.email) == ("Ancien membre", "", "")
    assert not user.is_active and not user.has_usable_password()
    assert camille.phone == camille.job_title == ""
    assert camille.organisation is None
    assert not Consent.objects.filter(person=camille).exists()
    assert not get_user_model().objects.filter(email__iexact="camille.rousseau@example.org").exists()
    # Signed out, and the old password no longer opens anything.
    assert client.get(reverse("privacy:my_data")).status_code == 302
    response = client.post(reverse("members:login"), {"login": "camille.rousseau@example.org", "password": PASSWORD})
    assert response.status_code == 200  # the form again, with its error
    assert "_auth_user_id" not in client.session


def test_the_personal_calendar_address_dies_with_the_account(client, camille):
    from portal.members import services as member_services

    token = member_services.calendar_address_renew(person=camille, by=camille.user)
    address = reverse("personal_calendar_ics", args=[token])
    assert client.get(address).status_code == 200
    delete_account(client, camille)
    assert client.get(address).status_code == 404
    assert not CalendarAddress.objects.filter(person=camille).exists()
    camille.refresh_from_db()
    assert camille.message_notifications == "none" and not camille.receives_daily_digest


def test_a_wrong_password_or_no_confirmation_deletes_nothing(client, camille):
    client.force_login(camille.user)
    for data in ({"password": "wrong", "confirm": "on"}, {"password": PASSWORD}, {}):
        response = client.post(reverse("privacy:account_delete"), data)
        assert response.status_code == 200
        camille.refresh_from_db()
        assert camille.user.is_active and camille.user.email == "camille.rousseau@example.org"


def test_messages_stay_signed_ancien_membre_in_the_workgroup(client, camille, colleague, workgroup, message):
    mention = Mention.objects.create(message=message, person=colleague)
    other = Mention.objects.create(message=message, person=camille)
    delete_account(client, camille)
    client.force_login(colleague.user)
    page = client.get(reverse("workgroups:room", args=[workgroup.slug]))
    assert page.status_code == 200
    html = page.content.decode()
    assert message.body in html
    assert "Ancien membre" in html
    assert_not_shown(html)
    assert not WorkgroupMembership.objects.filter(person=camille).exists()
    assert Mention.objects.filter(pk=mention.pk).exists() and not Mention.objects.filter(pk=other.pk).exists()
    # The workgroups list and the colleague's profile still work, without Camille.
    assert client.get(reverse("workgroups:index")).status_code == 200
    profile = client.get(reverse("members:profile"))
    assert profile.status_code == 200
    assert_not_shown(profile.content.decode())


def test_the_search_shows_the_message_under_the_pseudonym(
    client,
    camille,
    colleague,
    workgroup,
    message,
    search_backend,  # noqa: F811
):
    indexing.schedule_index(message)
    indexing.drain()
    delete_account(client, camille)
    indexing.drain()
    search_backend.refresh()
    client.force_login(colleague.user)
    response = client.get(reverse("search:results"), {"q": "tournée mutualisée"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ancien membre" in html
    assert_not_shown(html)


def test_records_keep_their_history_without_the_contact(client, camille, colleague, record):
    delete_account(client, camille)
    client.force_login(colleague.user)
    page = client.get(record.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert record.title in html
    assert_not_shown(html)
    record.refresh_from_db()
    assert record.contact is None and record.created_by == camille  # the author stays, pseudonymised
    assert client.get(reverse("knowledge:list")).status_code == 200


def test_registrations_are_cancelled_and_the_place_goes_to_the_waiting_list(client, camille, event, registration):
    waiting = event_services.registration_create(event=event, name="Léa Fontaine", email="lea@example.org")
    assert waiting.status == RegistrationStatus.WAITING
    delete_account(client, camille)
    registration.refresh_from_db()
    waiting.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED
    assert registration.person is None and registration.name == "Ancien membre"
    assert "camille" not in registration.email
    assert waiting.status == RegistrationStatus.CONFIRMED
    assert client.get(event.url).status_code == 200


def test_the_attendance_sheet_no_longer_shows_the_person(client, camille, event, registration, administrator):
    delete_account(client, camille)
    client.force_login(administrator)
    response = client.get(event.url + event.reverse_subpage("attendance", args=["csv"]))
    assert response.status_code == 200
    content = response.content.decode("utf-8-sig")
    assert_not_shown(content)
    assert list(csv.reader(io.StringIO(content)))


def test_the_axis_page_no_longer_lists_a_deleted_coordinator(client, camille):
    axis = AxisFactory(title="Alimentation durable")
    axis.coordinators.add(camille)
    page = add_page(HomePage.objects.get(), AxisPage, title="Alimentation durable", axis=axis)
    assert "Camille Rousseau" in client.get(page.url).content.decode()
    delete_account(client, camille)
    response = client.get(page.url)
    assert response.status_code == 200
    assert_not_shown(response.content.decode())
    assert not axis.coordinators.exists()


def test_the_admin_people_list_shows_the_pseudonym(client, camille, administrator):
    delete_account(client, camille)
    client.force_login(administrator)
    response = client.get(reverse("people:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ancien membre" in html
    assert_not_shown(html)


def test_someone_else_cannot_delete_an_account(camille, colleague):
    with pytest.raises(Exception) as error:
        services.account_delete(person=camille, by=colleague.user)
    assert error.typename == "PermissionDenied"
    camille.refresh_from_db()
    assert camille.user.is_active


def test_a_colleague_is_not_affected(client, camille, colleague):
    delete_account(client, camille)
    colleague.refresh_from_db()
    assert colleague.user.is_active and colleague.organisation is not None
    assert PersonFactory._meta.model.objects.filter(organisation=colleague.organisation).count() == 1
