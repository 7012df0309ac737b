"""Who may do what in the Bourse d'échanges. Views, the websocket, admin and services all ask here.

Members (people with a profile in an organisation) read the sheets and file their own firm's; the
organisers (and the cluster's administrators) run sessions and may edit every sheet. A table's
secretary records the answers of that table only.
"""

from portal.members.models import PersonRole
from portal.members.permissions import has_role, person_of

from .models import ExchangeSession, ResourceSheet, SessionTable


def is_member(user) -> bool:
    person = person_of(user)
    return bool(person and user.is_active)


def is_organiser(user) -> bool:
    return has_role(user, PersonRole.ORGANISER)


def organisation_id_of(user) -> int | None:
    person = person_of(user)
    return person.organisation_id if person and user.is_active else None


def can_file_sheet(user) -> bool:
    return is_organiser(user) or organisation_id_of(user) is not None


def can_view_sheet(user, sheet: ResourceSheet) -> bool:
    return is_member(user)


def can_edit_sheet(user, sheet: ResourceSheet) -> bool:
    return is_organiser(user) or (
        organisation_id_of(user) is not None and organisation_id_of(user) == sheet.organisation_id
    )


def can_manage_session(user, session: ExchangeSession | None = None) -> bool:
    return is_organiser(user)


def can_view_session(user, session: ExchangeSession) -> bool:
    return is_member(user)


def is_secretary(user, table: SessionTable) -> bool:
    person = person_of(user)
    return bool(person and user.is_active and table.secretary_id == person.pk)


def can_record_at(user, table: SessionTable) -> bool:
    """The table's secretary; an organiser may stand in for any secretary."""
    return is_secretary(user, table) or is_organiser(user)


def can_follow_session(user, session: ExchangeSession) -> bool:
    """Organisers, and the secretaries of the session's tables (they hear when a round starts)."""
    if is_organiser(user):
        return True
    person = person_of(user)
    return bool(person and user.is_active and session.tables.filter(secretary=person).exists())


def can_download_workbook(user, organisation_id: int) -> bool:
    return is_organiser(user) or (organisation_id_of(user) is not None and organisation_id_of(user) == organisation_id)


def can_answer_questionnaire(user, session: ExchangeSession) -> bool:
    organisation_id = organisation_id_of(user)
    return bool(organisation_id and session.registrations.filter(organisation_id=organisation_id).exists())


def can_create_synergy_from(user, interest) -> bool:
    """The organiser, or a member of either firm of the interest."""
    if is_organiser(user):
        return True
    organisation_id = organisation_id_of(user)
    return organisation_id is not None and organisation_id in (interest.organisation_id, interest.sheet.organisation_id)
