"""Whoever must use two-factor authentication (permissions.must_use_two_factor) and has not set it up
is sent to its setup page from every page of the site and of the admin, until it is done. The setup
pages themselves, re-entering the password they ask for, and signing out stay open."""

from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from . import permissions

# The pages a person without a second factor may still open: setting it up (and what it asks for).
OPEN_URL_NAMES = (
    "mfa_index",
    "mfa_activate_totp",
    "mfa_view_recovery_codes",
    "mfa_generate_recovery_codes",
    "mfa_download_recovery_codes",
    "mfa_reauthenticate",
    "account_reauthenticate",
    "account_logout",
    "members:logout",
    "set_language",
)


class TwoFactorRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self._open_paths = None

    def open_paths(self) -> frozenset[str]:
        if self._open_paths is None:
            self._open_paths = frozenset(reverse(name) for name in OPEN_URL_NAMES)
        return self._open_paths

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and request.path_info not in self.open_paths()
            and permissions.must_use_two_factor(user)
            and not is_mfa_enabled(user)
        ):
            messages.info(
                request,
                _(
                    "Your roles on the portal give access to personal data: set up two-factor authentication "
                    "to go on. It takes two minutes with an authenticator app on your phone."
                ),
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)
