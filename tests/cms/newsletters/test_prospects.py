"""Letters to prospect firms (B2B, legitimate interest), on a real SMTP server on loopback: only the
firms' professional contact addresses, never an address or a firm that objected; the author attests
the content is professional; the legal basis is kept with each delivery; the one-click opt-out needs
no account and also stops the campaigns' invitations and reminders; erasure and export of an address."""

import datetime
import io
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cms.newsletters import services
from cms.newsletters.models import Audience, Delivery, LegalBasis, NewsletterStatus
from portal.clubs import services as club_services
from portal.clubs.models import ProspectingObjection, Survey
from portal.privacy.models import ExportAccess
from tests.cms.newsletters.helpers import make_newsletter
from tests.factories import ClubFactory, MembershipFactory, OrganisationFactory, PersonFactory, UserFactory, ZoneFactory
from tests.portal.clubs.test_prospect_files import another_animator

pytestmark = pytest.mark.django_db


@pytest.fixture
def park(db):
    """The Tanneries club covers its park and the Gare's; Claire animates it. Prospects: four with a
    contact address, one that objected on the phone, one without an address; a member firm; a
    prospect of a park the club does not cover; a person with an account at a prospect firm."""
    zone, gare, elsewhere = ZoneFactory(name="Parc des Tanneries"), ZoneFactory(name="Gare"), ZoneFactory()
    club = ClubFactory(zone=zone, name="Club des Tanneries")
    club.other_zones.add(gare)
    claire = another_animator(club)
    firms = {
        name: OrganisationFactory(zone=place, name=name, email=email)
        for name, place, email in [
            ("Atelier Durand", zone, "Contact@Durand.example"),
            ("Boulangerie Martin", zone, "bonjour@martin.example"),
            ("Fromagerie Blanc", zone, "blanc@fromagerie.example"),
            ("Garage de la Gare", gare, "garage@gare.example"),
            ("Scierie Roux", zone, "accueil@roux.example"),
            ("Imprimerie Roy", zone, ""),
            ("Menuiserie Membre", zone, "menuiserie@membre.example"),
            ("Ferme Lointaine", elsewhere, "ferme@loin.example"),
        ]
    }
    MembershipFactory(organisation=firms["Menuiserie Membre"], club=club)
    PersonFactory(organisation=firms["Atelier Durand"], user=UserFactory(email="paul.durand@perso.example"))
    club_services.prospecting_objection_record(organisation=firms["Scierie Roux"], by=claire)
    return {"zone": zone, "club": club, "claire": claire, "firms": firms}


def club_letter(park, title="Les rendez-vous des Tanneries"):
    return make_newsletter(title, audience=Audience.CLUB_PROSPECTS, club=park["club"])


def send(newsletter, by, capture, *, attested=True):
    with capture(execute=True):
        return services.newsletter_start(newsletter=newsletter, by=by, professional_content=attested)


def one_click(message):
    header = message["List-Unsubscribe"].strip()[1:-1]
    path = "/" + header.split("://", 1)[1].split("/", 1)[1]
    # RFC 8058: the mail client posts this body, no cookie, no account, no CSRF token.
    return Client(enforce_csrf_checks=True).post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )


EXPECTED = ["blanc@fromagerie.example", "bonjour@martin.example", "contact@durand.example", "garage@gare.example"]


def test_a_letter_to_a_clubs_prospects_reaches_their_professional_addresses_only(
    park, smtp, django_capture_on_commit_callbacks
):
    letter = club_letter(park)
    assert send(letter, park["claire"], django_capture_on_commit_callbacks) == 4
    # Not the firm that objected, the member, the firm without an address, the other park, nor the
    # personal address of someone working at a prospect.
    assert sorted(smtp.recipients()) == EXPECTED
    for _rcpt, message in smtp.messages:
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        text = message.get_body(preferencelist=("plain",)).get_content()
        # Why the firm receives it, and where to read more, in every letter (information of the prospect).
        assert "intérêt légitime" in text or "legitimate interest" in text
        assert "/vie-privee/#prospecting" in text
    # Its "read it in your browser" link opens for a firm without an account.
    assert Client().get(letter.get_absolute_url()).status_code == 200
    deliveries = Delivery.objects.filter(newsletter=letter)
    assert set(deliveries.values_list("legal_basis", flat=True)) == {LegalBasis.B2B_INTEREST}
    assert deliveries.get(email="garage@gare.example").organisation == park["firms"]["Garage de la Gare"]
    letter.refresh_from_db()
    assert letter.status == NewsletterStatus.SENT
    assert letter.professional_attested_by == park["claire"] and letter.professional_attested_at is not None


