"""Documents attached to best-practice records: uploads checked for type, content and size with a
clear error, and downloads (ours and Wagtail's /documents/ URL alike) following the record's
visibility."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from knowledge import services
from knowledge.forms import ATTACHMENT_MAX_SIZE
from knowledge.models import BestPractice
from portal.members.models import OrganisationKind, PersonRole
from tests.factories import AxisFactory, OrganisationFactory, PersonFactory, make_coordinator

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def client_for(user=None) -> Client:
    client = Client(headers={"accept-language": "en"})
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def scene(db):
    recyclerie = OrganisationFactory(name="Recyclerie du Val", kind=OrganisationKind.ASSOCIATION, siret="")
    axis = AxisFactory()
    coordinator = PersonFactory(role=PersonRole.COORDINATOR)
    make_coordinator(coordinator, axis)
    author = PersonFactory(organisation=recyclerie).user
    record = services.best_practice_create(
        by=author, organisation=recyclerie, axis=axis, title="Bennes partagées", summary="Une benne pour trois."
    )
    return {
        "record": record,
        "author": author,
        "coordinator": coordinator.user,
        "member": PersonFactory().user,
    }


def upload(client, record, name, content, title=""):
    return client.post(
        reverse("knowledge:attach", args=[record.slug]),
        {"title": title, "file": SimpleUploadedFile(name, content)},
        follow=True,
    )


def download(client, record):
    document = record.attachments.get()
    return client.get(reverse("knowledge:attachment", args=[record.slug, document.pk]))


def test_the_author_attaches_a_pdf_and_downloads_it(scene):
    author = client_for(scene["author"])
    page = upload(author, scene["record"], "convention-benne.pdf", PDF, title="Convention type")

    assert "The document is attached." in page.content.decode()
    assert "Convention type" in page.content.decode()
    response = download(author, scene["record"])
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert "attachment" in response["Content-Disposition"] and response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize(
    "name, content, error",
    [
        ("outil.exe", b"MZ\x90\x00", "This kind of file is not accepted. Accepted formats: PDF, DOCX"),
        ("sans-extension", PDF, "This kind of file is not accepted."),
        ("faux.pdf", b"<html><script>alert(1)</script></html>", "does not match its “.pdf” extension"),
        ("tableur.xlsx", PDF, "does not match its “.xlsx” extension"),
        ("notes.txt", b"abc\x00\x01binary", "does not match its “.txt” extension"),
        ("vide.pdf", b"", "The submitted file is empty."),
    ],
)
def test_a_bad_upload_is_refused_with_a_clear_error_and_nothing_attached(scene, name, content, error):
    page = upload(client_for(scene["author"]), scene["record"], name, content).content.decode()
    assert error in page
    assert not scene["record"].attachments.exists()


def test_a_file_over_10_mb_is_refused(scene):
    big = PDF + b"0" * ATTACHMENT_MAX_SIZE
    page = upload(client_for(scene["author"]), scene["record"], "gros.pdf", big).content.decode()
    assert "The file is too large (10.0\xa0MB): at most 10.0\xa0MB." in page
    assert not scene["record"].attachments.exists()


def test_a_windows_csv_export_is_accepted(scene):
    upload(client_for(scene["author"]), scene["record"], "tonnages.csv", "Déchets;Tonnes\nBois;12\n".encode("cp1252"))
    assert scene["record"].attachments.get().title == "tonnages"


def test_only_the_record_s_editors_attach_or_remove(scene):
    outsider = client_for(scene["member"])
    response = outsider.post(
        reverse("knowledge:attach", args=[scene["record"].slug]), {"file": SimpleUploadedFile("a.pdf", PDF)}
    )
    assert response.status_code == 403
    assert not scene["record"].attachments.exists()

    upload(client_for(scene["author"]), scene["record"], "a.pdf", PDF)
    document = scene["record"].attachments.get()
    detach = reverse("knowledge:detach", args=[scene["record"].slug, document.pk])
    assert outsider.post(detach).status_code == 403
    client_for(scene["author"]).post(detach)
    assert not scene["record"].attachments.exists()


def test_downloads_follow_the_record_s_visibility(scene):
    record = scene["record"]
    upload(client_for(scene["author"]), record, "convention.pdf", PDF)
    document = record.attachments.get()
    wagtail_url = document.url  # /documents/<id>/<name>: Wagtail's own serving view
    member, visitor = client_for(scene["member"]), client_for()

    # A draft: its organisation and reviewers only.
    assert download(member, record).status_code == 404
    assert member.get(wagtail_url).status_code == 404
    assert download(visitor, record).status_code == 302
    assert visitor.get(wagtail_url).status_code == 302
    assert download(client_for(scene["coordinator"]), record).status_code == 200

    # Published for members: members yes, visitors are sent to log in.
    services.best_practice_submit(record=record, by=scene["author"])
    services.best_practice_publish(record=record, by=scene["coordinator"])
    assert download(member, record).status_code == 200
    assert member.get(wagtail_url).status_code == 200
    assert download(visitor, record).status_code == 302
    assert visitor.get(wagtail_url).status_code == 302

    # Public: everyone.
    BestPractice.objects.filter(pk=record.pk).update(visibility="public")
    assert download(visitor, record).status_code == 200
    assert visitor.get(wagtail_url).status_code == 200
