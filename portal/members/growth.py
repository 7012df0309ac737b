"""Membership growth per zone: firms established, members, yearly target, penetration, SSE mix,
joins and departures per month. A fixed number of queries however many zones and firms.

A zone's members are the organisations established on it with at least one active membership
(of the cluster or of a club); the firms established are the zone's declared count, or the
firms registered on it if more are registered.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from .models import SSE_KINDS, GrowthTarget, Membership, MembershipStatus, Organisation, OrganisationKind, Zone

MONTHS = 12


@dataclass
class ZoneGrowth:
    zone: Zone
    firms_established: int
    registered: int
    members: int
    sse: int
    classic: int
    other: int
    target: int | None
    joins: list = field(default_factory=list)  # [(month, count)] oldest first
    departures: list = field(default_factory=list)

    @property
    def penetration(self) -> float:
        return round(100 * self.members / self.firms_established, 1) if self.firms_established else 0.0

    @property
    def target_progress(self) -> int | None:
        return min(100, round(100 * self.members / self.target)) if self.target else None

    @property
    def to_go(self) -> int | None:
        return max(self.target - self.members, 0) if self.target else None


def last_months(today: datetime.date, count: int = MONTHS) -> list[datetime.date]:
    """The first day of the `count` months up to and including today's, oldest first."""
    months, year, month = [], today.year, today.month
    for _ in range(count):
        months.append(datetime.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return list(reversed(months))


def zone_growth(*, year: int | None = None, today: datetime.date | None = None) -> list[ZoneGrowth]:
    today = today or timezone.localdate()
    year = year or today.year
    months = last_months(today)
    zones = list(Zone.objects.order_by("name"))
    registered = dict(
        Organisation.objects.filter(zone__isnull=False)
        .values_list("zone")
        .annotate(n=Count("pk"))
        .values_list("zone", "n")
    )
    mix: dict[int, dict[str, int]] = {}
    members_by_kind = (
        Organisation.objects.filter(zone__isnull=False, memberships__status=MembershipStatus.ACTIVE)
        .values("zone", "kind")
        .annotate(n=Count("pk", distinct=True))
    )
    for row in members_by_kind:
        group = (
            "sse"
            if row["kind"] in SSE_KINDS
            else "classic"
            if row["kind"] == OrganisationKind.CLASSIC_FIRM
            else "other"
        )
        counts = mix.setdefault(row["zone"], {"sse": 0, "classic": 0, "other": 0})
        counts[group] += row["n"]
    targets = dict(GrowthTarget.objects.filter(year=year).values_list("zone", "target_members"))
    in_window = Membership.objects.filter(organisation__zone__isnull=False)
    joins = _per_month(
        in_window.exclude(status=MembershipStatus.PENDING).filter(started_on__gte=months[0]), "started_on"
    )
    departures = _per_month(in_window.filter(status=MembershipStatus.LEFT, ended_on__gte=months[0]), "ended_on")
    result = []
    for zone in zones:
        counts = mix.get(zone.pk, {"sse": 0, "classic": 0, "other": 0})
        result.append(
            ZoneGrowth(
                zone=zone,
                firms_established=max(zone.firms_established, registered.get(zone.pk, 0)),
                registered=registered.get(zone.pk, 0),
                members=sum(counts.values()),
                sse=counts["sse"],
                classic=counts["classic"],
                other=counts["other"],
                target=targets.get(zone.pk),
                joins=[(month, joins.get((zone.pk, month), 0)) for month in months],
                departures=[(month, departures.get((zone.pk, month), 0)) for month in months],
            )
        )
    return result


def _per_month(queryset, date_field: str) -> dict[tuple[int, datetime.date], int]:
    """Distinct organisations per (zone, month): a firm joining the cluster and its club the same month counts once."""
    rows = (
        queryset.annotate(month=TruncMonth(date_field))
        .values("organisation__zone", "month")
        .annotate(n=Count("organisation", distinct=True))
    )
    return {(row["organisation__zone"], _as_date(row["month"])): row["n"] for row in rows}


def _as_date(value) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


def cluster_totals(zones: list[ZoneGrowth]) -> dict:
    established = sum(z.firms_established for z in zones)
    members = sum(z.members for z in zones)
    sse = sum(z.sse for z in zones)
    target = sum(z.target for z in zones if z.target)
    months = [month for month, _n in zones[0].joins] if zones else []
    return {
        "established": established,
        "members": members,
        "penetration": round(100 * members / established, 1) if established else 0.0,
        "sse": sse,
        "classic": sum(z.classic for z in zones),
        "other": sum(z.other for z in zones),
        "sse_share": round(100 * sse / members) if members else 0,
        "target": target or None,
        "joins": [(month, sum(z.joins[i][1] for z in zones)) for i, month in enumerate(months)],
        "departures": [(month, sum(z.departures[i][1] for z in zones)) for i, month in enumerate(months)],
    }


def all_member_counts() -> dict:
    """Members anywhere in the cluster, zone or not (the home page's figure), for the public summary."""
    active = Organisation.objects.filter(memberships__status=MembershipStatus.ACTIVE)
    return active.aggregate(
        total=Count("pk", distinct=True), sse=Count("pk", distinct=True, filter=Q(kind__in=SSE_KINDS))
    )
