"""Membership growth per zone and per club: every figure recomputed from the raw rows (the memberships
valid on the day, by their dates), for this year and a past one, in a fixed number of queries."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from portal.clubs import selectors as club_selectors
from portal.clubs import services as club_services
from portal.clubs.models import Club, GrowthTarget
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


def _valid_on(membership, day):
    """A membership counts on `day` when it had started and not yet ended (a request is no membership)."""
    return (
        membership.status != MembershipStatus.PENDING
        and membership.started_on <= day
        and (membership.ended_on is None or membership.ended_on >= day)
    )


def _expected(zone, year=2026):
    day = TODAY if year == TODAY.year else datetime.date(year, 12, 31)
    firms = list(Organisation.objects.filter(zone=zone))
    members = [f for f in firms if any(_valid_on(m, day) for m in Membership.objects.filter(organisation=f))]
    months = club_selectors.last_months(day)
    joins, departures = [], []
    for month in months:

        def same_month(day, month=month):
            return day is not None and (day.year, day.month) == (month.year, month.month)

        joins.append((month, len({m.organisation_id for m in Membership.objects.filter(organisation__zone=zone)
                                  if m.status != "pending" and same_month(m.started_on)})))  # fmt: skip
        departures.append((month, len({m.organisation_id for m in Membership.objects.filter(organisation__zone=zone)
                                       if m.status == "left" and same_month(m.ended_on)})))  # fmt: skip
    target = GrowthTarget.objects.get(zone=zone, year=year).target_members
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


def test_a_past_year_counts_the_memberships_valid_at_its_end_against_its_target(db):
    zones = _populate()
    result = {g.zone.pk: g for g in club_selectors.zone_growth(year=2025, today=TODAY)}
    for zone in zones:
        expected = _expected(zone, year=2025)
        assert {key: getattr(result[zone.pk], key) for key in expected} == expected
        assert result[zone.pk].target == 1

    # One zone, one firm of each kind of history.
    zone = ZoneFactory(firms_established=10)
    GrowthTarget.objects.create(zone=zone, year=2025, target_members=4)
    always, late, gone, stayed = (OrganisationFactory(zone=zone) for _n in range(4))
    MembershipFactory(organisation=always, started_on=datetime.date(2019, 1, 1))
    MembershipFactory(organisation=late, started_on=datetime.date(2026, 2, 1))  # joined after 2025
    MembershipFactory(organisation=gone, status=MembershipStatus.LEFT, started_on=datetime.date(2020, 1, 1),
                      ended_on=datetime.date(2025, 6, 30))  # fmt: skip  # left during 2025
    MembershipFactory(organisation=stayed, status=MembershipStatus.LEFT, started_on=datetime.date(2020, 1, 1),
                      ended_on=datetime.date(2026, 3, 31))  # fmt: skip  # a member at the end of 2025
    [past] = club_selectors.zone_growth(year=2025, today=TODAY, zone_ids={zone.pk})
    [now] = club_selectors.zone_growth(year=2026, today=TODAY, zone_ids={zone.pk})
    assert (past.members, past.target, past.to_go) == (2, 4, 2)  # always and stayed
    assert (now.members, now.target) == (2, None)  # always and late
    [in_2019] = club_selectors.zone_growth(year=2019, today=TODAY, zone_ids={zone.pk})
    assert in_2019.members == 1


def test_a_club_has_its_own_target_and_after_a_merger_covers_both_zones(db, administrator):
    north, south = ZoneFactory(name="Nord", firms_established=100), ZoneFactory(name="Sud", firms_established=50)
    into, absorbed = ClubFactory(zone=north, name="Club Nord"), ClubFactory(zone=south, name="Club Sud")
    GrowthTarget.objects.create(club=into, year=2026, target_members=30)
    GrowthTarget.objects.create(club=absorbed, year=2026, target_members=12)
    GrowthTarget.objects.create(club=absorbed, year=2027, target_members=20)
    for zone, club, count in [(north, into, 3), (south, absorbed, 2)]:
        for _n in range(count):
            MembershipFactory(organisation=OrganisationFactory(zone=zone), club=club,
                              started_on=datetime.date(2025, 5, 1))  # fmt: skip
    # A firm of the north zone in the cluster only: a member of the zone, not of the club.
    MembershipFactory(organisation=OrganisationFactory(zone=north), started_on=datetime.date(2025, 5, 1))

    def figures():
        zones = club_selectors.zone_growth(year=2026, today=TODAY)
        return {g.club.name: g for g in club_selectors.club_growth(year=2026, today=TODAY, zones=zones)}

    before = figures()
    assert (before["Club Nord"].members, before["Club Nord"].target, before["Club Nord"].to_go) == (3, 30, 27)
    assert (before["Club Sud"].members, before["Club Sud"].firms_established) == (2, 50)

    club_services.club_merge(absorbed=absorbed, into=into, by=administrator, merged_on=datetime.date(2026, 6, 1))
    after = figures()
    assert list(after) == ["Club Nord"]
    merged = after["Club Nord"]
    assert [zone.name for zone in merged.zones] == ["Nord", "Sud"]
    assert (merged.members, merged.firms_established, merged.target) == (5, 150, 42)
    assert GrowthTarget.objects.get(club=into, year=2027).target_members == 20
    # The year before the merger: the firms of both clubs, by their membership dates, count for it.
    zones = club_selectors.zone_growth(year=2025, today=TODAY)
    assert club_selectors.club_growth(year=2025, today=TODAY, zones=zones)[0].members == 5


def test_a_target_is_a_zone_s_or_a_club_s_never_both_nor_none(db):
    zone = ZoneFactory()
    club = ClubFactory(zone=zone)
    with pytest.raises(ValidationError):
        GrowthTarget(zone=zone, club=club, year=2026, target_members=5).full_clean()
    with pytest.raises(ValidationError):
        GrowthTarget(year=2026, target_members=5).full_clean()
    GrowthTarget.objects.create(club=club, year=2026, target_members=5)
    with pytest.raises(ValidationError, match="déjà un objectif"):
        GrowthTarget(club=club, year=2026, target_members=6).full_clean()


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
    other_club = Club.objects.get(zone=other)
    client.force_login(member)
    assert client.get(reverse("club:growth")).status_code == 403
    client.force_login(organiser)
    assert client.get(reverse("club:growth")).status_code == 403  # animates no club yet
    animate(organiser, mine)
    response = client.get(reverse("club:growth"), {"annee": year})
    assert response.status_code == 200
    assert [growth.zone for growth in response.context["zones"]] == [mine]
    clubs = [growth.club for growth in response.context["clubs"]]
    assert clubs == [Club.objects.get(zone=mine)] and other_club not in clubs
    this_year = timezone.localdate().year
    warned = "n’est pas une année du tableau de bord" in response.content.decode()
    assert warned == (year in {"abc", "1900"})
    assert response.context["year"] == (this_year if year != "2026" or this_year < 2026 else 2026)


def test_an_older_year_typed_in_the_address_is_shown_and_offered(client, organiser):
    [zone] = _populate(zone_count=1, firms_per_zone=3)
    client.force_login(animate(organiser, zone))
    response = client.get(reverse("club:growth"), {"annee": "2012"})
    assert response.context["year"] == 2012
    assert '<option value="2012" selected>' in response.content.decode()
    assert "Adhérents comptés au 31 décembre 2012" in response.content.decode()


def test_public_summary_shows_key_figures_without_firm_names(client, db):
    zones = _populate(zone_count=1, firms_per_zone=6)
    response = client.get(reverse("club:figures"))
    assert response.status_code == 200
    text = response.content.decode()
    assert escape(zones[0].name) in text
    assert not any(escape(firm.name) in text for firm in Organisation.objects.filter(zone=zones[0]))
