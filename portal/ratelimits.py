"""Rates of the public forms, per address (per account once signed in), through django-ratelimit.

Counted in the shared cache, so the limit holds across the server's processes; the rates are
settings (PORTAL_FORM_RATES). A refused submission stores nothing: the view answers 429 with the
form and this module's French message."""

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.utils.translation import gettext_lazy as _
from django_ratelimit.core import is_ratelimited

TOO_MANY = _("Too many requests from your connection: try again later, or write to the cluster's team.")


def over_rate(request, name: str, *, scope: str = "", method: str = "POST") -> bool:
    """Counts this POST (or `method`: a public lookup's GET) against the rate `name` (of
    PORTAL_FORM_RATES), within `scope` if given (an event: each event has its own count); True when it
    is one too many."""
    rate = settings.PORTAL_FORM_RATES.get(name)
    if not rate:
        return False
    group = f"form.{name}.{scope}" if scope else f"form.{name}"
    return is_ratelimited(request, group=group, key="user_or_ip", rate=rate, method=method, increment=True)


def client_ip(request) -> str:
    """The visitor's address every rate counts per (RATELIMIT_IP_META_KEY): the same one the sign-in
    throttle reads, so nginx's own address (REMOTE_ADDR in production) never stands for everyone.
    A chain shorter than the proxies we run means a request that did not come through them: its
    peer address is the one to count."""
    try:
        return get_adapter(request).get_client_ip(request)
    except (ImproperlyConfigured, PermissionDenied):
        return request.META.get("REMOTE_ADDR", "")
