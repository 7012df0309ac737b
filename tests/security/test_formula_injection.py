"""Every CSV and XLSX the portal writes neutralises cells a spreadsheet would run as a formula.

A cell that begins with =, +, -, @, a tab or a carriage return is written as text: in CSV with a
leading apostrophe, in XLSX as a text cell marked "quote prefix" (shown unchanged, never a formula,
even when someone edits it). One helper in portal/exports.py does it for every export.
"""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from knowledge.exchange import exports as exchange_exports
from knowledge.exchange.models import Direction, ExchangeSession, Interest, ResourceSheet
from portal import exports
from portal.clubs import exports as club_exports
from portal.clubs import services as club_services
from portal.clubs.models import SurveyInvitation
from portal.members.models import Organisation
from tests.factories import ClubFactory, OrganisationFactory, ZoneFactory

DANGEROUS = ['=HYPERLINK("http://evil.example")', "+33 1 23", "-2+3", "@SUM(A1)", "\tx", "\rx"]


@pytest.mark.parametrize("value", DANGEROUS)
def test_the_helper_makes_csv_values_text(value):
    assert exports.csv_value(value) == "'" + value


@pytest.mark.parametrize("value", ["Léa", "", "a=b", "2024-01-01", 3, None, -2, datetime.date(2024, 1, 1)])
def test_the_helper_leaves_other_values_alone(value):
    assert exports.csv_value(value) == value


def _saved_and_loaded(workbook):
    return load_workbook(io.BytesIO(exports.workbook_bytes(workbook)))


@pytest.mark.django_db  # the workbook names the cluster as its author: the site setting is read
@pytest.mark.parametrize("write_only", [False, True])
def test_the_helper_makes_xlsx_cells_text(write_only):
    workbook = Workbook(write_only=write_only)
    sheet = workbook.create_sheet("S") if write_only else workbook.active
    sheet.append(exports.sheet_row(sheet, [*DANGEROUS, "Léa", 3]))
    loaded = _saved_and_loaded(workbook).worksheets[0]
    cells = list(loaded.iter_rows())[0]
    for cell, value in zip(cells, DANGEROUS, strict=False):
        assert cell.data_type == "s" and cell.quotePrefix and cell.value == value
    assert cells[-2].value == "Léa" and not cells[-2].quotePrefix and cells[-1].value == 3


def _all_text_cells(workbook):
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row if cell.value]


def assert_neutralised(workbook, values):
    cells = {cell.value: cell for cell in _all_text_cells(workbook) if isinstance(cell.value, str)}
    for value in values:
        assert value in cells, value
        assert cells[value].data_type == "s" and cells[value].quotePrefix, value


@pytest.mark.django_db  # the workbook names the cluster as its author: the site setting is read
def test_the_exchange_workbooks_neutralise_formulas():
    firm = Organisation(name="@Entreprise", phone="+33 5 55 00 00 00", email="")
    sheet = ResourceSheet(title="=1+1", description="-Palettes", organisation=firm, direction=Direction.OFFER)
    session = ExchangeSession(title="Bourse", date=datetime.date(2026, 3, 1))
    contacts = exchange_exports.ContactBook(agreed=set(), first_of_organisation={})
    content = exchange_exports.firm_workbook(session, Organisation(name="A"), [Interest(sheet=sheet)], contacts)
    assert_neutralised(load_workbook(io.BytesIO(content)), ["=1+1", "-Palettes", "@Entreprise", "+33 5 55 00 00 00"])


@pytest.mark.django_db
def test_the_survey_export_neutralises_formulas(administrator):
    zone = ZoneFactory()
    firm = OrganisationFactory(zone=zone, name="=cmd|' /C calc'!A0")
    survey = club_services.survey_open(
        title="Besoins",
        club=ClubFactory(zone=zone),
        closes_on=datetime.date.today() + datetime.timedelta(days=9),
        by=administrator,
    )
    invitation = SurveyInvitation.objects.get(survey=survey, organisation=firm)
    club_services.survey_answer(
        token=club_services.invitation_token(invitation),
        answers=[{"problem": "waste", "importance": 3, "comment": "@bennes"}],
        free_text="+une crèche",
    )
    workbook = load_workbook(io.BytesIO(club_exports.survey_workbook(survey)))
    assert_neutralised(workbook, ["=cmd|' /C calc'!A0", "+une crèche"])


@pytest.mark.django_db
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_admin_list_exports_neutralise_formulas(client, administrator, file_format):
    ClubFactory(name='=HYPERLINK("http://evil.example")', zone=ZoneFactory(name="@zone"))
    client.force_login(administrator)
    response = client.post(reverse("clubs:index") + f"?export={file_format}")
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if file_format == "csv":
        rows = list(csv.reader(io.StringIO(content.decode())))
        assert rows[1][:2] == ['\'=HYPERLINK("http://evil.example")', "'@zone"]
    else:
        assert_neutralised(load_workbook(io.BytesIO(content)), ['=HYPERLINK("http://evil.example")', "@zone"])
