"""Single sign-on (OpenID Connect): django-allauth's openid_connect provider, with what ProConnect needs and
allauth does not do (README "Single sign-on"):

- ProConnect's surname claim is `usual_name` (not `family_name`);
- it may send no `email_verified`: the app setting `emails_verified` (PTCE_OIDC_EMAIL_VERIFIED) counts such an
  address as verified (an explicit `email_verified: false` never is);
- its userinfo endpoint answers a signed JWT (application/jwt), checked against the provider's keys;
- signing out of the portal signs out at the provider too (RP-initiated logout: its end_session_endpoint,
  with id_token_hint and post_logout_redirect_uri) when the person signed in through it.

Set as the provider class in settings (`oidc_providers`); the portal's sign-in and callback views
(portal.members.views.sso_login, sso_callback) go through `login` and `callback` here.
"""

import hashlib
import logging
from urllib.parse import urlencode

import jwt
import requests
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.models import SocialAccount, SocialApp
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from allauth.socialaccount.providers.openid_connect import provider as allauth_provider
from allauth.socialaccount.providers.openid_connect import views as allauth_views
from django.core.cache import cache
from django.http import Http404

logger = logging.getLogger("portal.accounts")

# The algorithms a signed userinfo answer may use: the provider's published keys are public keys.
SIGNING_ALGORITHMS = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)

# How long signing out trusts the provider's discovery document it read (its end_session_endpoint).
DISCOVERY_CACHE_SECONDS = 3600

# In the session from the provider's callback: what signing out at the provider needs.
SESSION_KEY = "ptce_sso_sign_out"


def _claims(data: dict) -> dict:
    """The person's claims among what the provider answered (userinfo first, else the ID token's)."""
    return data.get("userinfo") or data.get("id_token") or data


class OpenIDConnectOAuth2Adapter(allauth_views.OpenIDConnectOAuth2Adapter):
    def _fetch_user_info(self, access_token: str) -> dict:
        with get_adapter().get_requests_session() as session:
            response = session.get(self.profile_url, headers={"Authorization": f"Bearer {access_token}"})
            response.raise_for_status()
        if response.headers.get("Content-Type", "").split(";")[0].strip().lower() == "application/jwt":
            return self._signed_user_info(response.text.strip())
        return response.json()

    def _signed_user_info(self, credential: str) -> dict:
        """A userinfo answer signed by the provider (ProConnect's): decoded once, its signature checked
        against the keys the provider publishes with a public-key algorithm only (never an HMAC the token's
        own header would ask for), its expiry checked; its issuer and audience, when it names them, must be
        the provider and the portal."""
        try:
            algorithm, key = jwtkit.fetch_key(credential, self.openid_config["jwks_uri"], jwtkit.lookup_kid_jwk)
            if algorithm not in SIGNING_ALGORITHMS:
                raise OAuth2Error(f"Userinfo signed with {algorithm!r}, not a public-key algorithm")
            claims = jwt.decode(credential, key=key, algorithms=[algorithm], options={"verify_aud": False})
        except (jwt.PyJWTError, KeyError) as error:  # KeyError: a header without its key id
            raise OAuth2Error("Invalid signed userinfo") from error
        if "iss" in claims and claims["iss"] != self.openid_config["issuer"]:
            raise OAuth2Error("Signed userinfo from another issuer")
        if "aud" in claims:
            audience = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
            if self.get_provider().app.client_id not in audience:
                raise OAuth2Error("Signed userinfo for another audience")
        return claims

    def complete_login(self, request, app, token, **kwargs):
        login = super().complete_login(request, app, token, **kwargs)
        id_token = kwargs["response"].get("id_token")
        if id_token:
            # Kept for signing out at the provider; used only if this provider account ends up the one signed
            # in (sign_out_url checks it), so a refused or abandoned sign-in leaves nothing usable.
            request.session[SESSION_KEY] = {
                "provider_id": self.provider_id,
                "uid": login.account.uid,
                "id_token": id_token,
            }
        return login


class OpenIDConnectProvider(allauth_provider.OpenIDConnectProvider):
    oauth2_adapter_class = OpenIDConnectOAuth2Adapter

    def extract_common_fields(self, data):
        fields = super().extract_common_fields(data)
        if not fields.get("last_name"):
            fields["last_name"] = _claims(data).get("usual_name")  # ProConnect's surname
        return fields

    def extract_email_addresses(self, data):
        addresses = super().extract_email_addresses(data)
        if self.app.settings.get("emails_verified") and "email_verified" not in _claims(data):
            for address in addresses:
                address.verified = True
        return addresses


def _view(view_class, request, provider_id):
    try:
        return view_class.adapter_view(OpenIDConnectOAuth2Adapter(request, provider_id))(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None


def login(request, provider_id):
    return _view(OAuth2LoginView, request, provider_id)


def callback(request, provider_id):
    return _view(OAuth2CallbackView, request, provider_id)


def _end_session_endpoint(adapter) -> str:
    """The provider's end_session_endpoint ("" if it has none), from its discovery document read at most
    once per DISCOVERY_CACHE_SECONDS (Django's cache, keyed by the document's address): signing out does
    not wait for the provider each time. Raises what requests raises when the provider does not answer
    and nothing is cached."""
    key = "ptce:oidc:end-session:" + hashlib.sha256(adapter.get_provider().server_url.encode()).hexdigest()
    endpoint = cache.get(key)
    if endpoint is None:
        endpoint = adapter.openid_config.get("end_session_endpoint") or ""
        cache.set(key, endpoint, DISCOVERY_CACHE_SECONDS)
    return endpoint


def sign_out_url(request, after: str) -> str | None:
    """Where signing out sends the person: the provider's end_session_endpoint, back to `after` (an address
    of the portal), when the account signed in through a provider that has one; else None (signed out of
    the portal only). A provider that does not answer leaves the person signed out of the portal only."""
    kept = request.session.get(SESSION_KEY)
    if not kept or not request.user.is_authenticated:
        return None
    if not SocialAccount.objects.filter(user=request.user, provider=kept["provider_id"], uid=kept["uid"]).exists():
        return None
    try:
        adapter = OpenIDConnectOAuth2Adapter(request, kept["provider_id"])
        endpoint = _end_session_endpoint(adapter)
        client_id = adapter.get_provider().app.client_id
    except SocialApp.DoesNotExist:
        return None
    except (requests.RequestException, ValueError) as error:
        logger.warning("Signing out at %s skipped, the provider did not answer: %r", kept["provider_id"], error)
        return None
    if not endpoint:
        return None
    query = {
        "id_token_hint": kept["id_token"],
        "post_logout_redirect_uri": request.build_absolute_uri(after),
        "client_id": client_id,
    }
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{urlencode(query)}"
