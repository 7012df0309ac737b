"""Administrators' downloads of personal data are logged, whichever app serves them."""

import pytest
from django.urls import reverse

from portal.privacy.models import ExportAccess

pytestmark = pytest.mark.django_db


def test_an_attendance_sheet_download_is_logged(client, event, registration, administrator):
    # The site's own calendar is the cluster's: its sheets are the administrators'.
    organiser = administrator
    client.force_login(organiser)
    url = event.url + event.reverse_subpage("attendance", args=["csv"])
    assert client.get(url).status_code == 200
    log = ExportAccess.objects.get()
    assert log.user == organiser
    assert log.path == url
    assert log.filename.endswith(".csv")


def test_an_admin_listing_export_is_logged(client, administrator, camille):
    client.force_login(administrator)
    response = client.post(reverse("organisations:index") + "?export=csv")
    assert response.status_code == 200
    assert ExportAccess.objects.filter(user=administrator, path__contains="export=csv").exists()


def test_a_refused_download_is_not_logged(client, event, registration, camille):
    client.force_login(camille.user)
    url = event.url + event.reverse_subpage("attendance", args=["csv"])
    assert client.get(url).status_code == 403
    assert not ExportAccess.objects.exists()


def test_the_log_is_visible_to_administrators_in_the_admin(client, administrator, camille):
    client.force_login(administrator)
    client.post(reverse("privacy:admin_download", args=[camille.pk]))
    page = client.get(reverse("personal-data-exports:index"))
    assert page.status_code == 200
    assert "Camille Rousseau" in page.content.decode()
    assert reverse("personal-data-exports:add") not in page.content.decode()


def test_consents_are_listed_read_only_in_the_admin(client, administrator, camille):
    from portal.privacy import services
    from portal.privacy.models import Purpose

    services.consent_give(person=camille, purpose=Purpose.NEWSLETTER, by=camille.user)
    client.force_login(administrator)
    page = client.get(reverse("consents:index"))
    assert page.status_code == 200
    assert "Camille Rousseau" in page.content.decode()
    assert client.get(reverse("consents:add")).status_code in (302, 403)
