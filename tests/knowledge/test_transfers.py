"""The SSE ↔ classic transfer dashboard: adoption marks counted by the kinds of the contributing and
the adopting organisations, per year and per axis, as coordinators and administrators read them.

The expected figures are recomputed here from the raw adoption rows, independently of the selector.
"""

import collections
import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from knowledge import selectors
from knowledge.models import Adoption
from portal.members.models import SSE_KINDS, OrganisationKind, PersonRole
from tests.factories import AxisFactory, BestPracticeFactory, OrganisationFactory, PersonFactory

URL = reverse("knowledge:transfers")
FLOWS = [("sse", "classic_firm"), ("classic_firm", "sse"), ("sse", "sse"), ("classic_firm", "classic_firm")]


def sector(organisation) -> str:
    if organisation.kind in SSE_KINDS:
        return "sse"
    return "classic_firm" if organisation.kind == OrganisationKind.CLASSIC_FIRM else "other"


def adopt(record, organisation, when: datetime.datetime) -> Adoption:
    adoption = Adoption.objects.create(record=record, organisation=organisation)
    Adoption.objects.filter(pk=adoption.pk).update(created_at=when)  # created_at is set on creation
    return adoption


def at(year, month=6, day=15, hour=12):
    return timezone.make_aware(datetime.datetime(year, month, day, hour))


@pytest.fixture
def adoptions(db):
    """Adoptions across two axes and three years, every flow, plus one involving a local authority."""
    circular, food = AxisFactory(title="Économie circulaire"), AxisFactory(title="Alimentation durable")
    scop = OrganisationFactory(name="Scop Bois", kind=OrganisationKind.COOPERATIVE)
    asso = OrganisationFactory(name="Recyclerie", kind=OrganisationKind.ASSOCIATION, siret="")
    insertion = OrganisationFactory(name="Chantier d'insertion", kind=OrganisationKind.INTEGRATION_ENTERPRISE)
    garage = OrganisationFactory(name="Garage Martin", kind=OrganisationKind.CLASSIC_FIRM)
    bakery = OrganisationFactory(name="Boulangerie Dupont", kind=OrganisationKind.CLASSIC_FIRM)
    town = OrganisationFactory(name="Mairie", kind=OrganisationKind.LOCAL_AUTHORITY, siret="")

    pallets = BestPracticeFactory(title="Palettes", axis=circular, organisation=scop)
    bins = BestPracticeFactory(title="Bennes partagées", axis=circular, organisation=garage)
    canteen = BestPracticeFactory(title="Cantine commune", axis=food, organisation=asso)
    bread = BestPracticeFactory(title="Invendus de pain", axis=food, organisation=bakery, status="archived")

    adopt(pallets, garage, at(2024))  # SSE → classic
    adopt(pallets, bakery, at(2025, 1, 1, 0))  # SSE → classic, New Year's night in Paris
    adopt(pallets, asso, at(2025))  # SSE → SSE
    adopt(pallets, town, at(2025))  # other
    adopt(bins, scop, at(2024))  # classic → SSE
    adopt(bins, bakery, at(2026))  # classic → classic
    adopt(canteen, garage, at(2026))  # SSE → classic
    adopt(canteen, insertion, at(2026))  # SSE → SSE
    adopt(bread, asso, at(2025))  # classic → SSE (the record is archived since: it still counts)
    return {"circular": circular, "food": food}


def expected(*, axis=None, year=None):
    """From the raw rows: {year: Counter(flow)}, {axis_id: Counter(flow)}, and the "other" count."""
    by_year, by_axis = collections.defaultdict(collections.Counter), collections.defaultdict(collections.Counter)
    other = 0
    for adoption in Adoption.objects.select_related("record__organisation", "organisation"):
        flow = (sector(adoption.record.organisation), sector(adoption.organisation))
        adoption_year = timezone.localtime(adoption.created_at).year
        in_axis = axis is None or adoption.record.axis_id == axis.pk
        in_year = year is None or adoption_year == year
        if flow not in FLOWS:
            other += in_axis and in_year
            continue
        if in_axis:
            by_year[adoption_year][flow] += 1
        if in_year:
            by_axis[adoption.record.axis_id][flow] += 1
    return by_year, by_axis, other


@pytest.mark.parametrize("narrow", [{}, {"axis": "circular"}, {"year": 2025}, {"axis": "food", "year": 2026}])
def test_the_figures_match_a_count_from_the_raw_rows(adoptions, narrow):
    axis = adoptions[narrow["axis"]] if "axis" in narrow else None
    year = narrow.get("year")
    by_year, by_axis, other = expected(axis=axis, year=year)

    data = selectors.adoption_transfers(axis=axis, year=year)

    assert {int(row.label): row.counts for row in data.by_year if row.total} == {
        y: [counts[flow] for flow in FLOWS] for y, counts in by_year.items() if year in (None, y)
    }
    assert {row.key.pk: row.counts for row in data.by_axis if row.total} == {
        pk: [counts[flow] for flow in FLOWS]
        for pk, counts in by_axis.items()
        if (axis is None or pk == axis.pk) and sum(counts.values())
    }
    assert data.other == other
    assert data.total == sum(row.total for row in data.by_year) == sum(row.total for row in data.by_axis)


def test_all_years_at_a_glance(adoptions):
    data = selectors.adoption_transfers()
    # Paris local time: the adoption of 1 January 2025 at midnight counts in 2025, not 2024.
    assert [(row.label, row.counts) for row in data.by_year] == [
        ("2024", [1, 1, 0, 0]),
        ("2025", [1, 1, 1, 0]),
        ("2026", [1, 0, 1, 1]),
    ]
    assert data.totals == [3, 2, 2, 1] and data.other == 1
    assert data.years == [2024, 2025, 2026]


def page_client(role=PersonRole.COORDINATOR):
    client = Client(headers={"accept-language": "en"})
    client.force_login(PersonFactory(role=role).user)
    return client


def test_coordinators_and_administrators_see_the_dashboard_with_its_table(adoptions):
    response = page_client().get(URL, {"axe": adoptions["circular"].slug})
    assert response.status_code == 200
    page = response.content.decode()
    assert "<caption>Adoptions per year" in page and 'scope="row">2024</th>' in page
    assert [(row.label, row.counts) for row in response.context["data"].by_year] == [
        ("2024", [1, 1, 0, 0]),
        ("2025", [1, 0, 1, 0]),
        ("2026", [0, 0, 0, 1]),
    ]
    # The chart's bars are sized on the busiest year, and hidden from screen readers (the table speaks).
    assert 'aria-hidden="true"' in page and "pct-50" in page  # a width class: no inline style under the CSP
    assert page_client(PersonRole.ADMINISTRATOR).get(URL).status_code == 200


def test_members_and_visitors_are_refused(adoptions):
    assert page_client(PersonRole.MEMBER).get(URL).status_code == 403
    visitor = Client().get(URL)
    assert visitor.status_code == 302 and "next=" in visitor["Location"]


def test_bad_filters_are_ignored_and_an_empty_selection_says_so(adoptions):
    client = page_client()
    response = client.get(URL, {"axe": "x" * 5000, "annee": "<script>"})
    assert response.status_code == 200 and response.context["data"].total == 8
    empty = client.get(URL, {"annee": "1999"}).content.decode()
    assert "No organisation has declared adopting a best practice yet" in empty
