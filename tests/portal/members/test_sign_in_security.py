"""Accounts that resist attacks (#16): sign-in throttled per account and per address with a French
lockout and a way out, the admin's sign-in through the same door, the password reset and the account
deletion's password check throttled too, and the password changed from the profile."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from tests.factories import PASSWORD, PersonFactory

LOCKED = "Trop de tentatives échouées"
MISMATCH = "incorrects"  # allauth's "L’adresse e-mail et/ou le mot de passe … sont incorrects."
HOME = "192.0.2.10"  # the addresses the test client claims to come from (REMOTE_ADDR)
ELSEWHERE = "198.51.100.20"


@pytest.fixture(autouse=True)
def _fresh_counters():
    """The failure counters live in the default cache: each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def camille(db):
    return PersonFactory(user__email="camille.martin@example.org").user


@pytest.fixture
def dominique(db):
    return PersonFactory(user__email="dominique.roux@example.org").user


def sign_in(client, login, password, address=HOME, **data):
    return client.post(reverse("members:login"), {"login": login, "password": password, **data}, REMOTE_ADDR=address)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def fail(client, login, times, address=HOME):
    for _ in range(times):
        response = sign_in(client, login, "pas-le-bon-mot-de-passe", address)
        assert response.status_code == 200 and not signed_in(client)


def test_five_failures_lock_the_account_even_with_the_right_password(client, camille):
    fail(client, camille.email, 4)
    assert MISMATCH in sign_in(client, camille.email, "encore-faux").content.decode()

    refused = sign_in(client, camille.email, PASSWORD)
    page = refused.content.decode()
    assert refused.status_code == 200 and not signed_in(client)
    assert LOCKED in page and "Mot de passe oublié" in page
    assert reverse("members:password_reset") in page
    # Typed in capitals, or from another connection: the same account, still locked.
    assert LOCKED in sign_in(client, camille.email.upper(), PASSWORD, ELSEWHERE).content.decode()
    assert not signed_in(client)


def test_a_locked_account_leaves_other_accounts_and_addresses_alone(client, camille, dominique):
    fail(client, camille.email, 5)
    assert LOCKED in sign_in(client, camille.email, PASSWORD).content.decode()

    response = sign_in(client, dominique.email, PASSWORD)  # same connection, another account
    assert response.status_code == 302 and signed_in(client)


def test_ten_failures_from_one_address_lock_that_address_only(client, camille, dominique):
    strangers = [f"inconnu{n}@example.org" for n in range(10)]
    for login in strangers:
        fail(client, login, 1)

    assert LOCKED in sign_in(client, camille.email, PASSWORD).content.decode()
    assert not signed_in(client)
    response = sign_in(client, camille.email, PASSWORD, ELSEWHERE)
    assert response.status_code == 302 and signed_in(client)


def test_a_password_reset_lifts_the_lock(client, camille):
    fail(client, camille.email, 5)
    client.post(reverse("members:password_reset"), {"email": camille.email}, REMOTE_ADDR=HOME)
    assert "lève aussi le blocage" in mail.outbox[-1].body
    link = re.search(r"https?://[^/]+(/compte/mot-de-passe/cle/\S+)", mail.outbox[-1].body).group(1)
    form_page = client.get(link, follow=True)
    new_password = "Une-autre-phrase-2026"
    client.post(form_page.redirect_chain[-1][0], {"password1": new_password, "password2": new_password})

    response = sign_in(client, camille.email, new_password)
    assert response.status_code == 302 and signed_in(client)


def test_password_reset_requests_are_throttled_per_address_typed(client, camille):
    for _ in range(3):
        response = client.post(reverse("members:password_reset"), {"email": camille.email}, REMOTE_ADDR=HOME)
        assert response.status_code == 302
    assert len(mail.outbox) == 3

    refused = client.post(reverse("members:password_reset"), {"email": camille.email}, REMOTE_ADDR=ELSEWHERE)
    assert refused.status_code == 429 and "Trop de demandes" in refused.content.decode()
    assert len(mail.outbox) == 3


