"""Reads of best-practice records, with the visibility rules built in."""

from django.db.models import Count, Q, QuerySet

from portal.members.models import SSE_KINDS, OrganisationKind
from portal.members.permissions import is_administrator, person_of
from workgroups.models import Axis

from . import permissions
from .models import BestPractice, BestPracticeStatus, TaggedBestPractice, Visibility

KIND_FILTERS = ("sse", OrganisationKind.CLASSIC_FIRM)


def _base() -> QuerySet[BestPractice]:
    return BestPractice.objects.select_related("axis", "organisation", "organisation__zone").prefetch_related("tags")


def visible_best_practices(user, *, axis: Axis | None = None, kind: str = "", tag: str = "") -> QuerySet[BestPractice]:
    """Published records the user may read: public ones, and those for members when they are one."""
    queryset = _base().filter(status=BestPracticeStatus.PUBLISHED)
    if not permissions.is_member(user):
        queryset = queryset.filter(visibility=Visibility.PUBLIC)
    if axis is not None:
        queryset = queryset.filter(axis=axis)
    if kind == "sse":
        queryset = queryset.filter(organisation__kind__in=SSE_KINDS)
    elif kind == OrganisationKind.CLASSIC_FIRM:
        queryset = queryset.filter(organisation__kind=OrganisationKind.CLASSIC_FIRM)
    if tag:
        queryset = queryset.filter(tags__slug=tag)
    return queryset.annotate(adoption_count=Count("adoptions", distinct=True)).order_by("-published_at", "-pk")


def best_practice_for(user, slug: str) -> BestPractice | None:
    """The record if the user may read it (drafts: their organisation and its reviewers only)."""
    record = _base().select_related("contact__user").filter(slug=slug).first()
    if record is None or not permissions.can_view(user, record):
        return None
    return record


def records_of_my_organisation(user) -> QuerySet[BestPractice]:
    person = person_of(user)
    if person is None or person.organisation_id is None:
        return BestPractice.objects.none()
    return _base().filter(organisation_id=person.organisation_id).order_by("-updated_at")


def records_to_review(user) -> QuerySet[BestPractice]:
    """Submitted records of the axes the user coordinates (every axis for administrators)."""
    queryset = _base().filter(status=BestPracticeStatus.SUBMITTED).order_by("submitted_at")
    if is_administrator(user):
        return queryset
    person = person_of(user)
    if person is None:
        return queryset.none()
    return queryset.filter(axis__coordinators=person)


def tags_in_use(user) -> list[tuple[str, str]]:
    """(slug, name) of the tags of the records the user may read, most used first."""
    records = visible_best_practices(user).values("pk")
    rows = (
        TaggedBestPractice.objects.filter(content_object__in=records)
        .values_list("tag__slug", "tag__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "tag__name")[:30]
    )
    return [(slug, name) for slug, name, _n in rows]


def axes_with_records(user) -> QuerySet[Axis]:
    return Axis.objects.annotate(
        record_count=Count(
            "best_practices",
            filter=Q(best_practices__status=BestPracticeStatus.PUBLISHED)
            & (Q() if permissions.is_member(user) else Q(best_practices__visibility=Visibility.PUBLIC)),
        )
    ).order_by("number")
