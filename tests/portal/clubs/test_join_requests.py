"""Joining online: a firm asks on the site to join the club of its business park; the request waits
for the club's animators, who accept it (the organisation, its membership of the club, its people's
invitations, the prospect's log, in one step) or refuse it with a reason; French e-mails each time;
robots, floods and bad input store nothing."""

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from portal.clubs.models import ContactStatus, JoinRequest, ProspectContact
from portal.members.demo import fictional_siret
from portal.members.models import Invitation, Membership, MembershipStatus, Organisation
from tests.factories import ClubFactory, MembershipFactory, OrganisationFactory, ZoneFactory

from .test_prospect_files import another_animator

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rates():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def park():
    zone = ZoneFactory(name="Parc des Tanneries")
    club = ClubFactory(zone=zone, name="Club des Tanneries")
    animator = another_animator(club)
    return {"zone": zone, "club": club, "animator": animator}


def form_data(park, **extra):
    return {
        "zone": park["zone"].pk, "name": "Imprimerie Vasseur", "siret": fictional_siret(4242), "kind": "classic_firm",
        "naf_code": "18.12Z", "headcount_band": "10-19", "address": "3 rue des Tanneurs", "postcode": "69100",
        "commune": "Villeurbanne", "phone": "04 78 11 22 33", "first_name": "Lucie", "last_name": "Vasseur",
        "email": "lucie@imprimerie-vasseur.example", "job_title": "Gérante",
        "colleagues": "paul@imprimerie-vasseur.example\n", "message": "Nous aimerions venir aux petits-déjeuners.",
        "website": "", **extra,
    }  # fmt: skip


def test_a_firm_asks_to_join_and_the_club_is_told(client, park, django_capture_on_commit_callbacks):
    page = client.get(reverse("club:join"))
    assert page.status_code == 200 and "Parc des Tanneries" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("club:join"), form_data(park))
    assert response.status_code == 200 and "Demande envoyée" in response.content.decode()
    join_request = JoinRequest.objects.get()
    assert (join_request.club, join_request.status) == (park["club"], "pending")
    assert not Organisation.objects.filter(name="Imprimerie Vasseur").exists()  # nothing before the club says yes
    to_firm, to_club = sorted(mail.outbox, key=lambda message: message.to != ["lucie@imprimerie-vasseur.example"])
    assert to_firm.subject == "Votre demande d’adhésion à Club des Tanneries"
    assert "Bonjour Lucie" in to_firm.body
    assert to_club.to == [park["animator"].email] and "Imprimerie Vasseur" in to_club.subject
    assert "/clubs/demandes/" in to_club.body


@pytest.mark.parametrize(
    "bad",
    [
        {"siret": "12345678901234"},
        {"email": "pas-une-adresse"},
        {"website": "http://spam.example"},
        {"colleagues": "paul@ex.example\nnimporte quoi"},
        {"name": ""},
        {"siret": ""},  # a firm has one (only associations and groups may not)
    ],  # fmt: skip
)
def test_bad_input_or_a_robot_stores_nothing(client, park, bad):
    response = client.post(reverse("club:join"), form_data(park, **bad))
    assert response.status_code == 400
    assert not JoinRequest.objects.exists() and not mail.outbox


def test_a_firm_already_member_is_told_at_once(client, park):
    # A prospect of the directory (no membership) may ask: tests/portal/clubs/test_prospect_joins.py.
    MembershipFactory(organisation=OrganisationFactory(siret=fictional_siret(4242), zone=park["zone"]))
    response = client.post(reverse("club:join"), form_data(park))
    assert response.status_code == 400 and not JoinRequest.objects.exists()


def test_a_flood_is_refused(client, park, settings):
    settings.PORTAL_FORM_RATES = {**settings.PORTAL_FORM_RATES, "join_request": "2/h"}
    for n in range(2):
        assert client.post(reverse("club:join"), form_data(park, name=f"Firme {n}")).status_code == 200
    response = client.post(reverse("club:join"), form_data(park, name="Firme 3"))
    assert response.status_code == 429 and "Trop de demandes" in response.content.decode()
    assert JoinRequest.objects.count() == 2


