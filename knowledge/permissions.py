"""Who may read, write and review best-practice records.

Contributors are the people of the record's organisation; reviewers are the coordinators of the
record's axis (the coordinator role held in that axis) and the cluster's administrators.
"""

from django.db.models import QuerySet

from portal.members.models import Role
from portal.members.permissions import ALL, holds, is_administrator, person_of
from workgroups import permissions as workgroup_permissions

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


def reviews_axis(user, axis_id: int | None) -> bool:
    return workgroup_permissions.leads_axis(user, axis_id)


def is_reviewer(user, record: BestPractice) -> bool:
    return reviews_axis(user, record.axis_id)


def reviewed_axis_ids(user):
    """The axes whose records the user reviews (a set), or ALL."""
    return workgroup_permissions.led_axis_ids(user)


def records_reviewed(queryset: QuerySet, user) -> QuerySet:
    """The records of `queryset` the user reviews (the admin list, the records waiting for review)."""
    if not user or not user.is_authenticated:
        return queryset.none()
    axes = reviewed_axis_ids(user)
    return queryset if axes is ALL else queryset.filter(axis_id__in=axes)


def narrow_record_form(form, user) -> None:
    """The admin's record form offers only the axes the user reviews."""
    if "axis" in form.fields:
        form.fields["axis"].queryset = workgroup_permissions.axes_led(user)


def keeps_publication_when_moved(user, record: BestPractice, new_axis_id: int) -> bool:
    """A published record moved to another axis stays published only if its mover reviews that axis;
    otherwise it goes back to review, by that axis's coordinators."""
    return reviews_axis(user, new_axis_id)


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
    """The SSE ↔ classic transfer dashboard (counts of every axis): whoever holds the coordinator role,
    in an axis or over the cluster, and administrators."""
    return holds(user, Role.COORDINATOR)