def test_a_zones_prospects_are_the_administrators_audience(park, smtp, sender, django_capture_on_commit_callbacks):
    letter = make_newsletter("Parc de la Gare", audience=Audience.ZONE_PROSPECTS, zone=ZoneFactory())
    with pytest.raises(PermissionDenied):
        services.newsletter_start(newsletter=letter, by=park["claire"], professional_content=True)
    gare = park["firms"]["Garage de la Gare"].zone
    letter = make_newsletter("Lettre de la Gare", audience=Audience.ZONE_PROSPECTS, zone=gare)
    assert send(letter, sender, django_capture_on_commit_callbacks) == 1
    assert smtp.recipients() == ["garage@gare.example"]


def test_nothing_leaves_for_prospects_until_the_author_attests_the_content_is_professional(park, smtp):
    letter = club_letter(park)
    client = Client()
    client.force_login(park["claire"])
    page = client.get(reverse("newsletters_admin:send", args=[letter.pk]))
    assert 'name="professional_content"' in page.content.decode()
    client.post(reverse("newsletters_admin:send", args=[letter.pk]))
    letter.refresh_from_db()
    assert letter.status == NewsletterStatus.DRAFT and not letter.deliveries.exists()
    with pytest.raises(ValidationError):
        services.newsletter_start(newsletter=letter, by=park["claire"], professional_content=False)

    response = client.post(reverse("newsletters_admin:send", args=[letter.pk]), {"professional_content": "on"})
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.status == NewsletterStatus.SENDING and letter.professional_attested_by == park["claire"]
    # The letter's follow-up page states the legal basis of its deliveries and the attestation.
    progress = client.get(reverse("newsletters_admin:progress", args=[letter.pk])).content.decode()
    assert "Legitimate interest (B2B prospecting)" in progress or "Intérêt légitime (prospection B2B)" in progress
    assert "data-attestation" in progress


def test_an_animator_of_another_club_cannot_write_to_this_clubs_prospects(park):
    other = another_animator(ClubFactory())
    letter = club_letter(park)
    with pytest.raises(PermissionDenied):
        services.newsletter_start(newsletter=letter, by=other, professional_content=True)
    client = Client()
    client.force_login(other)
    assert client.get(reverse("newsletters_admin:send", args=[letter.pk])).status_code == 404
    assert not letter.deliveries.exists()


def test_the_one_click_opt_out_needs_no_account_and_stops_letters_invitations_and_reminders(
    park, smtp, django_capture_on_commit_callbacks
):
    claire = park["claire"]
    survey = Survey.objects.create(
        title="Vos besoins 2026", club=park["club"], closes_on=timezone.localdate() + datetime.timedelta(days=30)
    )
    campaign = club_services.campaign_create(
        club=park["club"], zone=park["zone"], title="Enquête de rentrée", kind="mailing", by=claire, assignees=[claire]
    )
    club_services.campaign_set_invitation(
        campaign=campaign, by=claire, invite_kind="survey", invite_id=survey.pk, reminder_days=[7], reminder_max=1
    )
    with django_capture_on_commit_callbacks(execute=True):
        invited = club_services.campaign_send_invitations(campaign=campaign, by=claire)
    # The firm that objected on the phone is not invited; the member is not a campaign target.
    assert invited == 3
    invited_to = {rcpt[0].lower(): message for rcpt, message in smtp.messages}
    assert sorted(invited_to) == ["blanc@fromagerie.example", "bonjour@martin.example", "contact@durand.example"]
    # The invitation offers the objection too, in its text and as the mail client's one-click button.
    martin = invited_to["bonjour@martin.example"]
    assert martin["List-Unsubscribe"].strip()[1:-1] in martin.get_content()
    assert one_click(martin).status_code == 200

    smtp.messages.clear()
    send(club_letter(park), claire, django_capture_on_commit_callbacks)
    assert "bonjour@martin.example" not in smtp.recipients()
    durand = next(message for rcpt, message in smtp.messages if rcpt == ["contact@durand.example"])
    link = durand["List-Unsubscribe"].strip()[1:-1]
    page = Client().get("/" + link.split("://", 1)[1].split("/", 1)[1], HTTP_ACCEPT_LANGUAGE="fr")
    assert "Vous opposer à la prospection du pôle et de ses clubs" in page.content.decode()
    assert not ProspectingObjection.objects.filter(email="contact@durand.example").exists()  # a look changes nothing
    response = one_click(durand)
    assert response.status_code == 200
    assert ProspectingObjection.objects.filter(email="contact@durand.example").exists()

    smtp.messages.clear()
    send(club_letter(park, "Lettre de décembre"), claire, django_capture_on_commit_callbacks)
    assert sorted(smtp.recipients()) == ["blanc@fromagerie.example", "garage@gare.example"]
    smtp.messages.clear()
    reminded = club_services.campaign_reminders_send(today=timezone.localdate() + datetime.timedelta(days=7))
    assert reminded == 1 and smtp.recipients() == ["blanc@fromagerie.example"]


