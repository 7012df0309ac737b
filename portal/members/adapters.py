"""How django-allauth behaves on this portal: no self sign-up, the lockout said in French with its
way out, and every sign-in failure and lockout logged (without the address typed)."""

import logging

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

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

    def get_password_change_redirect_url(self, request):
        return reverse("members:profile")

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
    def build_totp_svg(self, url: str) -> str:
        """The QR code as inline SVG (no data: URL for the Content-Security-Policy), named for screen readers."""
        svg = super().build_totp_svg(url)
        tag_end = svg.index("<svg") + len("<svg")
        label = escape(_("QR code to scan with your authenticator app"))
        # qrcode's own markup (attributes and paths it drew from the secret), never user input.
        return mark_safe(f'<svg role="img" aria-label="{label}" class="totp-qr"{svg[tag_end:]}')  # noqa: S308
