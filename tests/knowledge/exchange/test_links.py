"""Firms without an account take part through their own link: sent by e-mail (the real SMTP path) or
printed, re-sent or revoked by an organiser, refused in French once revoked, replaced or past the
follow-up period, and never opening another firm's data. Organisers type in paper sheets."""

import datetime
import re

import pytest
from django.urls import reverse

from knowledge.exchange.models import ParticipationLink, Registration, ResourceSheet, SessionStatus
from tests.factories import OrganisationFactory

from .conftest import SessionFactory, SheetFactory

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://\S+/bourse/entreprise/[\w-]+/")


@pytest.fixture
def session(organiser):
    session = SessionFactory()
    for name in ("Menuiserie Durand", "Transports Leroy"):
        firm = OrganisationFactory(name=name, email=f"contact@{name.split()[0].lower()}.example.org")
        Registration.objects.create(session=session, organisation=firm)
    return session


def registration_of(session, name):
    return session.registrations.select_related("organisation").get(organisation__name=name)


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """Posts the organiser's "send" and runs what waits for the commit (the e-mail through SMTP)."""

    def send(client, session, registration, **data):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                reverse("exchange:links", args=[session.pk]),
                {"action": "send", "registration": registration.pk, **data},
            )

    return send


def emailed_link(smtp, index=-1) -> str:
    smtp.wait_for(1)
    _recipients, message = smtp.messages[index]
    return LINK.search(message.get_content()).group(0)


def path_of(link: str) -> str:
    return "/" + link.split("/", 3)[3]


def file_sheet(client, link_path, **fields):
    data = {
        "direction": "offer",
        "category": "materials",
        "title": "Chutes de chêne",
        "description": "Environ deux palettes par mois, propres et triées.",
        "frequency": "recurring",
        "website": "",
    }
    data.update(fields)
    return client.post(link_path + "fiche/", data)


def test_the_organiser_emails_each_firm_its_link_through_smtp_and_only_its_hash_is_kept(
    client, organiser, session, send, smtp
):
    client.force_login(organiser)
    durand = registration_of(session, "Menuiserie Durand")
    response = send(client, session, durand)
    assert response.status_code == 302
    smtp.wait_for(1)
    recipients, message = smtp.messages[0]
    assert recipients == ["contact@menuiserie.example.org"]
    assert "Bourse d'échanges" in message["Subject"]
    link = emailed_link(smtp)
    token = link.rstrip("/").rsplit("/", 1)[1]
    stored = ParticipationLink.objects.get(registration=durand)
    assert stored.sent_to == "contact@menuiserie.example.org"
    assert token not in stored.token_hash and len(stored.token_hash) == 64
    # The links page shows who got theirs; the page opens without an account.
    page = client.get(reverse("exchange:links", args=[session.pk])).content.decode()
    assert "contact@menuiserie.example.org" in page
    client.logout()
    firm_page = client.get(path_of(link))
    assert firm_page.status_code == 200
    assert "Menuiserie Durand" in firm_page.content.decode()
    assert firm_page["Referrer-Policy"] == "same-origin" and "no-store" in firm_page["Cache-Control"]


def test_a_firm_without_an_account_files_its_sheets_and_sees_them_count(client, organiser, session, send, smtp):
    client.force_login(organiser)
    send(client, session, registration_of(session, "Menuiserie Durand"))
    link = path_of(emailed_link(smtp))
    client.logout()
    response = file_sheet(client, link)
    assert response.status_code == 302 and response["Location"] == link
    sheet = ResourceSheet.objects.get(title="Chutes de chêne")
    assert sheet.organisation.name == "Menuiserie Durand" and sheet.created_by is None
    page = client.get(link).content.decode()
    assert "Chutes de chêne" in page and "1 offre sur 5 attendues" in page
    # Corrected through the same link.
    client.post(
        link + f"fiches/{sheet.pk}/",
        {
            "direction": "offer",
            "category": "materials",
            "title": "Chutes de chêne massif",
            "description": "Deux palettes par mois.",
            "frequency": "recurring",
        },
    )
    sheet.refresh_from_db()
    assert sheet.title == "Chutes de chêne massif"


def test_a_robot_filling_the_hidden_field_files_nothing(client, organiser, session, send, smtp):
    client.force_login(organiser)
    send(client, session, registration_of(session, "Menuiserie Durand"))
    link = path_of(emailed_link(smtp))
    client.logout()
    response = file_sheet(client, link, website="http://spam.example.com")
    assert response.status_code == 200
    assert not ResourceSheet.objects.exists()


