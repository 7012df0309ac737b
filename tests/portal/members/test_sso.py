"""Single sign-on through a real OpenID provider on loopback (tests/oidc/provider.mjs, npm's oidc-provider):
the portal's pages in Django's test client, the provider's sign-in form over HTTP, the code exchanged by
the portal with the provider for real."""

import base64
import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urljoin, urlsplit

import jwt
import pytest
import requests
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from portal.settings.base import oidc_apps, oidc_providers
from tests.conftest import _free_port
from tests.factories import PASSWORD, PersonFactory
from tests.oidc.server import ACCOUNTS, PROVIDER_ID, OidcProvider, callback_path, missing_reason

pytestmark = [pytest.mark.django_db, pytest.mark.skipif(missing_reason() is not None, reason=missing_reason() or "")]

User = get_user_model()


@pytest.fixture
def provider(settings):
    """The loopback provider, and the portal configured for it as PTCE_OIDC_* would."""
    started = OidcProvider(_free_port(), [f"http://testserver{callback_path()}"], ["http://testserver/"]).start()
    settings.SOCIALACCOUNT_PROVIDERS = oidc_providers(started.environment())
    yield started
    started.stop()


@pytest.fixture
def proconnect(settings):
    """The loopback provider answering as ProConnect does: `usual_name`, no `email_verified`, and a signed
    JWT from its userinfo endpoint; the portal set up as the README says for ProConnect."""
    started = OidcProvider(
        _free_port(), [f"http://testserver{callback_path()}"], ["http://testserver/"], style="proconnect"
    ).start()
    settings.SOCIALACCOUNT_PROVIDERS = oidc_providers({**started.environment(), "PTCE_OIDC_EMAIL_VERIFIED": "1"})
    yield started
    started.stop()


def browser_at_provider() -> requests.Session:
    at_provider = requests.Session()
    at_provider.trust_env = False
    return at_provider


def sign_in_through_provider(client, login: str, at_provider: requests.Session | None = None):
    """The button of the sign-in page, the provider's form (login, any password), back to the portal:
    returns the portal's answer to the callback. `at_provider`: the browser's cookies at the provider."""
    leave = client.post(reverse("openid_connect_login", kwargs={"provider_id": PROVIDER_ID}))
    assert leave.status_code == 302, leave.content
    at_provider = at_provider or browser_at_provider()
    url = leave["Location"]
    for _ in range(10):
        if urlsplit(url).netloc == "testserver":
            return client.get(url.removeprefix("http://testserver"))
        answer = at_provider.get(url, allow_redirects=False)
        if answer.status_code == 200 and 'name="prompt" value="login"' in answer.text:
            answer = at_provider.post(
                url, data={"prompt": "login", "login": login, "password": "peu-importe"}, allow_redirects=False
            )
        assert answer.status_code in (302, 303), answer.text
        url = urljoin(url, answer.headers["Location"])
    raise AssertionError("never came back to the portal")


def test_the_sign_in_page_offers_the_provider_only_when_configured(client, settings):
    assert oidc_apps({}) == []  # PTCE_OIDC_SERVER_URL unset: no single sign-on
    assert "Se connecter avec" not in client.get(reverse("members:login")).content.decode()
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": oidc_apps({"PTCE_OIDC_SERVER_URL": "https://auth.example.org", "PTCE_OIDC_NAME": "ProConnect"})
        }
    }
    page = client.get(reverse("members:login")).content.decode()
    assert "Se connecter avec ProConnect" in page
    assert 'name="password"' in page  # the password form stays


