"""Who may do what on the public site outside Wagtail's own page rights (which cms.services sets up:
one group per axis and per club). Views and services ask here."""

from portal.members.models import Role
from portal.members.permissions import holds, is_administrator
from portal.members.scopes import ScopeKind


def can_publish_survey_results(user, survey) -> bool:
    """A club's needs survey's results, as a page under the club's page: its animators and the
    administrators; a survey of the whole cluster: the administrators."""
    if is_administrator(user):
        return True
    return survey.club_id is not None and holds(user, Role.ANIMATOR, (ScopeKind.CLUB, survey.club_id))
