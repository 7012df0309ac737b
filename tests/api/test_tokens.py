"""Personal tokens: created from the profile (shown once, stored hashed), revoked at once, scoped to
what their owner may read; rate-limited per token; erased with the account."""

import datetime

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from cms.events import services as event_services
from knowledge.exchange import services as exchange_services
from portal.api.models import ApiToken
from portal.privacy import services as privacy_services
from tests.cms.pages import add_event
from tests.factories import MessageFactory, WorkgroupFactory, WorkgroupMembershipFactory
from workgroups.models import Meeting

pytestmark = pytest.mark.django_db


def test_a_member_creates_a_token_on_the_profile_page_and_sees_it_once(client, member):
    client.force_login(member)
    assert reverse("api_tokens:list") in client.get(reverse("members:profile")).content.decode()

    created = client.post(reverse("api_tokens:list"), {"name": "Mon agenda"})

    page = created.content.decode()
    token = ApiToken.objects.get(person=member.person)
    secret = page.split('id="new-token" type="text" readonly value="')[1].split('"')[0]
    assert secret.startswith("ptce_") and token.prefix in secret
    assert secret not in token.token_hash  # only a digest is stored
    assert "ne sera plus affiché" in page
    assert secret not in client.get(reverse("api_tokens:list")).content.decode()
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).json()["email"] == member.email


def test_a_revoked_token_answers_401_at_once(client, member, token_of):
    secret = token_of(member)
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    client.force_login(member)

    client.post(reverse("api_tokens:revoke", args=[ApiToken.objects.get().pk]))

    client.logout()
    answer = client.get("/api/v1/me", headers=headers)
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "unauthorized"
    assert answer["WWW-Authenticate"].startswith("Bearer")


def test_nobody_revokes_another_members_token(client, member, other_member, token_of):
    token_of(member)
    client.force_login(other_member)

    answer = client.post(reverse("api_tokens:revoke", args=[ApiToken.objects.get().pk]))

    assert answer.status_code == 404
    assert ApiToken.objects.get().revoked_at is None


def test_a_deactivated_account_loses_its_tokens_at_once(client, member, token_of):
    headers = {"Authorization": f"Bearer {token_of(member)}"}
    member.is_active = False
    member.save()

    assert client.get("/api/v1/me/workgroups", headers=headers).status_code == 401


def test_without_a_token_the_personal_endpoints_answer_401(client):
    for path in (
        "/api/v1/me",
        "/api/v1/me/workgroups",
        "/api/v1/me/registrations",
        "/api/v1/me/meetings",
        "/api/v1/me/sheets",
    ):
        answer = client.get(path)
        assert answer.status_code == 401, path
        assert "jeton" in answer.json()["error"]["message"]


def test_a_member_reads_the_unread_messages_of_their_workgroup(client, member, bearer):
    workgroup = WorkgroupFactory()
    MessageFactory(workgroup=workgroup, body="Déjà lu")
    WorkgroupMembershipFactory(workgroup=workgroup, person=member.person, last_read_sequence=1)
    MessageFactory(workgroup=workgroup, body="Nouveau 1")
    MessageFactory(workgroup=workgroup, body="Nouveau 2")

    groups = client.get("/api/v1/me/workgroups", headers=bearer).json()["results"]
    assert [(group["slug"], group["unread"]) for group in groups] == [(workgroup.slug, 2)]
    url = f"/api/v1/me/workgroups/{workgroup.slug}/messages"
    first = client.get(url, {"after": groups[0]["last_read_sequence"], "limit": 1}, headers=bearer).json()
    rest = client.get(url, {"after": first["next_after"]}, headers=bearer).json()

    assert [message["body"] for message in first["results"] + rest["results"]] == ["Nouveau 1", "Nouveau 2"]
    assert rest["next_after"] is None


def test_a_token_never_reads_another_workgroups_messages(client, member, bearer):
    mine = WorkgroupFactory()
    WorkgroupMembershipFactory(workgroup=mine, person=member.person)
    theirs = WorkgroupFactory()
    MessageFactory(workgroup=theirs, body="Secret")

    answer = client.get(f"/api/v1/me/workgroups/{theirs.slug}/messages", headers=bearer)

    assert answer.status_code == 404
    assert "Secret" not in answer.content.decode()
    assert client.get(f"/api/v1/me/workgroups/{mine.slug}/messages", headers=bearer).status_code == 200