def test_an_unverified_address_never_opens_the_account_of_that_address(client, provider):
    """Written first: a provider that did not check an address must not hand over its account."""
    victim = PersonFactory(user__email=ACCOUNTS["usurpateur"][0], user__username=ACCOUNTS["usurpateur"][0]).user
    response = sign_in_through_provider(client, "usurpateur")
    assert response.status_code == 302 and response["Location"] == reverse("members:login")
    page = client.get(response["Location"]).content.decode()
    assert "n’a pas confirmé votre adresse" in page
    assert "_auth_user_id" not in client.session
    assert not SocialAccount.objects.exists()
    victim.refresh_from_db()
    assert victim.check_password(PASSWORD)  # the owner's password untouched, and it still works
    assert client.post(reverse("members:login"), {"login": victim.email, "password": PASSWORD}).status_code == 302


def test_an_unverified_address_opens_no_new_account_either(client, provider):
    response = sign_in_through_provider(client, "usurpateur")
    assert response["Location"] == reverse("members:login")
    assert not User.objects.filter(email__iexact=ACCOUNTS["usurpateur"][0]).exists()
    assert not SocialAccount.objects.exists()


def test_a_verified_address_opens_a_new_account_with_its_profile(client, provider):
    response = sign_in_through_provider(client, "claire")
    assert response.status_code == 302 and response["Location"] == reverse("members:profile")
    user = User.objects.get(email="claire.martin@example.org")
    assert (user.username, user.first_name, user.last_name) == ("claire.martin@example.org", "Claire", "Martin")
    assert not user.has_usable_password()
    assert EmailAddress.objects.filter(user=user, email=user.email, verified=True, primary=True).exists()
    assert SocialAccount.objects.get(user=user).uid == "claire"
    profile = client.get(reverse("members:profile"))
    assert profile.status_code == 200 and "Claire" in profile.content.decode()

    # Signed out, she comes back the same way: the same account, no second one.
    client.post(reverse("members:logout"))
    assert sign_in_through_provider(client, "claire")["Location"] == reverse("members:profile")
    assert User.objects.filter(email__iexact="claire.martin@example.org").count() == 1


def test_a_verified_address_links_the_existing_account_and_its_password_still_works(client, provider):
    person = PersonFactory(user__email="claire.martin@example.org", user__username="claire.martin@example.org")
    EmailAddress.objects.create(user=person.user, email=person.user.email, verified=True, primary=True)
    response = sign_in_through_provider(client, "claire")
    assert response.status_code == 302 and response["Location"] == reverse("members:profile")
    assert int(client.session["_auth_user_id"]) == person.user.pk
    assert SocialAccount.objects.get(uid="claire").user == person.user
    assert User.objects.count() == 1
    client.post(reverse("members:logout"))
    person.user.refresh_from_db()
    assert client.post(reverse("members:login"), {"login": person.user.email, "password": PASSWORD}).status_code == 302


def test_a_provider_that_does_not_answer_is_said_in_french_and_nothing_is_created(client, provider):
    provider.stop()
    response = client.post(reverse("openid_connect_login", kwargs={"provider_id": PROVIDER_ID}))
    assert response.status_code == 302 and response["Location"] == reverse("members:login")
    page = client.get(response["Location"]).content.decode()
    assert "La connexion avec ProConnect n’a pas abouti" in page
    assert "Aucune modification" in page
    assert not User.objects.exists() and not SocialAccount.objects.exists()


def test_a_provider_that_fails_after_its_form_is_said_in_french_and_nothing_is_created(client, provider):
    """The provider answered the way out, then went down before the portal exchanged the code."""
    leave = client.post(reverse("openid_connect_login", kwargs={"provider_id": PROVIDER_ID}))
    provider.stop()
    state = dict(pair.split("=", 1) for pair in urlsplit(leave["Location"]).query.split("&"))["state"]
    response = client.get(callback_path(), {"code": "un-code", "state": state})
    assert response.status_code == 302 and response["Location"] == reverse("members:login")
    assert "La connexion avec ProConnect n’a pas abouti" in client.get(response["Location"]).content.decode()
    assert not User.objects.exists() and not SocialAccount.objects.exists()