def test_the_admin_sign_in_page_leads_to_the_sites(client, camille):
    page = client.get("/admin/login/?next=/admin/pages/")
    assert page.status_code == 302
    assert page["Location"] == reverse("members:login") + "?next=%2Fadmin%2Fpages%2F"
    # Credentials posted to the old page are never checked.
    posted = client.post("/admin/login/", {"username": camille.email, "password": PASSWORD})
    assert posted.status_code == 302 and posted["Location"].startswith(reverse("members:login"))
    assert not signed_in(client)
    # Signing in to reach the admin is refused when the site's sign-in is.
    assert client.get("/admin/")["Location"].startswith(reverse("members:login"))
    assert client.get("/admin/password_reset/")["Location"] == reverse("members:password_reset")


def test_an_administrator_locked_out_cannot_reach_the_admin(client, administrator):
    fail(client, administrator.email, 5)
    response = client.post(
        reverse("members:login"), {"login": administrator.email, "password": PASSWORD, "next": "/admin/"}
    )
    assert LOCKED in response.content.decode() and not signed_in(client)
    cache.clear()  # the lock has run out
    response = client.post(
        reverse("members:login"), {"login": administrator.email, "password": PASSWORD, "next": "/admin/"}
    )
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_the_account_deletion_password_check_counts_toward_the_lock(client, camille):
    client.force_login(camille)
    url = reverse("privacy:account_delete")
    for _ in range(5):
        page = client.post(url, {"password": "pas-le-bon", "confirm": "on"}, REMOTE_ADDR=HOME)
        assert page.status_code == 200
    refused = client.post(url, {"password": PASSWORD, "confirm": "on"}, REMOTE_ADDR=HOME)
    assert LOCKED in refused.content.decode()
    camille.refresh_from_db()
    assert camille.is_active and camille.email == "camille.martin@example.org"
    # …and so is signing in, from anywhere.
    client.logout()
    assert LOCKED in sign_in(client, camille.email, PASSWORD, ELSEWHERE).content.decode()


def test_a_member_changes_their_password_from_the_profile(client, camille):
    sign_in(client, camille.email, PASSWORD)
    profile = client.get(reverse("members:profile")).content.decode()
    assert reverse("members:password_change") in profile and "Changer mon mot de passe" in profile

    page = client.get(reverse("members:password_change"))
    assert page.status_code == 200 and "Mot de passe actuel" in page.content.decode()
    wrong = client.post(
        reverse("members:password_change"),
        {"oldpassword": "pas-le-bon", "password1": "Une-phrase-neuve-2026", "password2": "Une-phrase-neuve-2026"},
    )
    assert wrong.status_code == 200 and "Mot de passe actuel" in wrong.content.decode()
    done = client.post(
        reverse("members:password_change"),
        {"oldpassword": PASSWORD, "password1": "Une-phrase-neuve-2026", "password2": "Une-phrase-neuve-2026"},
        follow=True,
    )
    assert done.redirect_chain[-1][0] == reverse("members:profile") and signed_in(client)
    assert any("mot de passe" in message.subject.lower() for message in mail.outbox)  # the owner is told

    client.logout()
    assert sign_in(client, camille.email, PASSWORD).status_code == 200 and not signed_in(client)
    assert sign_in(client, camille.email, "Une-phrase-neuve-2026").status_code == 302 and signed_in(client)


def test_the_sign_in_form_keeps_its_labels_and_the_next_page(client, camille):
    page = client.get(reverse("members:login") + "?next=/groupes/").content.decode()
    assert "Adresse e-mail" in page and "Mot de passe" in page and 'value="/groupes/"' in page
    response = client.post(
        reverse("members:login"), {"login": camille.email, "password": PASSWORD, "next": "/groupes/"}
    )
    assert response["Location"] == "/groupes/"


def test_an_invited_colleague_signs_in_with_the_address_in_any_case(
    client, member, organisation, django_capture_on_commit_callbacks
):
    from allauth.account.models import EmailAddress

    from portal.members import services

    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_create(email="Nina.Petit@Example.org", organisation=organisation, by=member, base_url="")
    token = re.search(r"/compte/invitation/(\S+)/", mail.outbox[-1].body).group(1)
    client.post(
        reverse("members:invitation_accept", args=[token]),
        {"first_name": "Nina", "last_name": "Petit", "password1": "Bonjour-2026!", "password2": "Bonjour-2026!"},
    )
    assert EmailAddress.objects.filter(email="nina.petit@example.org", verified=True, primary=True).exists()
    client.logout()
    response = sign_in(client, "NINA.PETIT@example.org", "Bonjour-2026!")
    assert response.status_code == 302 and signed_in(client)