def test_a_member_reads_their_registrations(client, member, bearer, agenda):
    event = add_event(agenda, days=3, title="Atelier vélo")
    event_services.registration_create(event=event, name="Camille", email=member.email, person=member.person)
    other = add_event(agenda, days=4, title="Pas pour moi")
    event_services.registration_create(event=other, name="Quelqu'un", email="autre@example.org")

    results = client.get("/api/v1/me/registrations", headers=bearer).json()["results"]

    assert [(item["event"], item["status"]) for item in results] == [("Atelier vélo", "confirmed")]


def test_a_member_reads_the_coming_meetings_of_their_workgroups_only(client, member, bearer):
    mine, other = WorkgroupFactory(name="Commission RSE"), WorkgroupFactory()
    WorkgroupMembershipFactory(workgroup=mine, person=member.person)
    now = timezone.now()
    for days, title in ((9, "Atelier"), (2, "Réunion de rentrée"), (-3, "Déjà passée")):
        Meeting.objects.create(workgroup=mine, title=title, starts_at=now + datetime.timedelta(days=days))
    Meeting.objects.create(workgroup=other, title="Pas mon groupe", starts_at=now + datetime.timedelta(days=1))

    first = client.get("/api/v1/me/meetings", {"limit": 1}, headers=bearer).json()
    assert [(item["title"], item["workgroup_name"]) for item in first["results"]] == [
        ("Réunion de rentrée", "Commission RSE")
    ]
    rest = client.get("/api/v1/me/meetings", {"cursor": first["next_cursor"]}, headers=bearer).json()
    assert [item["title"] for item in rest["results"]] == ["Atelier"] and rest["next_cursor"] is None


def test_a_member_reads_only_their_organisations_sheets(client, member, organisation, other_member, bearer):
    exchange_services.sheet_create(
        by=member, organisation=organisation, direction="offer", category="waste", title="Nos chutes", description="."
    )
    exchange_services.sheet_create(
        by=other_member, organisation=other_member.person.organisation, direction="need", category="waste",
        title="Leur besoin", description=".",
    )  # fmt: skip

    titles = [item["title"] for item in client.get("/api/v1/me/sheets", headers=bearer).json()["results"]]

    assert titles == ["Nos chutes"]


@override_settings(PORTAL_API_RATES={"token": "3/m", "anonymous": "100/m"})
def test_each_token_has_its_own_rate(client, member, token_of):
    first = {"Authorization": f"Bearer {token_of(member)}"}
    second = {"Authorization": f"Bearer {token_of(member, 'Autre')}"}
    for _ in range(3):
        assert client.get("/api/v1/me", headers=first).status_code == 200

    refused = client.get("/api/v1/me", headers=first)

    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "rate_limited"
    assert int(refused["Retry-After"]) >= 1
    assert client.get("/api/v1/me", headers=second).status_code == 200


def test_deleting_the_account_erases_its_tokens_and_the_export_lists_them(member, token_of):
    token_of(member, "Mon agenda")
    person = member.person
    assert "Mon agenda" in str(privacy_services.data_sections(person))

    privacy_services.account_delete(person=person, by=member)

    assert not ApiToken.objects.exists()


@override_settings(PORTAL_REQUIRE_TWO_FACTOR=True)
def test_staff_who_must_use_two_factor_cannot_bypass_it_with_a_token(client, token_of):
    """An administrator's token reads what she reads; until she sets up her second factor, the site
    sends her to its setup and no socket opens: the API refuses her token the same way, in French."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from portal.members.models import PersonRole
    from tests.factories import PersonFactory

    administrator = PersonFactory(role=PersonRole.ADMINISTRATOR).user
    headers = {"Authorization": f"Bearer {token_of(administrator)}"}

    refused = client.get("/api/v1/me", headers=headers)
    assert refused.status_code == 403
    assert "double authentification" in refused.json()["error"]["message"]

    TOTP.activate(administrator, generate_totp_secret())
    assert client.get("/api/v1/me", headers=headers).status_code == 200
