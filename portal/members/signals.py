"""An account that can no longer be trusted loses its live connections at once.

Django's own views and admin save the auth User (password reset, deactivation), not our services, so
a signal is the one place that sees every such change: when an account is deactivated or its password
changes, every socket it holds is closed after the commit (portal.realtime), whatever screen it is on.

django-allauth's own signals are followed here too, only to log sign-ins and account security changes.
"""

import logging

from portal import realtime

accounts_log = logging.getLogger("portal.accounts")

WATCHED_FIELDS = {"password", "is_active"}


def remember_account_state(sender, instance, update_fields=None, **kwargs):
    instance._account_state_before = None
    if instance.pk is None or (update_fields is not None and not WATCHED_FIELDS & set(update_fields)):
        return  # a sign-in only updates last_login: no query
    instance._account_state_before = sender.objects.filter(pk=instance.pk).values_list("password", "is_active").first()


def close_sockets_of_an_untrusted_account(sender, instance, created=False, **kwargs):
    before = getattr(instance, "_account_state_before", None)
    if created or before is None:
        return
    password, was_active = before
    if password != instance.password or (was_active and not instance.is_active):
        realtime.revoke_user_on_commit(instance.pk)


# --- What the sign-in pages log (django-allauth's signals; failures and lockouts: adapters.py) -------
# Logs name the account by its id and the address it acted from, never the e-mail typed.


def _from(request) -> str:
    from allauth.account.adapter import get_adapter

    try:
        return get_adapter().get_client_ip(request) if request is not None else "-"
    except Exception:  # noqa: BLE001 - a log line never breaks a sign-in
        return "-"


def log_signed_in(sender, request, user, **kwargs):
    from allauth.mfa.utils import is_mfa_enabled

    accounts_log.info("Signed in: account %s from %s (two-factor: %s)", user.pk, _from(request), is_mfa_enabled(user))


def log_password_changed(sender, request, user, **kwargs):
    accounts_log.info("Password changed: account %s from %s", user.pk, _from(request))


def log_password_reset(sender, request, user, **kwargs):
    accounts_log.info("Password reset by e-mail link: account %s from %s", user.pk, _from(request))


def log_two_factor_added(sender, request, user, authenticator, **kwargs):
    accounts_log.info("Two-factor %s set up: account %s from %s", authenticator.type, user.pk, _from(request))


def log_two_factor_removed(sender, request, user, authenticator, **kwargs):
    accounts_log.warning("Two-factor %s removed: account %s from %s", authenticator.type, user.pk, _from(request))


def log_two_factor_reset(sender, request, user, authenticator, **kwargs):
    accounts_log.info("Two-factor %s renewed: account %s from %s", authenticator.type, user.pk, _from(request))


def log_two_factor_failed(sender, request, user, authenticator, **kwargs):
    accounts_log.warning("Two-factor code refused: account %s from %s", user.pk, _from(request))


def connect_account_logs() -> None:
    from allauth.account import signals as account_signals
    from allauth.mfa import signals as mfa_signals

    for signal, receiver in (
        (account_signals.user_logged_in, log_signed_in),
        (account_signals.password_changed, log_password_changed),
        (account_signals.password_reset, log_password_reset),
        (mfa_signals.authenticator_added, log_two_factor_added),
        (mfa_signals.authenticator_removed, log_two_factor_removed),
        (mfa_signals.authenticator_reset, log_two_factor_reset),
        (mfa_signals.authentication_failed, log_two_factor_failed),
    ):
        signal.connect(receiver, dispatch_uid=f"members_{receiver.__name__}")
