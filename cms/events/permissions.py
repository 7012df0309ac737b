"""Who may do what on the public site's events. Views, templates and admin buttons all ask here.

An event belongs to the axis or the club under whose page it is; an event elsewhere (the site's own
calendar) to the axis it names, else to the whole cluster. Its registrations, attendance, sheet and
follow-up room are the business of that axis's coordinators or that club's animators (and, for an
exchange session, of the exchange organisers of its club or of the cluster), and of administrators.

Page editing rights are Wagtail's own (GroupPagePermission, set up by cms.services).
"""

from cms.models import AxisPage, ClubPage
from knowledge.exchange import permissions as exchange_permissions
from portal.members.models import Role
from portal.members.permissions import holds, is_administrator, scope_ids
from portal.members.scopes import CLUSTER_ID, ScopeKind

from .models import EventKind

_SCOPE_CACHE = "_events_scope"


def event_scope(event) -> tuple[str, int] | None:
    """(ScopeKind.AXIS, axis id), (ScopeKind.CLUB, club id) or None (the cluster's); kept on the event."""
    if hasattr(event, _SCOPE_CACHE):
        return getattr(event, _SCOPE_CACHE)
    scope = None
    axis_id = AxisPage.objects.ancestor_of(event).values_list("axis_id", flat=True).first()
    if axis_id is not None:
        scope = (ScopeKind.AXIS, axis_id)
    else:
        club_id = ClubPage.objects.ancestor_of(event).values_list("club_id", flat=True).first()
        if club_id is not None:
            scope = (ScopeKind.CLUB, club_id)
        elif event.axis_id is not None:
            scope = (ScopeKind.AXIS, event.axis_id)
    setattr(event, _SCOPE_CACHE, scope)
    return scope


def can_manage_participation(user, event) -> bool:
    """Sees the registrations, records who came, downloads the attendance sheet, opens the follow-up room."""
    if not user or not user.is_authenticated:
        return False  # before any query: every visitor of an event's page is asked
    if is_administrator(user):
        return True
    scope = event_scope(event)
    if scope is not None:
        kind, scope_id = scope
        role = Role.COORDINATOR if kind == ScopeKind.AXIS else Role.ANIMATOR
        if holds(user, role, scope):
            return True
    if event.kind == EventKind.EXCHANGE_SESSION:
        if scope is not None and scope[0] == ScopeKind.CLUB:
            return scope[1] in scope_ids(user, Role.EXCHANGE_ORGANISER, ScopeKind.CLUB)
        return holds(user, Role.EXCHANGE_ORGANISER, (ScopeKind.CLUSTER, CLUSTER_ID))
    return False


def can_publish_exchange_session(user, session) -> bool:
    """Putting a Bourse d'échanges on the agenda: whoever runs the session (its club's organisers)."""
    return bool(user and user.is_authenticated) and exchange_permissions.can_manage_session(user, session)
