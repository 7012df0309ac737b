"""An account that can no longer be trusted loses its live connections at once.

Django's own views and admin save the auth User (password reset, deactivation), not our services, so
a signal is the one place that sees every such change: when an account is deactivated or its password
changes, every socket it holds is closed after the commit (portal.realtime), whatever screen it is on.
"""

from portal import realtime

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
