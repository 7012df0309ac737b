"""Results: the funnel YES -> contacts -> synergies done per session, per club and for the cluster,
against the yearly objectives, with a chart and an XLSX export; its figures recomputed from raw rows."""

import datetime
import io
import random
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from knowledge.exchange import selectors
from knowledge.exchange.models import (
    ExchangeObjective,
    Interest,
    SessionStatus,
    Synergy,
    SynergyStatus,
)
from tests.factories import ClubFactory, OrganisationFactory

from .conftest import SessionFactory, SheetFactory

pytestmark = pytest.mark.django_db

CONTACTED = {SynergyStatus.IN_CONTACT, SynergyStatus.IN_PROGRESS, SynergyStatus.IMPLEMENTED}


@pytest.fixture
def history():
    """Two clubs and the cluster's own sessions over 2016-2017, random YES/NO and synergies in every status."""
    rng = random.Random(19)
    clubs = [ClubFactory(name="Club Nord"), ClubFactory(name="Club Sud")]
    firms = [OrganisationFactory() for _ in range(6)]
    sheets = [SheetFactory(organisation=firm) for firm in firms]
    for club in (*clubs, None):
        for year in (2016, 2017):
            session = SessionFactory(club=club, date=datetime.date(year, 10, 1), status=SessionStatus.DONE)
            for sheet in sheets:
                for firm in rng.sample([f for f in firms if f != sheet.organisation], 3):
                    interest = Interest.objects.create(
                        session=session, round=1, sheet=sheet, organisation=firm, interested=rng.random() < 0.6,
                        recorded_at=timezone.now(),
                    )  # fmt: skip
                    if interest.interested and rng.random() < 0.7:
                        status = rng.choice(SynergyStatus.values)
                        done = status == SynergyStatus.IMPLEMENTED
                        Synergy.objects.create(
                            offer=sheet, provider=sheet.organisation, beneficiary=firm, club=club, session=session,
                            interest=interest, status=status,
                            implemented_on=datetime.date(year, 12, 1) if done else None,
                            tonnes_per_year=Decimal(rng.randint(1, 9)) if done else None,
                            euros_per_year=Decimal(rng.randint(100, 900)), jobs=rng.randint(0, 2),
                            abandon_reason="Trop loin" if status == SynergyStatus.ABANDONED else "",
                        )  # fmt: skip
    ExchangeObjective.objects.create(club=clubs[0], year=2016, sessions_planned=1, synergies_planned=5)
    ExchangeObjective.objects.create(club=None, year=2017, sessions_planned=3, synergies_planned=10)
    ExchangeObjective.objects.create(club=None, year=2018, sessions_planned=2, synergies_planned=10)
    return clubs


def recomputed(sessions) -> dict:
    """The funnel's figures counted one raw row at a time."""
    ids = {s.pk for s in sessions}
    figures = dict.fromkeys(("yes", "contacted", "done", "tonnes", "euros", "jobs"), 0)
    figures["yes"] = sum(1 for i in Interest.objects.all() if i.session_id in ids and i.interested)
    for synergy in Synergy.objects.all():
        if synergy.session_id not in ids:
            continue
        figures["contacted"] += synergy.status in CONTACTED
        if synergy.status == SynergyStatus.IMPLEMENTED:
            figures["done"] += 1
            figures["tonnes"] += synergy.tonnes_per_year or 0
            figures["euros"] += synergy.euros_per_year or 0
            figures["jobs"] += synergy.jobs or 0
    return figures


def test_the_funnels_figures_are_those_of_the_raw_rows_for_a_session_a_club_and_the_cluster(history):
    from knowledge.exchange.models import ExchangeSession

    nord = history[0]
    cluster = selectors.funnel(cluster=True)
    expected = recomputed(ExchangeSession.objects.all())
    assert {key: cluster["totals"][key] for key in expected} == expected
    assert cluster["totals"]["overall_rate"] == round(100 * expected["done"] / expected["yes"])
    assert sum(row["done"] for row in cluster["clubs"]) == expected["done"]
    assert [row["name"] for row in cluster["clubs"]] == ["Club Nord", "Club Sud", "Pôle"]
    # The cluster's objectives, 2018 planned with nothing held yet.
    assert [(r["year"], r["synergies_planned"]) for r in cluster["years"]] == [(2016, None), (2017, 10), (2018, 10)]
    year_2017 = cluster["years"][1]
    assert year_2017["done"] == recomputed(ExchangeSession.objects.filter(date__year=2017))["done"]
    assert year_2017["objective_rate"] == round(100 * year_2017["done"] / 10)
    assert year_2017["sessions_held"] == 3

    club = selectors.funnel(club=nord)
    assert {k: club["totals"][k] for k in expected} == recomputed(ExchangeSession.objects.filter(club=nord))
    assert club["years"][0]["synergies_planned"] == 5 and club["clubs"] == []
    for row in club["sessions"]:
        raw = recomputed(ExchangeSession.objects.filter(pk=row["pk"]))
        assert {k: row[k] for k in raw} == raw
        if row["contacted"]:
            assert row["done_rate"] == round(100 * row["done"] / row["contacted"])


def test_the_results_page_charts_the_funnel_and_exports_it_with_formulas_neutralised(client, member, history):
    nord = history[0]
    session = nord.exchange_sessions.first()
    session.title = '=HYPERLINK("http://evil.example","clic")'
    session.save()
    client.force_login(member)
    page = client.get(reverse("exchange:results"), {"club": nord.slug})
    content = page.content.decode()
    assert page.status_code == 200 and "Club Nord" in content
    assert 'id="funnel-years"' in content and "funnel-chart" in content and 'aria-hidden="true"' in content
    assert ' style="' not in content.split("<main", 1)[1]  # the chart's widths are classes (strict CSP)
    totals = selectors.funnel(club=nord)["totals"]
    assert f"<dd>{totals['yes']}</dd>" in content

    export = client.get(reverse("exchange:results_export"), {"club": nord.slug})
    assert export.status_code == 200 and export["Content-Disposition"].endswith('.xlsx"')
    workbook = load_workbook(io.BytesIO(export.content))
    years = list(workbook["Années"].iter_rows(values_only=True))
    assert years[-1][0] == "Total" and years[-1][4] == totals["yes"] and years[-1][6] == totals["done"]
    titles = [row[1] for row in workbook["Bourses"].iter_rows(min_row=3, values_only=True)]
    assert session.title in titles
    cell = next(c for row in workbook["Bourses"].iter_rows(min_row=3) for c in row if c.value == session.title)
    assert cell.data_type == "s"  # text, never run as a formula
