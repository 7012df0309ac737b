"""After the morning: each firm's contact receives its workbook as a link (through the real SMTP path),
answers the satisfaction questionnaire through it without an account; organisers type in paper ones."""

import re

import pytest
from django.urls import reverse

from knowledge.exchange.models import (
    ExportStatus,
    FirmWorkbook,
    Registration,
    SatisfactionResponse,
    SessionStatus,
    WorkbookExport,
)
from tests.factories import OrganisationFactory

from .conftest import SessionFactory

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://\S+/bourse/entreprise/[\w-]+/")


@pytest.fixture
def morning_done(organiser):
    """A closed session of three firms (one without any e-mail), its workbooks built."""
    session = SessionFactory(status=SessionStatus.DONE)
    export = WorkbookExport.objects.create(session=session, status=ExportStatus.DONE, total_count=3)
    for name, email in (
        ("Menuiserie Durand", "contact@durand.example.org"),
        ("Ferme Vidal", ""),
        ("Imprimerie Roux", ""),
    ):
        firm = OrganisationFactory(name=name, email=email)
        contact = "achats@roux.example.org" if name == "Imprimerie Roux" else ""
        Registration.objects.create(session=session, organisation=firm, contact_email=contact)
        FirmWorkbook.objects.create(export=export, organisation=firm, content=f"classeur de {name}".encode())
    return session


def send_workbooks(client, session, capture):
    with capture(execute=True):
        return client.post(reverse("exchange:workbooks_send", args=[session.pk]), follow=True)


def test_each_firms_contact_gets_its_workbook_as_a_link_through_smtp(
    client, organiser, morning_done, smtp, django_capture_on_commit_callbacks
):
    client.force_login(organiser)
    response = send_workbooks(client, morning_done, django_capture_on_commit_callbacks)
    content = response.content.decode()
    assert "Les liens des classeurs sont envoyés à 2 entreprises." in content
    assert "pour : Ferme Vidal. Appelez-les" in content
    smtp.wait_for(2)
    by_recipient = {recipients[0]: message for recipients, message in smtp.messages}
    assert set(by_recipient) == {"contact@durand.example.org", "achats@roux.example.org"}
    message = by_recipient["achats@roux.example.org"]
    assert "classeur" in message["Subject"].lower()
    link = LINK.search(message.get_content()).group(0)
    client.logout()
    page = client.get("/" + link.split("/", 3)[3])
    assert page.status_code == 200 and "Imprimerie Roux" in page.content.decode()
    assert "Télécharger le classeur de mon entreprise" in page.content.decode()
    download = client.get("/" + link.split("/", 3)[3] + "classeur.xlsx")
    assert download.status_code == 200 and download.content == b"classeur de Imprimerie Roux"


def test_the_firm_answers_the_questionnaire_once_through_its_link(
    client, organiser, morning_done, smtp, django_capture_on_commit_callbacks
):
    client.force_login(organiser)
    send_workbooks(client, morning_done, django_capture_on_commit_callbacks)
    smtp.wait_for(2)
    _recipients, message = next(m for m in smtp.messages if m[0] == ["contact@durand.example.org"])
    path = "/" + LINK.search(message.get_content()).group(0).split("/", 3)[3]
    client.logout()
    assert "Répondre au questionnaire de satisfaction" in client.get(path).content.decode()
    answers = {"logistics": 4, "method": 5, "atmosphere": 5, "comment": "Très utile"}
    assert client.post(path + "questionnaire/", answers).status_code == 302
    response = SatisfactionResponse.objects.get()
    assert (response.organisation.name, response.respondent, response.method) == ("Menuiserie Durand", None, 5)
    assert "Votre entreprise a répondu au questionnaire" in client.get(path).content.decode()
    again = client.post(path + "questionnaire/", answers)
    assert again.status_code == 200 and "Votre entreprise a déjà répondu" in again.content.decode()
    assert SatisfactionResponse.objects.count() == 1

    # An organiser types in the paper questionnaire of another firm; the results count both.
    client.force_login(organiser)
    vidal = morning_done.registrations.get(organisation__name="Ferme Vidal").organisation
    paper_url = reverse("exchange:satisfaction_paper", args=[morning_done.pk])
    paper = {"organisation": vidal.pk, "logistics": 2, "method": 3, "atmosphere": 4, "comment": ""}
    assert client.post(paper_url, paper).status_code == 302
    assert SatisfactionResponse.objects.get(organisation=vidal).entered_by.user == organiser
    twice = client.post(paper_url, paper)
    assert twice.status_code == 200 and "Votre entreprise a déjà répondu" in twice.content.decode()
    outsider = OrganisationFactory(name="Hors bourse")
    refused = client.post(paper_url, {**paper, "organisation": outsider.pk})
    assert refused.status_code == 200 and SatisfactionResponse.objects.count() == 2
    results = client.get(reverse("exchange:satisfaction_results", args=[morning_done.pk]))
    assert results.context["summary"]["averages"]["logistics"] == 3
    assert results.context["summary"]["averages"]["count"] == 2


def test_the_questionnaire_does_not_open_before_the_morning(client, organiser, morning_done):
    from knowledge.exchange import services

    morning_done.status = SessionStatus.PLANNED
    morning_done.save()
    registration = morning_done.registrations.first()
    token = services.link_issue(registration=registration, by=organiser, base_url="http://testserver/", send=False)
    page = client.get(reverse("exchange:firm", args=[token]))
    assert "Le questionnaire ouvre le matin de la bourse." in page.content.decode()
    assert client.get(reverse("exchange:firm_satisfaction", args=[token])).status_code == 404
