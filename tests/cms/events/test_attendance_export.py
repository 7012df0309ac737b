"""The attendance sheet: the event's axis's coordinators (or club's animators) and administrators
download it, as XLSX or CSV; nobody else."""

import csv
import io

import pytest
from openpyxl import load_workbook

from cms.events import services
from cms.events.models import EventPage
from portal.members.models import PersonRole, Role
from tests.factories import AxisFactory, PersonFactory


@pytest.fixture
def axis(event):
    """The axis the event (on the site's own calendar) names: it is its coordinators' event."""
    axis = AxisFactory(title="Mobilité")
    EventPage.objects.filter(pk=event.pk).update(axis=axis)
    event.axis = axis
    return axis


@pytest.fixture
def coordinator(axis, grant):
    return grant(PersonFactory(), Role.COORDINATOR, axis).user


@pytest.fixture
def registrations(event):
    """Three places: three confirmed, one waiting, one cancelled (left out of the sheet)."""
    made = [
        services.registration_create(event=event, name=name, email=email, organisation_name=organisation)
        for name, email, organisation in [
            ("Léa Fontaine", "lea@example.org", "Recyclerie du Val"),
            ('=HYPERLINK("http://evil.example")', "formule@example.org", "+33 Injection"),
            ("Marc Dupuis", "marc@example.org", ""),
            ("Annulée", "annulee@example.org", ""),
        ]
    ]
    services.registration_cancel(token=made[3].cancel_token)
    made.append(services.registration_create(event=event, name="En attente", email="attente@example.org"))
    return made


def sheet_url(event, file_format):
    return event.url + event.reverse_subpage("attendance", args=[file_format])


def test_the_axis_coordinator_downloads_the_xlsx_sheet(event, registrations, client, coordinator):
    client.force_login(coordinator)
    response = client.get(sheet_url(event, "xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "no-store" in response["Cache-Control"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 1 + 4
    emails = [row[2] for row in rows[1:]]
    assert emails == ["lea@example.org", "formule@example.org", "marc@example.org", "attente@example.org"]
    # A name that looks like a formula stays text.
    formula_cell = sheet.cell(row=3, column=1)
    assert formula_cell.data_type == "s" and formula_cell.value.startswith("=HYPERLINK")
    # …marked "quote prefix", like "+33 Injection": still text when someone edits the cell.
    assert formula_cell.quotePrefix and sheet.cell(row=3, column=2).quotePrefix
    assert rows[1][5] is not None  # registration date, as a date the spreadsheet can sort


def test_an_administrator_downloads_the_csv_sheet(event, registrations, client, administrator):
    client.force_login(administrator)
    response = client.get(sheet_url(event, "csv"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="emargement-{event.slug}.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 1 + 4
    assert [row[2] for row in rows[1:]][-1] == "attente@example.org"
    assert rows[2][0].startswith("'=") and rows[2][1].startswith("'+")  # no formula when opened


@pytest.mark.parametrize("role", [PersonRole.MEMBER, PersonRole.COORDINATOR, PersonRole.ORGANISER])
def test_other_people_may_not_download_it(event, registrations, client, role, axis):
    assert client.get(sheet_url(event, "xlsx")).status_code == 302  # anonymous: to the login page
    # A member, a coordinator of no axis, an animator of every club: none is in charge of this event.
    client.force_login(PersonFactory(role=role).user)
    assert client.get(sheet_url(event, "xlsx")).status_code == 403
    assert client.get(sheet_url(event, "csv")).status_code == 403
    assert "emargement" not in client.get(event.url).content.decode()


def test_the_event_page_links_its_coordinators_to_the_sheet(event, client, coordinator):
    client.force_login(coordinator)
    body = client.get(event.url).content.decode()
    assert sheet_url(event, "xlsx") in body and sheet_url(event, "csv") in body