def test_an_unknown_provider_is_not_found(client, provider):
    assert client.post(reverse("openid_connect_login", kwargs={"provider_id": "inconnu"})).status_code == 404
    assert client.get(reverse("openid_connect_login", kwargs={"provider_id": PROVIDER_ID})).status_code == 405


def test_an_account_with_two_factor_authentication_still_asks_for_its_code(client, provider):
    """The provider vouches for the address, not for the second factor the portal asks of this account."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    person = PersonFactory(user__email="claire.martin@example.org", user__username="claire.martin@example.org")
    EmailAddress.objects.create(user=person.user, email=person.user.email, verified=True, primary=True)
    TOTP.activate(person.user, generate_totp_secret())
    response = sign_in_through_provider(client, "claire")
    assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("members:profile")).status_code == 302  # not signed in before the code


def test_an_account_made_by_an_administrator_keeps_its_password_once_linked(client, provider):
    """No address row of allauth's (made in the admin, say): linking records the address, the password stays."""
    person = PersonFactory(user__email="Claire.Martin@example.org", user__username="cmartin")
    assert not EmailAddress.objects.filter(user=person.user).exists()
    assert sign_in_through_provider(client, "claire")["Location"] == reverse("members:profile")
    assert int(client.session["_auth_user_id"]) == person.user.pk
    client.post(reverse("members:logout"))
    person.user.refresh_from_db()
    assert person.user.has_usable_password()
    assert client.post(reverse("members:login"), {"login": "cmartin", "password": PASSWORD}).status_code == 302


def test_without_new_accounts_a_stranger_to_the_portal_is_told_to_ask_for_an_invitation(client, provider, settings):
    """PTCE_OIDC_NEW_ACCOUNTS off (ProConnect: every public agent): accounts come from invitations."""
    settings.SOCIALACCOUNT_PROVIDERS = oidc_providers(provider.environment(new_accounts=False))
    response = sign_in_through_provider(client, "claire")
    assert response["Location"] == reverse("members:login")
    page = client.get(response["Location"]).content.decode()
    assert "Aucun compte du portail n’utilise l’adresse claire.martin@example.org" in page
    assert not User.objects.exists() and not SocialAccount.objects.exists()

    # Once invited (here: the account exists), the same person signs in through the provider.
    person = PersonFactory(user__email="claire.martin@example.org", user__username="claire.martin@example.org")
    assert sign_in_through_provider(client, "claire")["Location"] == reverse("members:profile")
    assert int(client.session["_auth_user_id"]) == person.user.pk


# --- ProConnect's ways: `usual_name`, no `email_verified`, a signed userinfo answer ---------------------------


def test_a_proconnect_agent_gets_an_account_named_from_the_signed_userinfo(client, proconnect):
    """The names come from the userinfo endpoint's signed JWT (the ID token carries none here)."""
    response = sign_in_through_provider(client, "agent")
    assert response.status_code == 302 and response["Location"] == reverse("members:profile")
    user = User.objects.get(email="sophie.bernard@interieur.gouv.fr")
    assert (user.first_name, user.last_name) == ("Sophie", "Bernard")
    assert EmailAddress.objects.filter(user=user, email=user.email, verified=True).exists()
    assert "Sophie" in client.get(reverse("members:profile")).content.decode()


def test_an_invited_agent_is_linked_and_named_on_the_first_sign_in_only(client, proconnect, settings):
    settings.SOCIALACCOUNT_PROVIDERS = oidc_providers(
        {**proconnect.environment(new_accounts=False), "PTCE_OIDC_EMAIL_VERIFIED": "1"}
    )
    email = ACCOUNTS["agent"][0]
    person = PersonFactory(user__email=email, user__username=email, user__first_name="", user__last_name="")
    assert sign_in_through_provider(client, "agent")["Location"] == reverse("members:profile")
    assert int(client.session["_auth_user_id"]) == person.user.pk
    person.user.refresh_from_db()
    assert (person.user.first_name, person.user.last_name) == ("Sophie", "Bernard")

    # She writes her name her own way on her profile: the next sign-in does not undo it.
    person.user.first_name = "Sophie-Anne"
    person.user.save()
    client.post(reverse("members:logout"))
    assert sign_in_through_provider(client, "agent")["Location"] == reverse("members:profile")
    person.user.refresh_from_db()
    assert person.user.first_name == "Sophie-Anne"


