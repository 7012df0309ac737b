"""Who may do what on the public site's events. Views, templates and admin buttons all ask here.

Page editing rights are Wagtail's own (GroupPagePermission, set up by cms.services.publishing_setup).
"""

from portal.members.models import PersonRole
from portal.members.permissions import has_role


def can_export_attendance(user, event) -> bool:
    """Organisers and administrators download the attendance sheet (names and e-mails of registrants)."""
    return has_role(user, PersonRole.ORGANISER)
