"""Who may read, write and review best-practice records.

Contributors are the people of the record's organisation; reviewers are the coordinators of the
record's axis and the cluster's administrators.
"""

from portal.members.models import PersonRole
from portal.members.permissions import has_role, is_administrator, person_of

from .models import BestPractice, BestPracticeStatus, Visibility

EDITABLE_BY_CONTRIBUTORS = (BestPracticeStatus.DRAFT, BestPracticeStatus.SUBMITTED)


def is_member(user) -> bool:
    """Someone with a member profile: they see the records for members only."""
    return bool(user and user.is_authenticated and user.is_active and person_of(user) is not None)


def can_contribute_for(user, organisation) -> bool:
    if is_administrator(user):
        return True
    person = person_of(user)
    return bool(person and user.is_active and organisation is not None and person.organisation_id == organisation.pk)


def is_contributor(user, record: BestPractice) -> bool:
    person = person_of(user)
    return bool(person and user.is_active and person.organisation_id == record.organisation_id)


def is_reviewer(user, record: BestPractice) -> bool:
    if is_administrator(user):
        return True
    person = person_of(user)
    return bool(person and user.is_active and record.axis.coordinators.filter(pk=person.pk).exists())


def can_view(user, record: BestPractice) -> bool:
    if record.status == BestPracticeStatus.PUBLISHED:
        return record.visibility == Visibility.PUBLIC or is_member(user)
    return is_contributor(user, record) or is_reviewer(user, record)


def can_edit(user, record: BestPractice) -> bool:
    if record.status == BestPracticeStatus.ARCHIVED:
        return False
    if is_reviewer(user, record):
        return True
    return record.status in EDITABLE_BY_CONTRIBUTORS and is_contributor(user, record)


def can_submit(user, record: BestPractice) -> bool:
    return record.status == BestPracticeStatus.DRAFT and (is_contributor(user, record) or is_administrator(user))


def can_publish(user, record: BestPractice) -> bool:
    return record.status in EDITABLE_BY_CONTRIBUTORS and is_reviewer(user, record)


def can_request_changes(user, record: BestPractice) -> bool:
    return record.status == BestPracticeStatus.SUBMITTED and is_reviewer(user, record)


def can_archive(user, record: BestPractice) -> bool:
    return record.status == BestPracticeStatus.PUBLISHED and (is_reviewer(user, record) or is_contributor(user, record))


def can_delete(user, record: BestPractice) -> bool:
    return is_administrator(user) or (record.status == BestPracticeStatus.DRAFT and is_contributor(user, record))


def can_adopt(user, record: BestPractice) -> bool:
    person = person_of(user)
    return bool(
        record.status == BestPracticeStatus.PUBLISHED
        and is_member(user)
        and person.organisation_id
        and person.organisation_id != record.organisation_id
    )


def can_view_transfers(user) -> bool:
    """The SSE ↔ classic transfer dashboard: axis coordinators and administrators."""
    if is_administrator(user):
        return True
    person = person_of(user)
    return bool(
        person and user.is_active and (has_role(user, PersonRole.COORDINATOR) or person.coordinated_axes.exists())
    )
