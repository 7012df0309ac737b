"""“Download my data”: a ZIP with JSON and a readable HTML page of everything held about the person."""

import io
import json
import zipfile

import pytest
from django.urls import reverse

from portal.privacy import services
from portal.privacy.models import ExportAccess, Purpose

pytestmark = pytest.mark.django_db


def download(client):
    response = client.post(reverse("privacy:download"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith("attachment;")
    return zipfile.ZipFile(io.BytesIO(response.content))


def test_the_zip_holds_everything_about_the_person(client, camille, message, record, registration):
    services.consent_give(person=camille, purpose=Purpose.NEWSLETTER, by=camille.user)
    client.force_login(camille.user)
    archive = download(client)
    assert sorted(archive.namelist()) == ["data.html", "data.json"]
    data = json.loads(archive.read("data.json"))
    sections = {name: section["rows"] for name, section in data["sections"].items()}
    profile = sections["profile"][0].values()
    assert "camille.rousseau@example.org" in profile
    assert "06 12 34 56 78" in profile
    assert "Scop Bois du Val" in sections["memberships"][0].values()
    assert message.body in sections["messages"][0].values()
    assert "Circuits courts" in sections["workgroups"][0].values()
    assert record.title in sections["best_practices"][0].values()
    assert registration.event.title in sections["event_registrations"][0].values()
    assert len(sections["consents"]) == 2
    html = archive.read("data.html").decode()
    assert "Camille Rousseau" in html and message.body in html and registration.event.title in html


def test_a_person_without_anything_gets_empty_sections(client, camille):
    client.force_login(camille.user)
    data = json.loads(download(client).read("data.json"))
    assert data["sections"]["messages"]["rows"] == []
    assert data["sections"]["profile"]["rows"][0]


def test_ones_own_download_is_not_logged_but_an_administrators_is(client, camille, administrator):
    client.force_login(camille.user)
    download(client)
    assert not ExportAccess.objects.exists()

    client.force_login(administrator)
    response = client.post(reverse("privacy:admin_download", args=[camille.pk]))
    assert response.status_code == 200
    log = ExportAccess.objects.get()
    assert log.user == administrator
    assert log.subject == "Camille Rousseau"
    assert "camille" in log.filename or camille.handle in log.filename


def test_only_administrators_download_someone_elses_data(client, camille, colleague):
    client.force_login(colleague.user)
    assert client.post(reverse("privacy:admin_download", args=[camille.pk])).status_code == 403
    assert not ExportAccess.objects.exists()


def test_download_needs_a_post(client, camille):
    client.force_login(camille.user)
    assert client.get(reverse("privacy:download")).status_code == 405