def test_a_revoked_link_is_refused_in_french_with_410(client, organiser, session, send, smtp):
    client.force_login(organiser)
    durand = registration_of(session, "Menuiserie Durand")
    send(client, session, durand)
    link = path_of(emailed_link(smtp))
    client.post(reverse("exchange:links", args=[session.pk]), {"action": "revoke", "registration": durand.pk})
    client.logout()
    for response in (client.get(link), file_sheet(client, link), client.get(link + "classeur.xlsx")):
        assert response.status_code == 410
        assert "révoqué" in response.content.decode()
    assert not ResourceSheet.objects.exists()


def test_a_link_sent_again_replaces_the_previous_one(client, organiser, session, send, smtp):
    client.force_login(organiser)
    durand = registration_of(session, "Menuiserie Durand")
    send(client, session, durand)
    first = path_of(emailed_link(smtp))
    send(client, session, durand, email="direction@menuiserie.example.org")
    smtp.wait_for(2)
    assert smtp.recipients()[-1] == "direction@menuiserie.example.org"
    second = path_of(emailed_link(smtp))
    client.logout()
    assert client.get(second).status_code == 200
    refused = client.get(first)
    assert refused.status_code == 410 and "remplacé" in refused.content.decode()


def test_the_link_expires_after_the_follow_up_period(client, organiser, session, send, smtp, settings):
    settings.EXCHANGE_LINK_FOLLOW_UP_DAYS = 30
    client.force_login(organiser)
    send(client, session, registration_of(session, "Menuiserie Durand"))
    link = path_of(emailed_link(smtp))
    client.logout()
    session.date = datetime.date.today() - datetime.timedelta(days=30)
    session.status = SessionStatus.DONE
    session.save()
    assert client.get(link).status_code == 200  # the last day of the follow-up period
    session.date -= datetime.timedelta(days=1)
    session.save()
    response = client.get(link)
    assert response.status_code == 410 and "expiré" in response.content.decode()


def test_a_firms_link_never_opens_another_firms_data(client, organiser, session, send, smtp):
    leroy_sheet = SheetFactory(organisation=registration_of(session, "Transports Leroy").organisation, title="Camion")
    client.force_login(organiser)
    send(client, session, registration_of(session, "Menuiserie Durand"))
    link = path_of(emailed_link(smtp))
    client.logout()
    assert "Camion" not in client.get(link).content.decode()
    assert client.get(link + f"fiches/{leroy_sheet.pk}/").status_code == 404
    response = client.post(
        link + f"fiches/{leroy_sheet.pk}/",
        {"direction": "need", "category": "materials", "title": "Volé", "description": "x", "frequency": "one_off"},
    )
    assert response.status_code == 404
    leroy_sheet.refresh_from_db()
    assert leroy_sheet.title == "Camion"
    # A sheet filed through Durand's link is Durand's, whatever the form carries.
    file_sheet(client, link, organisation=leroy_sheet.organisation_id)
    assert ResourceSheet.objects.get(title="Chutes de chêne").organisation.name == "Menuiserie Durand"


def test_a_firm_without_contact_email_gets_a_message_and_can_be_printed(client, organiser, session, send):
    durand = registration_of(session, "Menuiserie Durand")
    durand.organisation.email = ""
    durand.organisation.save()
    client.force_login(organiser)
    response = send(client, session, durand)
    assert not ParticipationLink.objects.exists()
    assert "imprimez" in client.get(response["Location"]).content.decode()
    printed = client.post(reverse("exchange:links", args=[session.pk]), {"action": "print", "registration": durand.pk})
    assert printed.status_code == 200
    link = LINK.search(printed.content.decode()).group(0)
    client.logout()
    assert "Menuiserie Durand" in client.get(path_of(link)).content.decode()


def test_an_organiser_types_in_a_paper_sheet_for_a_registered_firm(client, organiser, session, member):
    durand = registration_of(session, "Menuiserie Durand")
    url = reverse("exchange:paper", args=[session.pk, durand.organisation_id])
    data = {
        "direction": "need",
        "category": "logistics",
        "title": "Transport vers la déchetterie",
        "description": "Un trajet par semaine.",
        "frequency": "recurring",
    }
    client.force_login(member)
    assert client.post(url, data).status_code == 403
    assert not ResourceSheet.objects.exists()
    client.force_login(organiser)
    assert client.get(url).status_code == 200
    response = client.post(url, data)
    assert response.status_code == 302
    sheet = ResourceSheet.objects.get()
    assert sheet.organisation == durand.organisation and sheet.direction == "need"
    page = client.get(reverse("exchange:links", args=[session.pk])).content.decode()
    assert "Transport vers la déchetterie" not in page  # counted, not listed
    assert "1 / 5" in page
    # A firm not registered for the session has no paper page here.
    other = OrganisationFactory()
    assert client.get(reverse("exchange:paper", args=[session.pk, other.pk])).status_code == 404
