"""Signing in and out, password reset, profile and invitations, as a person uses them."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from portal.members import services
from portal.members.models import Invitation, Person, PersonRole
from tests.factories import PASSWORD


def test_sign_in_with_email_then_sign_out(client, member):
    response = client.post(reverse("members:login"), {"login": member.email.upper(), "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("members:profile")
    assert client.get(reverse("members:profile")).status_code == 200
    client.post(reverse("members:logout"))
    assert client.get(reverse("members:profile")).status_code == 302


def test_wrong_password_shows_a_french_error(client, member):
    response = client.post(reverse("members:login"), {"login": member.email, "password": "nope"})
    assert response.status_code == 200
    assert "Saisissez" in response.content.decode() or "correct" in response.content.decode()


def test_password_reset_by_email(client, member):
    client.post(reverse("members:password_reset"), {"email": member.email})
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Votre nouveau mot de passe sur Portail PTCE"
    link = re.search(r"https?://[^/]+(/compte/mot-de-passe/cle/\S+)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"password1": "Une-phrase-de-passe-2026", "password2": "Une-phrase-de-passe-2026"},
    )
    assert response.status_code == 302
    assert client.login(username=member.username, password="Une-phrase-de-passe-2026")


def test_a_reset_link_sent_before_the_move_to_allauth_still_works(client, member):
    """E-mails sent before this release carry Django's own token: their links work until they expire."""
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    link = reverse(
        "members:password_reset_confirm",
        args=[urlsafe_base64_encode(force_bytes(member.pk)), default_token_generator.make_token(member)],
    )
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Une-phrase-de-passe-2026", "new_password2": "Une-phrase-de-passe-2026"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("members:password_reset_complete")
    assert client.login(username=member.username, password="Une-phrase-de-passe-2026")


def test_profile_shows_organisation_and_saves_changes(client, member, organisation):
    client.force_login(member)
    page = client.get(reverse("members:profile")).content.decode()
    assert organisation.name in page
    response = client.post(
        reverse("members:profile"),
        {"first_name": "Léa", "last_name": "Fontaine", "job_title": "Gérante", "phone": "0102030405"},
    )
    assert response.status_code == 302
    person = Person.objects.select_related("user").get(user=member)
    assert (person.user.first_name, person.job_title) == ("Léa", "Gérante")


@pytest.fixture
def invite(client, django_capture_on_commit_callbacks):
    """Posts the invitation form as `inviter`; e-mails leave on commit, as in production."""

    def post(inviter, organisation, email="nouvelle@example.org", **extra):
        client.force_login(inviter)
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                reverse("members:organisation_invite", args=[organisation.slug]), {"email": email, **extra}
            )

    return post


def accept_link(message) -> str:
    return re.search(r"https?://[^/]+(/compte/invitation/\S+/)", message.body).group(1)


def test_member_invites_a_colleague_who_creates_an_account_once(client, invite, member, organisation):
    response = invite(member, organisation)
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["nouvelle@example.org"]
    link = accept_link(mail.outbox[0])
    client.logout()

    form = client.get(link)
    assert form.status_code == 200 and organisation.name in form.content.decode()
    mismatch = client.post(
        link, {"first_name": "Nina", "last_name": "Petit", "password1": "Bonjour-2026!", "password2": "autre"}
    )
    assert mismatch.status_code == 200 and not Person.objects.filter(user__email="nouvelle@example.org").exists()

    done = client.post(
        link, {"first_name": "Nina", "last_name": "Petit", "password1": "Bonjour-2026!", "password2": "Bonjour-2026!"}
    )
    assert done.status_code == 302
    person = Person.objects.get(user__email="nouvelle@example.org")
    assert person.organisation == organisation and person.role == PersonRole.MEMBER
    client.logout()
    again = client.get(link)
    assert again.status_code == 410 and "déjà été utilisé" in again.content.decode()


def test_invitation_link_expires(client, invite, member, organisation):
    invite(member, organisation)
    Invitation.objects.update(expires_at=timezone.now() - timezone.timedelta(minutes=1))
    client.logout()
    assert client.get(accept_link(mail.outbox[0])).status_code == 410


def test_tampered_invitation_token_is_refused(client, db):
    assert client.get(reverse("members:invitation_accept", args=["not-a-real-token"])).status_code == 410


def test_member_cannot_invite_to_another_organisation_nor_grant_roles(
    client, invite, member, other_organisation, organisation
):
    assert invite(member, other_organisation).status_code == 403
    # A member's form has no role field: a forged one is ignored.
    invite(member, organisation, email="x@example.org", role=PersonRole.ADMINISTRATOR)
    assert Invitation.objects.get(email="x@example.org").role == PersonRole.MEMBER
    assert len(mail.outbox) == 1


def test_administrator_invites_a_coordinator(client, invite, administrator, organisation):
    invite(administrator, organisation, email="coord@example.org", role=PersonRole.COORDINATOR)
    assert Invitation.objects.get(email="coord@example.org").role == PersonRole.COORDINATOR


def test_invitation_email_leaves_only_after_commit(db, member, organisation, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.invitation_create(
            email="a@example.org", organisation=organisation, by=member, base_url="http://testserver"
        )
    assert len(mail.outbox) == 0 and len(callbacks) == 1
    callbacks[0]()
    assert len(mail.outbox) == 1
