"""Membership growth per zone: every figure recomputed from the raw rows, in a fixed number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from portal.clubs import selectors as club_selectors
from portal.clubs.models import GrowthTarget
from portal.members.models import SSE_KINDS, Membership, MembershipStatus, Organisation, OrganisationKind
from tests.factories import ClubFactory, MembershipFactory, OrganisationFactory, ZoneFactory

from .conftest import animate

TODAY = datetime.date(2026, 11, 23)
KINDS = [OrganisationKind.CLASSIC_FIRM, OrganisationKind.COOPERATIVE, OrganisationKind.ASSOCIATION,
         OrganisationKind.LOCAL_AUTHORITY, OrganisationKind.CLASSIC_FIRM]  # fmt: skip


def _populate(zone_count=3, firms_per_zone=12):
    zones = []
    for z in range(zone_count):
        zone = ZoneFactory(firms_established=[300, 5, 40][z % 3])
        club = ClubFactory(zone=zone)
        GrowthTarget.objects.create(zone=zone, year=2026, target_members=[80, 10, 20][z % 3])
        GrowthTarget.objects.create(zone=zone, year=2025, target_members=1)
        for n in range(firms_per_zone):
            firm = OrganisationFactory(zone=zone, kind=KINDS[n % len(KINDS)])
            started = datetime.date(2025 + n % 2, 1 + (n * 5 + z) % 11, 1 + n % 27)
            if n % 3 == 0:
                MembershipFactory(organisation=firm, started_on=started)  # cluster
                MembershipFactory(organisation=firm, club=club, started_on=started)  # club, same day: one join
            elif n % 3 == 1:
                MembershipFactory(organisation=firm, status=MembershipStatus.LEFT, started_on=datetime.date(2024, 3, 1),
                                  ended_on=datetime.date(2026, 1 + n % 10, 15))  # fmt: skip
            if n % 3 == 2 and n % 2 == 0:
                MembershipFactory(organisation=firm, club=club, status=MembershipStatus.PENDING, started_on=started)
        zones.append(zone)
    OrganisationFactory(zone=None)  # members without a zone do not count per zone
    return zones


def _expected(zone):
    firms = list(Organisation.objects.filter(zone=zone))
    members = [f for f in firms if Membership.objects.filter(organisation=f, status="active").exists()]
    months = club_selectors.last_months(TODAY)
    joins, departures = [], []
    for month in months:

        def same_month(day, month=month):
            return day is not None and (day.year, day.month) == (month.year, month.month)

        joins.append((month, len({m.organisation_id for m in Membership.objects.filter(organisation__zone=zone)
                                  if m.status != "pending" and same_month(m.started_on)})))  # fmt: skip
        departures.append((month, len({m.organisation_id for m in Membership.objects.filter(organisation__zone=zone)
                                       if m.status == "left" and same_month(m.ended_on)})))  # fmt: skip
    target = GrowthTarget.objects.get(zone=zone, year=2026).target_members
    return {
        "firms_established": max(zone.firms_established, len(firms)),
        "registered": len(firms),
        "members": len(members),
        "sse": sum(1 for f in members if f.kind in SSE_KINDS),
        "classic": sum(1 for f in members if f.kind == OrganisationKind.CLASSIC_FIRM),
        "other": sum(1 for f in members if f.kind not in SSE_KINDS and f.kind != OrganisationKind.CLASSIC_FIRM),
        "target": target,
        "joins": joins,
        "departures": departures,
    }


def test_dashboard_figures_match_the_raw_rows(db):
    zones = _populate()
    result = {g.zone.pk: g for g in club_selectors.zone_growth(year=2026, today=TODAY)}
    for zone in zones:
        expected = _expected(zone)
        got = result[zone.pk]
        assert {key: getattr(got, key) for key in expected} == expected
        assert got.penetration == round(100 * expected["members"] / expected["firms_established"], 1)
    # A zone with more registered firms than declared: the registered count wins.
    small = result[zones[1].pk]
    assert small.firms_established == 12 and small.registered == 12
    assert sum(n for _m, n in small.joins) > 0 and sum(n for _m, n in small.departures) > 0
    totals = club_selectors.cluster_totals(list(result.values()))
    assert totals["members"] == sum(_expected(z)["members"] for z in zones)
    assert totals["target"] == 110


def test_dashboard_query_count_does_not_grow_with_zones_or_firms(client, administrator):
    _populate(zone_count=2, firms_per_zone=4)
    client.force_login(administrator)
    url = reverse("club:growth")
    client.get(url)  # warm caches (session, permissions)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _populate(zone_count=9, firms_per_zone=15)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert response.status_code == 200
    assert len(large) == len(small) <= 15, [q["sql"][:120] for q in large.captured_queries]


@pytest.mark.parametrize("year", ["2026", "abc", "1900", ""])
def test_dashboard_is_for_animators_of_their_zones_and_ignores_odd_years(client, organiser, member, year):
    mine, other = _populate(zone_count=2, firms_per_zone=3)
    client.force_login(member)
    assert client.get(reverse("club:growth")).status_code == 403
    client.force_login(organiser)
    assert client.get(reverse("club:growth")).status_code == 403  # animates no club yet
    animate(organiser, mine)
    response = client.get(reverse("club:growth"), {"annee": year})
    assert response.status_code == 200
    assert [growth.zone for growth in response.context["zones"]] == [mine]


def test_public_summary_shows_key_figures_without_firm_names(client, db):
    zones = _populate(zone_count=1, firms_per_zone=6)
    response = client.get(reverse("club:figures"))
    assert response.status_code == 200
    text = response.content.decode()
    assert escape(zones[0].name) in text
    assert not any(escape(firm.name) in text for firm in Organisation.objects.filter(zone=zones[0]))