def test_an_invited_account_keeps_the_name_it_was_given(client, proconnect):
    email = ACCOUNTS["agent"][0]
    person = PersonFactory(user__email=email, user__username=email, user__first_name="Sophie", user__last_name="Durand")
    assert sign_in_through_provider(client, "agent")["Location"] == reverse("members:profile")
    person.user.refresh_from_db()
    assert (person.user.first_name, person.user.last_name) == ("Sophie", "Durand")


def test_without_trusting_the_provider_an_address_it_does_not_say_verified_opens_nothing(client, proconnect, settings):
    """PTCE_OIDC_EMAIL_VERIFIED off (the default): no `email_verified`, no account."""
    settings.SOCIALACCOUNT_PROVIDERS = oidc_providers(proconnect.environment())
    email = ACCOUNTS["agent"][0]
    PersonFactory(user__email=email, user__username=email)
    response = sign_in_through_provider(client, "agent")
    assert response["Location"] == reverse("members:login")
    assert "n’a pas confirmé votre adresse" in client.get(response["Location"]).content.decode()
    assert "_auth_user_id" not in client.session
    assert not SocialAccount.objects.exists()


def test_trusting_the_provider_never_overrides_an_address_it_says_unverified(client, provider, settings):
    settings.SOCIALACCOUNT_PROVIDERS = oidc_providers({**provider.environment(), "PTCE_OIDC_EMAIL_VERIFIED": "1"})
    victim = PersonFactory(user__email=ACCOUNTS["usurpateur"][0], user__username=ACCOUNTS["usurpateur"][0]).user
    assert sign_in_through_provider(client, "usurpateur")["Location"] == reverse("members:login")
    assert "_auth_user_id" not in client.session
    assert not SocialAccount.objects.filter(user=victim).exists()


# --- A signed userinfo answer that is not the provider's word --------------------------------------------
# A man in the middle of the userinfo call (tests: a loopback server the portal is pointed at) answers a JWT
# of its making. The provider signs with a key the test gave it, so a forger can sign "as the provider" with
# a wrong issuer, audience or expiry, to check each claim is checked and not only the signature.


def _rsa_jwk(kid: str):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key, {**json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key)), "kid": kid, "alg": "RS256", "use": "sig"}


KID = "cle-du-fournisseur"
PROVIDER_KEY, PROVIDER_JWK = _rsa_jwk(KID)
OTHER_KEY, _other = _rsa_jwk(KID)  # the same key id, not the provider's key
VICTIM = ACCOUNTS["claire"][0]


def _signed(claims: dict, key=PROVIDER_KEY) -> str:
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": KID})


