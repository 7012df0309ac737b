"""Reads of best-practice records, with the visibility rules built in."""

import dataclasses

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractYear

from portal.members.models import Sector
from portal.members.permissions import person_of
from workgroups.models import Axis

from . import permissions
from .models import Adoption, BestPractice, BestPracticeStatus, TaggedBestPractice, Visibility

KIND_FILTERS = (Sector.SSE, Sector.CLASSIC_FIRM)


def _base() -> QuerySet[BestPractice]:
    return BestPractice.objects.select_related("axis", "organisation", "organisation__zone").prefetch_related("tags")


def visible_best_practices(user, *, axis: Axis | None = None, kind: str = "", tag: str = "") -> QuerySet[BestPractice]:
    """Published records the user may read: public ones, and those for members when they are one."""
    queryset = _base().filter(status=BestPracticeStatus.PUBLISHED)
    if not permissions.is_member(user):
        queryset = queryset.filter(visibility=Visibility.PUBLIC)
    if axis is not None:
        queryset = queryset.filter(axis=axis)
    if kind in KIND_FILTERS:
        queryset = queryset.filter(Sector(kind).kind_filter("organisation__kind"))
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
    return permissions.records_reviewed(
        _base().filter(status=BestPracticeStatus.SUBMITTED).order_by("submitted_at"), user
    )


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


# --- SSE ↔ classic transfers: who adopts whose practices ----------------------------------------

SSE, CLASSIC = Sector.SSE.value, Sector.CLASSIC_FIRM.value
# (contributor's sector, adopter's sector), in the order the dashboard shows them.
TRANSFER_FLOWS = ((SSE, CLASSIC), (CLASSIC, SSE), (SSE, SSE), (CLASSIC, CLASSIC))


@dataclasses.dataclass
class TransferRow:
    label: str  # a year, or an axis
    counts: list[int]  # one per TRANSFER_FLOWS
    key: object = None

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclasses.dataclass
class Transfers:
    by_year: list[TransferRow]
    by_axis: list[TransferRow]
    totals: list[int]
    # Adoptions where one side is neither SSE nor a classic firm (a local authority, a university…).
    other: int
    years: list[int]

    @property
    def total(self) -> int:
        return sum(self.totals)

    @property
    def widest(self) -> int:
        return max((row.total for row in self.by_year), default=0)


def adoption_transfers(*, axis: Axis | None = None, year: int | None = None) -> Transfers:
    """Adoption marks counted by (contributor's sector → adopter's sector), per year and per axis.

    Every adoption counts, whatever the record's status since (an archived practice was still
    transferred). `axis` narrows the table by year, `year` the table by axis; totals follow both.
    """
    rows = (
        Adoption.objects.annotate(
            year=ExtractYear("created_at"),
            source=Sector.case("record__organisation__kind"),
            target=Sector.case("organisation__kind"),
        )
        .values("year", "record__axis_id", "source", "target")
        .annotate(n=Count("pk"))
        .order_by()
    )
    flows = {flow: index for index, flow in enumerate(TRANSFER_FLOWS)}
    axes = list(Axis.objects.order_by("number"))
    by_year: dict[int, list[int]] = {}
    by_axis = {a.pk: [0] * len(TRANSFER_FLOWS) for a in axes}
    totals, other, years = [0] * len(TRANSFER_FLOWS), 0, set()
    for row in rows:
        years.add(row["year"])
        in_axis = axis is None or row["record__axis_id"] == axis.pk
        in_year = year is None or row["year"] == year
        index = flows.get((row["source"], row["target"]))
        if index is None:
            other += row["n"] if in_axis and in_year else 0
            continue
        if in_axis:
            by_year.setdefault(row["year"], [0] * len(TRANSFER_FLOWS))[index] += row["n"]
        if in_year:
            by_axis[row["record__axis_id"]][index] += row["n"]
        if in_axis and in_year:
            totals[index] += row["n"]
    return Transfers(
        by_year=[TransferRow(str(y), counts, key=y) for y, counts in sorted(by_year.items()) if year in (None, y)],
        by_axis=[TransferRow(str(a), by_axis[a.pk], key=a) for a in axes if axis in (None, a)],
        totals=totals,
        other=other,
        years=sorted(years),
    )
