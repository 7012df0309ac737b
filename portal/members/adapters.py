"""How django-allauth behaves on this portal: no self sign-up, the lockout said in French with its
way out, and every sign-in failure and lockout logged (without the address typed); single sign-on
through an OpenID provider by verified address only, its failures said in French."""

import logging

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.providers.base import AuthError
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from portal import identity

logger = logging.getLogger("portal.accounts")


def _account_label(credentials: dict) -> str:
    """'account 12' for a known e-mail or username, else 'an unknown address': logs name no address."""
    login = (credentials.get("email") or credentials.get("username") or "").strip()
    if login:
        users = get_user_model().objects.filter(email__iexact=login) | get_user_model().objects.filter(
            username__iexact=login
        )
        pk = users.values_list("pk", flat=True).first()
        if pk is not None:
            return f"account {pk}"
    return "an unknown address"


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "too_many_login_attempts": _(
            "Too many failed attempts: signing in to this account, or from your connection, is locked for "
            "up to 15 minutes, even with the right password. Try again later, or choose a new password with "
            "the link “Forgotten password?”: that lifts the lock on your account."
        ),
    }

    def is_open_for_signup(self, request):
        """People join through an invitation of their organisation, never on their own."""
        return False

    def get_from_email(self):
        return identity.from_email()

    def send_mail(self, template_prefix, email, context):
        """The account's e-mails (new password, security notices) name the cluster as its site does."""
        super().send_mail(template_prefix, email, {"site_name": identity.site_name(), **context})

    def get_password_change_redirect_url(self, request):
        return reverse("members:profile")

    def get_logout_redirect_url(self, request):
        """Signed in through an identity provider that can sign people out (ProConnect does): out there too,
        then back here."""
        from .sso import sign_out_url

        after = super().get_logout_redirect_url(request)
        return sign_out_url(request, after) or after

    def pre_authenticate(self, request, **credentials):
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            logger.warning(
                "Sign-in refused (locked after too many failures): %s from %s",
                _account_label(credentials),
                self.get_client_ip(request),
            )
            raise

    def authentication_failed(self, request, **credentials):
        super().authentication_failed(request, **credentials)
        logger.warning(
            "Sign-in failed (wrong password): %s from %s", _account_label(credentials), self.get_client_ip(request)
        )


class MFAAdapter(DefaultMFAAdapter):
    def get_totp_issuer(self) -> str:
        """The name an authenticator app shows beside the code: the cluster's, unless the server sets one."""
        return settings.MFA_TOTP_ISSUER or identity.site_name()

    def build_totp_svg(self, url: str) -> str:
        """The QR code as inline SVG (no data: URL for the Content-Security-Policy), named for screen readers."""
        svg = super().build_totp_svg(url)
        tag_end = svg.index("<svg") + len("<svg")
        label = escape(_("QR code to scan with your authenticator app"))
        # qrcode's own markup (attributes and paths it drew from the secret), never user input.
        return mark_safe(f'<svg role="img" aria-label="{label}" class="totp-qr"{svg[tag_end:]}')  # noqa: S308


