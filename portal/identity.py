"""The cluster's name for the code that may not ask `cms`: e-mails, exports, the privacy policy.

`cms` owns the site identity (a Wagtail site setting edited in the admin) and registers its reader
here when it starts (cms.apps), the way every app registers into the privacy registry: so the
members', clubs', workgroups' and Bourse's e-mails and every spreadsheet carry the name the
administrators chose, and none of those apps imports `cms`. Without a reader (nothing registered),
the server's settings stand.
"""

from collections.abc import Callable
from email.headerregistry import Address
from email.utils import parseaddr

from django.conf import settings

_reader: Callable[[], object] | None = None


def register(reader: Callable[[], object]) -> None:
    """`reader()` returns the current site's identity: `display_name(default)` and `controller()`."""
    global _reader
    _reader = reader


def site_name() -> str:
    """The cluster's name as the administrators set it, else the server's (WAGTAIL_SITE_NAME)."""
    if _reader is None:
        return settings.WAGTAIL_SITE_NAME
    return _reader().display_name(settings.WAGTAIL_SITE_NAME)


def privacy_controller() -> str:
    if _reader is None:
        return settings.PRIVACY_CONTROLLER or settings.WAGTAIL_SITE_NAME
    return _reader().controller()


def from_email() -> str:
    """The sender of the portal's e-mails: the cluster's name before the address of DEFAULT_FROM_EMAIL,
    so a mail reader's list shows who writes, as on the site."""
    _, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return str(Address(display_name=site_name(), addr_spec=address)) if address else settings.DEFAULT_FROM_EMAIL


def stamp_workbook(workbook) -> None:
    """An exported spreadsheet names the cluster as its author (File → Properties)."""
    workbook.properties.creator = site_name()
    workbook.properties.lastModifiedBy = site_name()
