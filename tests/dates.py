"""Dates as the portal sees them, read when a test uses them."""

import datetime

from django.utils import timezone


def local_today() -> datetime.date:
    """Today in the portal's time zone (Europe/Paris), read when called: a run that crosses midnight in
    Paris (23:00 UTC in winter) must not compare a date taken when the module was imported with one the
    portal takes later."""
    return timezone.localdate()