def test_the_animator_accepts_in_one_step(client, park, django_capture_on_commit_callbacks):
    client.post(reverse("club:join"), form_data(park))
    join_request = JoinRequest.objects.get()
    mail.outbox.clear()
    client.force_login(park["animator"])
    inbox = client.get(reverse("club:join_requests")).content.decode()
    assert "Imprimerie Vasseur" in inbox and "Accepter Imprimerie Vasseur" in inbox
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("club:join_request_accept", args=[join_request.pk]))
    assert response.status_code == 302
    organisation = Organisation.objects.get(name="Imprimerie Vasseur")
    assert (organisation.zone, organisation.siret, organisation.naf_code) == (
        park["zone"],
        fictional_siret(4242),
        "18.12Z",
    )
    membership = Membership.objects.get(organisation=organisation)
    assert (membership.club, membership.status) == (park["club"], MembershipStatus.ACTIVE)
    assert sorted(Invitation.objects.filter(organisation=organisation).values_list("email", flat=True)) == [
        "lucie@imprimerie-vasseur.example", "paul@imprimerie-vasseur.example"]  # fmt: skip
    assert ProspectContact.objects.get(organisation=organisation).status == ContactStatus.JOINED
    join_request.refresh_from_db()
    assert (join_request.status, join_request.organisation, join_request.decided_by) == (
        "accepted", organisation, park["animator"])  # fmt: skip
    subjects = sorted(message.subject for message in mail.outbox)
    assert "Bienvenue au Club des Tanneries" in subjects and len(mail.outbox) == 3  # + the two invitations
    again = client.post(reverse("club:join_request_accept", args=[join_request.pk]))
    assert again.status_code == 302 and Organisation.objects.filter(name="Imprimerie Vasseur").count() == 1


def test_a_refusal_needs_a_reason_and_tells_the_firm(client, park, django_capture_on_commit_callbacks):
    client.post(reverse("club:join"), form_data(park))
    join_request = JoinRequest.objects.get()
    mail.outbox.clear()
    client.force_login(park["animator"])
    url = reverse("club:join_request_refuse", args=[join_request.pk])
    client.post(url, {"reason": ""})
    join_request.refresh_from_db()
    assert join_request.status == "pending"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"reason": "Votre siège n'est pas sur le parc."})
    join_request.refresh_from_db()
    assert join_request.status == "refused" and not Organisation.objects.filter(name="Imprimerie Vasseur").exists()
    [message] = mail.outbox
    assert message.to == ["lucie@imprimerie-vasseur.example"] and "Votre siège n'est pas sur le parc." in message.body


def test_another_clubs_animator_can_neither_see_nor_answer(client, park):
    client.post(reverse("club:join"), form_data(park))
    join_request = JoinRequest.objects.get()
    stranger = another_animator(ClubFactory(zone=ZoneFactory()))
    client.force_login(stranger)
    assert "Imprimerie Vasseur" not in client.get(reverse("club:join_requests")).content.decode()
    assert client.post(reverse("club:join_request_accept", args=[join_request.pk])).status_code == 403
    assert client.post(reverse("club:join_request_refuse", args=[join_request.pk]), {"reason": "x"}).status_code == 403
    join_request.refresh_from_db()
    assert join_request.status == "pending" and not Organisation.objects.filter(name="Imprimerie Vasseur").exists()


def test_answered_requests_go_after_the_retention_but_not_the_waiting_ones(client, park):
    import datetime

    from django.utils import timezone

    from portal.clubs.privacy import purge_join_requests

    for n in range(2):
        client.post(reverse("club:join"), form_data(park, name=f"Firme {n}", siret=fictional_siret(5000 + n)))
    answered, waiting = JoinRequest.objects.order_by("pk")
    JoinRequest.objects.filter(pk=answered.pk).update(
        status="refused", decided_at=timezone.now() - datetime.timedelta(days=4 * 365)
    )
    assert purge_join_requests(timezone.now() - datetime.timedelta(days=3 * 365)) == 1
    assert list(JoinRequest.objects.all()) == [waiting]
