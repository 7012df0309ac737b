"""Who may do what on the public site outside Wagtail's own page rights (which cms.services sets up:
one group per axis and per club). Views and services ask here."""

from portal.members.models import Role
from portal.members.permissions import ALL, holds, is_administrator, scope_ids
from portal.members.scopes import ScopeKind


def can_publish_survey_results(user, survey) -> bool:
    """A club's needs survey's results, as a page under the club's page: its animators and the
    administrators; a survey of the whole cluster: the administrators."""
    if is_administrator(user):
        return True
    return survey.club_id is not None and holds(user, Role.ANIMATOR, (ScopeKind.CLUB, survey.club_id))


def narrow_page_axis_choice(form, user) -> None:
    """A page's "thematic axis" offers a coordinator her own axes (and the page's present one): tagging
    another axis would put her page on that axis's lists without its coordinators. Administrators
    choose any axis."""
    field = form.fields.get("axis")
    if field is None or is_administrator(user):
        return
    ids = scope_ids(user, Role.COORDINATOR, ScopeKind.AXIS)
    if ids is ALL:
        return
    current = getattr(form.instance, "axis_id", None)
    field.queryset = field.queryset.filter(pk__in={*ids, *([current] if current else [])})