def test_the_privacy_policy_states_the_b2b_prospecting_in_french(client):
    page = client.get(reverse("privacy:policy"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Lettres aux entreprises prospectées (B2B)" in page
    assert "Intérêt légitime du pôle (prospection entre professionnels)" in page
    assert "Oppositions à la prospection" in page
    assert "un lien pour s'y opposer en un clic" in page


def test_an_address_without_an_account_is_exported_and_erased_with_its_deliveries(
    park, smtp, sender, django_capture_on_commit_callbacks
):
    send(club_letter(park), park["claire"], django_capture_on_commit_callbacks)
    one_click(next(message for rcpt, message in smtp.messages if rcpt == ["bonjour@martin.example"]))
    out = io.StringIO()
    call_command("personal_data_address", "bonjour@martin.example", by=sender.username, stdout=out)
    sections = {section["name"]: section["rows"] for section in json.loads(out.getvalue())}
    as_text = {name: json.dumps(rows, ensure_ascii=False) for name, rows in sections.items()}
    assert "Les rendez-vous des Tanneries" in as_text["newsletters"] and "prospection B2B" in as_text["newsletters"]
    assert "Boulangerie Martin" in as_text["prospects"] and "Opposition" in as_text["prospects"]
    assert ExportAccess.objects.filter(subject="bonjour@martin.example").exists()

    call_command("personal_data_address", "bonjour@martin.example", by=sender.username, erase=True, stdout=out)
    assert not Delivery.objects.filter(email="bonjour@martin.example").exists()
    park["firms"]["Boulangerie Martin"].refresh_from_db()
    assert park["firms"]["Boulangerie Martin"].email == ""
    # The objection stays: the address is never written to again.
    assert ProspectingObjection.objects.filter(email="bonjour@martin.example").exists()
    with pytest.raises(Exception, match="administr"):
        call_command("personal_data_address", "x@y.example", by=park["claire"].username, stdout=out)


def test_an_animator_records_on_the_prospects_file_that_the_firm_objects(
    park, smtp, django_capture_on_commit_callbacks
):
    firm, claire = park["firms"]["Fromagerie Blanc"], park["claire"]
    client = Client()
    client.force_login(claire)
    url = reverse("club:prospect_file", args=[park["zone"].slug, firm.pk])
    assert "data-objection" not in client.get(url).content.decode()
    response = client.post(reverse("club:prospect_objection", args=[park["zone"].slug, firm.pk]))
    assert response.status_code == 302
    assert "data-objection" in client.get(url).content.decode()
    send(club_letter(park), claire, django_capture_on_commit_callbacks)
    assert "blanc@fromagerie.example" not in smtp.recipients()


def test_an_objection_made_while_a_letter_is_being_sent_stops_what_has_not_left(
    park, smtp, django_capture_on_commit_callbacks
):
    letter = club_letter(park)
    with django_capture_on_commit_callbacks(execute=False):  # the sending is queued, not run yet
        services.newsletter_start(newsletter=letter, by=park["claire"], professional_content=True)
    club_services.prospecting_objection_record(organisation=park["firms"]["Fromagerie Blanc"], by=park["claire"])
    club_services.prospecting_objection_from_link(email="garage@gare.example")
    services.newsletter_deliver(newsletter_id=letter.pk, enqueue_next=False)
    assert sorted(smtp.recipients()) == ["bonjour@martin.example", "contact@durand.example"]