def _payload_changed(credential: str, claims: dict) -> str:
    header, _payload, signature = credential.split(".")
    forged = base64.urlsafe_b64encode(json.dumps({**claims, "email": VICTIM}).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


FORGERIES = {
    "payload changed, signature kept": _payload_changed,
    "signed by another key": lambda credential, claims: _signed({**claims, "email": VICTIM}, OTHER_KEY),
    "another issuer": lambda credential, claims: _signed({**claims, "email": VICTIM, "iss": "https://faux.example"}),
    "another audience": lambda credential, claims: _signed({**claims, "email": VICTIM, "aud": "un-autre-portail"}),
    # The classic confusion: an HMAC "signature" whose algorithm the token's own header names.
    "algorithm switched to HS256": lambda credential, claims: jwt.encode(
        {**claims, "email": VICTIM}, "cle-publique-du-fournisseur-prise-pour-un-secret", "HS256", headers={"kid": KID}
    ),
    "expired": lambda credential, claims: _signed(
        {**claims, "email": VICTIM, "iat": int(time.time()) - 7200, "exp": int(time.time()) - 3600}
    ),
}


class _UserinfoForger(ThreadingHTTPServer):
    """Answers the portal's userinfo call with `forge(real credential, its claims)`, after asking the
    provider's real userinfo endpoint with the portal's access token."""

    def __init__(self, real_endpoint: str, forge):
        self.real_endpoint, self.forge = real_endpoint, forge
        super().__init__(("127.0.0.1", _free_port()), _ForgerHandler)
        self.url = f"http://127.0.0.1:{self.server_port}/userinfo"


class _ForgerHandler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's name)
        real = browser_at_provider().get(
            self.server.real_endpoint, headers={"Authorization": self.headers["Authorization"]}, timeout=5
        )
        credential = real.text.strip()
        body = self.server.forge(credential, jwt.decode(credential, options={"verify_signature": False})).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/jwt")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def forged_userinfo(settings):
    """`forged_userinfo(forge)`: the ProConnect-style provider, with the portal's userinfo calls answered
    by a forger (the rest of the sign-in goes to the provider for real)."""
    started = OidcProvider(
        _free_port(),
        [f"http://testserver{callback_path()}"],
        ["http://testserver/"],
        style="proconnect",
        jwks={"keys": [{**json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(PROVIDER_KEY)), "kid": KID, "use": "sig"}]},
    ).start()
    servers = []

    def point_at_forger(forge):
        real = browser_at_provider().get(f"{started.issuer}/.well-known/openid-configuration", timeout=5).json()
        forger = _UserinfoForger(real["userinfo_endpoint"], forge)
        threading.Thread(target=forger.serve_forever, daemon=True).start()
        servers.append(forger)
        providers = oidc_providers({**started.environment(), "PTCE_OIDC_EMAIL_VERIFIED": "1"})
        providers["openid_connect"]["APPS"][0]["settings"]["openid_configuration_overrides"] = {
            "userinfo_endpoint": forger.url
        }
        settings.SOCIALACCOUNT_PROVIDERS = providers

    yield point_at_forger
    for forger in servers:
        forger.shutdown()
        forger.server_close()
    started.stop()


def test_a_userinfo_answer_signed_again_by_the_provider_key_signs_in(client, forged_userinfo):
    """The forger's harness itself: the provider's own claims signed with the provider's key are accepted."""
    forged_userinfo(lambda credential, claims: _signed(claims))
    assert sign_in_through_provider(client, "agent")["Location"] == reverse("members:profile")
    assert User.objects.get(pk=client.session["_auth_user_id"]).email == ACCOUNTS["agent"][0]


@pytest.mark.parametrize("forgery", list(FORGERIES))
def test_a_forged_signed_userinfo_answer_signs_nobody_in_and_creates_nothing(client, forged_userinfo, forgery):
    victim = PersonFactory(user__email=VICTIM, user__username=VICTIM).user
    forged_userinfo(FORGERIES[forgery])
    response = sign_in_through_provider(client, "agent")
    assert response.status_code == 302 and response["Location"] == reverse("members:login")
    page = client.get(response["Location"]).content.decode()
    assert "La connexion avec ProConnect n’a pas abouti" in page and "Aucune modification" in page
    assert "_auth_user_id" not in client.session
    assert list(User.objects.all()) == [victim]
    assert not SocialAccount.objects.exists() and not EmailAddress.objects.exists()


# --- Signing out at the provider (RP-initiated logout) ---------------------------------------------------


def sign_out_at_provider(at_provider: requests.Session, url: str) -> str:
    """The provider's sign-out page, its confirmation submitted: returns where it sends the browser back."""
    page = at_provider.get(url, allow_redirects=False)
    assert page.status_code == 200, page.text
    action = re.search(r'<form[^>]*action="([^"]+)"', page.text).group(1)
    xsrf = re.search(r'name="xsrf" value="([^"]+)"', page.text).group(1)
    fields = {"xsrf": xsrf, "logout": "yes"}  # its button "Yes, sign me out"
    answer = at_provider.post(urljoin(url, action), data=fields, allow_redirects=False)
    assert answer.status_code in (302, 303), answer.text
    return answer.headers["Location"]


