"""The report of the searches made, as one reader may see it (permissions.report_axis_ids)."""

import datetime
import functools
import operator
from dataclasses import dataclass

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from portal.members.permissions import ALL
from search.models import SearchLog
from workgroups.indexing import AXIS
from workgroups.models import Axis

from .permissions import report_axis_ids

PERIODS = (30, 90, 395)
DEFAULT_PERIOD = 90
ROWS = 50
# A query counts as "little followed" from this many searches with results, when at most this share of
# them led to a result being opened.
LOW_CLICK_MIN_SEARCHES, LOW_CLICK_RATE = 3, 0.2


@dataclass
class QueryRow:
    query: str
    searches: int
    last_day: datetime.date
    results: int = 0
    clicks: int = 0

    @property
    def click_rate(self) -> int:
        """Percentage of the searches after which a result was opened."""
        return round(100 * self.clicks / self.searches) if self.searches else 0


@dataclass
class Report:
    since: datetime.date
    period: int
    axes: list
    zero_results: list[QueryRow]
    low_clicks: list[QueryRow]
    most_searched: list[QueryRow]
    total: int
    selected_axis: object = None


def axes_of(user) -> list[Axis]:
    """The axes whose searches `user` reads (all of them for an administrator)."""
    ids = report_axis_ids(user)
    if not ids:
        return []
    axes = Axis.objects.order_by("number")
    return list(axes if ids is ALL else axes.filter(pk__in=ids))


def visible_logs(user, axis: Axis | None = None) -> QuerySet:
    """The searches `user` reads: every one for an administrator, else those that carried one of their
    axes (search.models.SearchLog.facet_values); `axis` narrows to that axis's."""
    ids = report_axis_ids(user)
    logs = SearchLog.objects.all()
    if not ids:
        return logs.none()
    if axis is not None:
        if ids is not ALL and axis.pk not in ids:
            return logs.none()
        return logs.filter(facet_values__contains=f"\n{AXIS}={axis}\n")
    if ids is ALL:
        return logs
    axes = Axis.objects.filter(pk__in=ids)
    conditions = [Q(facet_values__contains=f"\n{AXIS}={axis}\n") for axis in axes]
    return logs.filter(functools.reduce(operator.or_, conditions)) if conditions else logs.none()


def _rows(logs: QuerySet) -> QuerySet:
    return (
        logs.order_by()
        .values("query")
        .annotate(searches=Count("pk"), clicks=Count("clicked_rank"), results=Max("results"), last_day=Max("day"))
    )


def search_report(user, *, period: int = DEFAULT_PERIOD, axis: Axis | None = None) -> Report:
    period = period if period in PERIODS else DEFAULT_PERIOD
    since = timezone.localdate() - datetime.timedelta(days=period)
    logs = visible_logs(user, axis).filter(day__gte=since)

    def rows(queryset):
        return [
            QueryRow(
                query=row["query"],
                searches=row["searches"],
                last_day=row["last_day"],
                results=row["results"],
                clicks=row["clicks"],
            )
            for row in queryset
        ]

    zero = rows(_rows(logs.filter(results=0)).order_by("-searches", "-last_day", "query")[:ROWS])
    found = _rows(logs.filter(results__gt=0)).filter(searches__gte=LOW_CLICK_MIN_SEARCHES)
    low = [row for row in rows(found.order_by("-searches", "query")) if row.clicks <= row.searches * LOW_CLICK_RATE]
    most = rows(_rows(logs).order_by("-searches", "query")[:ROWS])
    return Report(
        since=since,
        period=period,
        axes=axes_of(user),
        zero_results=zero,
        low_clicks=low[:ROWS],
        most_searched=most,
        total=logs.count(),
    )