def _back_to_sign_in(request, message) -> ImmediateHttpResponse:
    """The sign-in page again, with `message` on it (the password form still works)."""
    messages.error(request, message)
    return ImmediateHttpResponse(redirect("members:login"))


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Single sign-on (settings: PTCE_OIDC_*). A person the provider knows signs in to the portal's account
    of the address the provider *verified* (linked from then on), or, with PTCE_OIDC_NEW_ACCOUNTS on, gets a
    new account of that address. An address the provider did not verify opens nothing: anyone can type
    someone else's address at a provider that does not check it."""

    def is_open_for_signup(self, request, sociallogin):
        # PTCE_OIDC_NEW_ACCOUNTS; pre_social_login below has said so in French when it is off, and refused
        # every login without a verified address.
        return bool(sociallogin.provider.app.settings.get("new_accounts"))

    def pre_social_login(self, request, sociallogin):
        if sociallogin.is_existing:
            # Linked before (the provider's id), or a verified address of an account (allauth's
            # authenticate_by_email only matches the addresses the provider verified).
            if sociallogin.account.pk is None:
                # Linked now, by address. allauth then wipes the password of an account whose address
                # it holds unverified (against someone who signed up with another's address and waits).
                # Nobody signs up here: every account's address came from an invitation or an
                # administrator, so it is recorded as verified and the password keeps working.
                from . import services

                services.account_email_ensure(user=sociallogin.user)
                # The first sign-in through the provider: its names where the invitation gave none.
                fields = sociallogin.provider.extract_common_fields(sociallogin.account.extra_data)
                services.account_names_fill(
                    user=sociallogin.user,
                    first_name=fields.get("first_name") or "",
                    last_name=fields.get("last_name") or "",
                )
            return
        provider = sociallogin.provider.name
        verified = [address.email for address in sociallogin.email_addresses if address.verified]
        if not verified:
            logger.warning("Single sign-on refused: %s gave no verified e-mail address", provider)
            raise _back_to_sign_in(
                request,
                _(
                    "%(provider)s did not confirm your e-mail address, so it cannot open an account on the "
                    "portal. Sign in with your password, or ask %(provider)s to confirm your address."
                )
                % {"provider": provider},
            )
        users = get_user_model().objects
        if users.filter(email__iexact=verified[0]).exists() or users.filter(username__iexact=verified[0]).exists():
            # An account of that address that allauth would not sign in to (closed, say): never a second one.
            logger.warning("Single sign-on refused: the address %s gave belongs to an account not linked", provider)
            raise _back_to_sign_in(
                request,
                _(
                    "An account of the portal already uses this address and cannot be opened with %(provider)s. "
                    "Sign in with your password, or write to the cluster's team."
                )
                % {"provider": provider},
            )
        if not self.is_open_for_signup(request, sociallogin):
            logger.info("Single sign-on refused: no account of the address %s gave, and no new accounts", provider)
            raise _back_to_sign_in(
                request,
                _(
                    "No account of the portal uses the address %(email)s. Accounts are opened by invitation: "
                    "ask your organisation or the cluster's team for one."
                )
                % {"email": verified[0]},
            )

    def authenticate_by_email(self, sociallogin):
        """allauth's lookup of the account of a verified address, which compares the account's own address
        as written (lower case): accounts made in the admin may keep capitals ("Claire.Martin@…")."""
        found = super().authenticate_by_email(sociallogin)
        if found:
            return found
        for address in sociallogin.email_addresses:
            if address.verified and self.can_authenticate_by_email(sociallogin, address.email):
                users = list(get_user_model().objects.filter(email__iexact=address.email, is_active=True)[:2])
                if len(users) == 1:
                    return users[0], address.email
        return None

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        verified = [address.email for address in sociallogin.email_addresses if address.verified]
        if verified:
            user.email = verified[0].strip().lower()
            user.username = user.email  # the members' usernames are their addresses
        return user

    def save_user(self, request, sociallogin, form=None):
        from . import services

        user = super().save_user(request, sociallogin, form)
        services.person_ensure(user=user)
        logger.info("Account %s created by single sign-on through %s", user.pk, sociallogin.provider.name)
        return user

    def on_authentication_error(self, request, provider, error=None, exception=None, extra_context=None):
        name = getattr(provider, "name", "") or _("the identity provider")
        if error == AuthError.CANCELLED:
            raise _back_to_sign_in(request, _("Signing in with %(provider)s was cancelled.") % {"provider": name})
        logger.warning("Single sign-on through %s failed: %s %r", name, error, exception)
        raise _back_to_sign_in(request, sign_in_failed_message(name))


def sign_in_failed_message(provider_name: str) -> str:
    return _(
        "Signing in with %(provider)s did not work: the service did not answer or refused the request. "
        "Nothing was changed. Try again in a few minutes, or sign in with your password."
    ) % {"provider": provider_name}