@pytest.mark.parametrize("fixture", ["provider", "proconnect"])
def test_signing_out_signs_out_at_the_provider_too_and_comes_back(client, fixture, request):
    started = request.getfixturevalue(fixture)
    at_provider = browser_at_provider()
    login = "claire" if fixture == "provider" else "agent"
    assert sign_in_through_provider(client, login, at_provider)["Location"] == reverse("members:profile")

    out = client.post(reverse("members:logout"))
    assert out.status_code == 302
    assert out["Location"].startswith(f"{started.issuer}/session/end?")
    assert "id_token_hint=" in out["Location"]
    assert "_auth_user_id" not in client.session  # signed out of the portal at once
    assert sign_out_at_provider(at_provider, out["Location"]) == "http://testserver/"

    # Signed out at the provider too: signing in again asks the provider's form again.
    leave = client.post(reverse("openid_connect_login", kwargs={"provider_id": PROVIDER_ID}))
    url = leave["Location"]
    for _ in range(5):
        answer = at_provider.get(url, allow_redirects=False)
        if answer.status_code == 200:
            break
        url = urljoin(url, answer.headers["Location"])
    assert 'name="prompt" value="login"' in answer.text


def test_a_password_sign_in_signs_out_of_the_portal_only(client, provider):
    person = PersonFactory()
    assert client.post(reverse("members:login"), {"login": person.user.email, "password": PASSWORD}).status_code == 302
    out = client.post(reverse("members:logout"))
    assert out.status_code == 302 and out["Location"] == "/"
    assert "_auth_user_id" not in client.session


def test_a_provider_down_at_sign_out_still_signs_out_of_the_portal(client, provider):
    assert sign_in_through_provider(client, "claire")["Location"] == reverse("members:profile")
    provider.stop()
    out = client.post(reverse("members:logout"))
    assert out.status_code == 302 and out["Location"] == "/"
    assert "_auth_user_id" not in client.session


def test_signing_out_reads_the_provider_discovery_once_for_a_while(provider):
    """The first sign-out reads where the provider ends sessions and keeps it: a provider that went down
    since is not asked again (the person leaves the portal signed out and is sent to end the provider's
    session). Once the time-out passed it is read again: down, the portal alone signs the person out."""
    first, second, third = Client(), Client(), Client()
    for browser in (first, second, third):
        assert sign_in_through_provider(browser, "claire")["Location"] == reverse("members:profile")
    assert first.post(reverse("members:logout"))["Location"].startswith(f"{provider.issuer}/session/end?")
    provider.stop()

    out = second.post(reverse("members:logout"))
    assert out["Location"].startswith(f"{provider.issuer}/session/end?") and "id_token_hint=" in out["Location"]
    assert "_auth_user_id" not in second.session

    cache.clear()  # the time-out passed
    out = third.post(reverse("members:logout"))
    assert out.status_code == 302 and out["Location"] == "/"
    assert "_auth_user_id" not in third.session


def test_after_the_second_factor_signing_out_still_signs_out_at_the_provider(client, provider):
    from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value

    person = PersonFactory(user__email="claire.martin@example.org", user__username="claire.martin@example.org")
    EmailAddress.objects.create(user=person.user, email=person.user.email, verified=True, primary=True)
    secret = generate_totp_secret()
    TOTP.activate(person.user, secret)
    assert sign_in_through_provider(client, "claire")["Location"] == reverse("mfa_authenticate")
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    assert client.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302
    assert int(client.session["_auth_user_id"]) == person.user.pk
    out = client.post(reverse("members:logout"))
    assert out["Location"].startswith(f"{provider.issuer}/session/end?")
