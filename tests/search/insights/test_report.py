"""The report of the searches made: coordinators read those of their axis, administrators all of them,
members none; the spreadsheet holds the same lists with every typed search kept as text."""

import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from search import services
from search.models import SearchLog
from tests.matrix.kit import actor, build_world

pytestmark = pytest.mark.django_db

REPORT, EXPORT = reverse("search_insights:report"), reverse("search_insights:export")


@pytest.fixture
def world():
    world = build_world()
    for _n in range(3):
        services.search_log_record(query="méthanisation", results=0, facet_values=[("axis", str(world.axis_in))])
    services.search_log_record(query="photovoltaïque", results=0, facet_values=[("axis", str(world.axis_out))])
    services.search_log_record(query="=HYPERLINK(1)", results=0, facet_values=[("axis", str(world.axis_in))])
    services.search_log_record(query="sans axe", results=0)
    for rank in (None, None, None, None, 1):
        log = services.search_log_record(query="compost", results=4, facet_values=[("axis", str(world.axis_in))])
        if rank:
            services.search_click_record(log_id=log.pk, rank=rank)
    return world


def client_of(user) -> Client:
    client = Client(headers={"accept-language": "en"})
    if user is not None:
        client.force_login(user)
    return client


def test_a_coordinator_reads_the_searches_of_their_axis_only(world):
    page = client_of(actor("coordinator", world)).get(REPORT).content.decode()

    nothing = page.split('id="zero-results"')[1].split('id="low-clicks"')[0]
    assert "methanisation" in nothing and "photovoltaique" not in page and "sans axe" not in page
    assert '<td class="number">3</td>' in nothing
    little = page.split('id="low-clicks"')[1].split('id="most-searched"')[0]
    assert "compost" in little and "1 (20 %)" in little


def test_an_administrator_reads_every_search(world):
    page = client_of(actor("administrator", world)).get(REPORT).content.decode()

    for query in ("methanisation", "photovoltaique", "sans axe", "compost"):
        assert query in page


@pytest.mark.parametrize("role", ["member", "animator", "exchange_organiser"])
def test_nobody_else_reads_anyone_s_searches(world, role):
    client = client_of(actor(role, world))

    assert client.get(REPORT).status_code == 403
    assert client.get(EXPORT).status_code == 403


def test_a_visitor_is_sent_to_sign_in(world):
    response = client_of(None).get(REPORT)

    assert (
        response.status_code == 302
        and "login" in response.headers["Location"]
        or "connexion" in response.headers["Location"]
    )


def test_the_spreadsheet_holds_the_three_lists_with_formulas_kept_as_text(world):
    response = client_of(actor("coordinator", world)).get(EXPORT)

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="recherches-')
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Found nothing", "Little followed", "Most searched"]
    nothing = [[cell.value for cell in row] for row in workbook["Found nothing"].iter_rows()]
    assert nothing[0][:2] == ["Search", "Searches"]
    assert [row[0] for row in nothing[1:]] == ["methanisation", "=hyperlink(1)"]
    formula_cell = workbook["Found nothing"]["A3"]
    assert formula_cell.data_type == "s" and formula_cell.quotePrefix
    assert "photovoltaique" not in str(list(workbook["Most searched"].values))
    assert SearchLog.objects.count() == 11


def test_the_admin_menu_leads_coordinators_to_the_report(world):
    coordinator = client_of(actor("coordinator", world)).get(reverse("wagtailadmin_home"))
    animator = client_of(actor("animator", world)).get(reverse("wagtailadmin_home"))

    assert REPORT in coordinator.content.decode()
    assert REPORT not in animator.content.decode()
