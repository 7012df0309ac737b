"""What every template rendered with a request knows of the site (portal/settings adds it)."""

from django.utils.functional import SimpleLazyObject

from . import selectors


def site_identity(request) -> dict:
    """`site_identity`: the cluster's name, logo, colours…, and `theme_version` (of theme.css): read only
    when a template uses them."""
    return {
        "site_identity": SimpleLazyObject(lambda: selectors.site_identity(request=request)),
        "theme_version": SimpleLazyObject(lambda: selectors.theme_version(request=request)),
    }
