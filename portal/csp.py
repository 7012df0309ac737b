"""The Content-Security-Policy of every HTML response (django-csp), with the admin's own.

The site's pages load scripts, styles, fonts and images from the portal only: no inline script or
style attribute is left in its templates (widths are classes, staff colours come from theme.css,
buttons get their handlers from static files). Wagtail's admin still writes style attributes and a
few inline scripts of its own, so its paths get a policy that allows those and nothing else more.
"""

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings


class PortalCSPMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if (
            not report_only
            and parts.config is None
            and request.path_info.startswith(settings.PORTAL_CSP_ADMIN_PREFIXES)
        ):
            parts.config = settings.PORTAL_CSP_ADMIN_DIRECTIVES
        return parts
