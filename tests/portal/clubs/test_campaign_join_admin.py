"""The campaigns and the membership requests in the Wagtail admin: an administrator finds every one
(search, club, status, dates), an animator their clubs' only; a request is answered there through the
same services as on the club's requests page, and nothing is added or deleted there."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from portal.clubs.models import Campaign, JoinRequest
from portal.members.demo import fictional_siret
from portal.members.models import Membership
from tests.factories import ClubFactory

from .test_prospect_files import another_animator

pytestmark = pytest.mark.django_db


def a_request(club, name, n, **extra):
    return JoinRequest.objects.create(
        zone=club.zone, club=club, name=name, kind="classic_firm", siret=fictional_siret(880_000 + n),
        first_name="Lucie", last_name="Vasseur", email=f"lucie{n}@example.org", **extra,
    )  # fmt: skip


def a_campaign(club, title, starts_on=None):
    return Campaign.objects.create(
        club=club, zone=club.zone, title=title, starts_on=starts_on or datetime.date(2026, 3, 2)
    )


@pytest.fixture
def two_clubs():
    return ClubFactory(name="Club des Tanneries"), ClubFactory(name="Club du Port")


def listed(client, viewset, query=""):
    response = client.get(reverse(f"{viewset}:index") + query)
    assert response.status_code == 200
    return [str(row) for row in response.context["object_list"]]


def test_an_administrator_lists_searches_and_filters_every_campaign(client, administrator, two_clubs):
    tanneries, port = two_clubs
    a_campaign(tanneries, "Petit-déjeuner de mars", datetime.date(2026, 3, 2))
    a_campaign(port, "Relance des commerces", datetime.date(2026, 9, 14))
    client.force_login(administrator)
    assert sorted(listed(client, "campaigns")) == ["Petit-déjeuner de mars", "Relance des commerces"]
    assert listed(client, "campaigns", "?q=relance") == ["Relance des commerces"]
    assert listed(client, "campaigns", f"?club={tanneries.pk}") == ["Petit-déjeuner de mars"]
    assert listed(client, "campaigns", "?starts_on_from=2026-09-01&starts_on_to=2026-09-30") == [
        "Relance des commerces"
    ]
    # A campaign is started on the campaigns' page (its firms shared out): the admin only lists it.
    assert client.get(reverse("campaigns:add")).status_code in (302, 403)


def test_an_animator_sees_only_their_clubs_campaigns_and_requests(client, two_clubs):
    tanneries, port = two_clubs
    a_campaign(tanneries, "Petit-déjeuner de mars")
    theirs = a_campaign(port, "Relance des commerces")
    a_request(tanneries, "Imprimerie Vasseur", 1)
    other_request = a_request(port, "Garage du Port", 2)
    client.force_login(another_animator(tanneries))
    assert listed(client, "campaigns") == ["Petit-déjeuner de mars"]
    assert listed(client, "join-requests") == ["Imprimerie Vasseur → Club des Tanneries"]
    assert listed(client, "join-requests", f"?club={port.pk}") == []
    assert client.get(reverse("campaigns:inspect", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("join-requests:edit", args=[other_request.pk])).status_code == 404
    assert client.get(reverse("join-requests:inspect", args=[other_request.pk])).status_code == 404


def test_an_administrator_filters_the_requests_by_club_status_and_date(client, administrator, two_clubs):
    tanneries, port = two_clubs
    a_request(tanneries, "Imprimerie Vasseur", 1)
    refused = a_request(port, "Garage du Port", 2, status="refused", refusal_reason="Hors du parc")
    JoinRequest.objects.filter(pk=refused.pk).update(created_at=timezone.now() - datetime.timedelta(days=40))
    client.force_login(administrator)
    assert len(listed(client, "join-requests")) == 2
    assert listed(client, "join-requests", "?status=pending") == ["Imprimerie Vasseur → Club des Tanneries"]
    assert listed(client, "join-requests", f"?club={port.pk}") == ["Garage du Port → Club du Port"]
    since = (timezone.localdate() - datetime.timedelta(days=7)).isoformat()
    assert listed(client, "join-requests", f"?created_at_from={since}") == ["Imprimerie Vasseur → Club des Tanneries"]
    assert listed(client, "join-requests", "?q=garage") == ["Garage du Port → Club du Port"]
    assert client.get(reverse("join-requests:add")).status_code in (302, 403, 404)
    assert client.get(reverse("join-requests:delete", args=[refused.pk])).status_code in (302, 403)
    assert JoinRequest.objects.count() == 2


def test_an_animator_accepts_a_request_in_the_admin_and_the_firm_joins(
    client, two_clubs, django_capture_on_commit_callbacks
):
    tanneries, _port = two_clubs
    join_request = a_request(tanneries, "Imprimerie Vasseur", 3)
    client.force_login(another_animator(tanneries))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("join-requests:edit", args=[join_request.pk]), {"status": "accepted"})
    assert response.status_code == 302, response.content.decode()[-1500:]
    join_request.refresh_from_db()
    assert join_request.status == "accepted" and join_request.organisation is not None
    assert Membership.objects.filter(organisation=join_request.organisation).exists()
    assert any(message.to == [join_request.email] and "Bienvenue" in message.subject for message in mail.outbox)


def test_a_refusal_needs_a_reason_and_an_answered_request_stays_answered(client, administrator, two_clubs):
    tanneries, _port = two_clubs
    join_request = a_request(tanneries, "Imprimerie Vasseur", 4)
    client.force_login(administrator)
    url = reverse("join-requests:edit", args=[join_request.pk])
    response = client.post(url, {"status": "refused", "refusal_reason": "  "})
    assert response.status_code == 200 and "Dites pourquoi" in response.content.decode()
    assert [value for value, _label in client.get(url).context["form"].fields["status"].choices] == [
        "accepted", "refused",
    ]  # fmt: skip
    response = client.post(url, {"status": "pending", "refusal_reason": ""})
    assert response.status_code == 200 and response.context["form"].errors["status"]
    join_request.refresh_from_db()
    assert join_request.status == "pending"
    response = client.post(url, {"status": "refused", "refusal_reason": "Hors du parc"})
    assert response.status_code == 302
    response = client.post(url, {"status": "accepted", "refusal_reason": ""})
    assert response.status_code == 200 and "déjà reçu une réponse" in response.content.decode()
    join_request.refresh_from_db()
    assert (join_request.status, join_request.refusal_reason, join_request.organisation) == (
        "refused", "Hors du parc", None,
    )  # fmt: skip


def test_a_bad_filter_is_refused_without_an_error_page(client, administrator, two_clubs):
    tanneries, _port = two_clubs
    a_request(tanneries, "Imprimerie Vasseur", 5)
    a_campaign(tanneries, "Petit-déjeuner de mars")
    client.force_login(administrator)
    for viewset, query in (
        ("join-requests", "?created_at_from=hier&status=inconnu&club=abc"),
        ("campaigns", "?starts_on_from=31/02/2026&kind=fax&club=999999"),
    ):
        response = client.get(reverse(f"{viewset}:index") + query)
        assert response.status_code == 200
        assert response.context["filters"].errors


def test_an_animator_renames_her_clubs_campaign_and_never_another_clubs(client, two_clubs):
    tanneries, port = two_clubs
    animator = another_animator(tanneries)
    mine, theirs = a_campaign(tanneries, "Petit-déjeuner de mars"), a_campaign(port, "Phoning du port")
    client.force_login(animator)

    response = client.post(
        reverse("campaigns:edit", args=[mine.pk]),
        {"title": "  Petit-déjeuner  d'avril ", "goal": "Dix nouveaux membres", "starts_on": "2026-04-06"},
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert (mine.title, mine.goal, mine.starts_on) == ("Petit-déjeuner d'avril", "Dix nouveaux membres",
                                                       datetime.date(2026, 4, 6))  # fmt: skip

    refused = client.post(reverse("campaigns:edit", args=[mine.pk]), {"title": "   ", "goal": "", "starts_on": "x"})
    assert refused.status_code == 200
    mine.refresh_from_db()
    assert mine.title == "Petit-déjeuner d'avril"

    assert (
        client.post(
            reverse("campaigns:edit", args=[theirs.pk]), {"title": "Pris", "goal": "", "starts_on": "2026-04-06"}
        ).status_code
        == 404
    )
    theirs.refresh_from_db()
    assert theirs.title == "Phoning du port"


def test_a_campaign_is_still_neither_added_nor_deleted_in_the_admin(client, administrator, two_clubs):
    campaign = a_campaign(two_clubs[0], "Petit-déjeuner de mars")
    client.force_login(administrator)
    client.post(reverse("campaigns:delete", args=[campaign.pk]))
    assert Campaign.objects.filter(pk=campaign.pk).exists()
    assert client.get(reverse("campaigns:add")).status_code in (302, 403)
