"""The attendance sheet of an event, as CSV (for a spreadsheet in French: ";" and a BOM) or XLSX."""

import csv
import io

from django.http import HttpResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from portal import exports

from . import selectors


def _headers() -> list[str]:
    return [_("Name"), _("Organisation"), _("E-mail"), _("Member"), _("Status"), _("Registered on"), _("Signature")]


def _rows(event) -> list[list]:
    return [
        [
            registration.name,
            registration.organisation_name,
            registration.email,
            _("yes") if registration.person_id else _("no"),
            registration.get_status_display(),
            timezone.localtime(registration.created_at),
            "",
        ]
        for registration in selectors.attendance_registrations(event)
    ]


def _filename(event, extension: str) -> str:
    return f"emargement-{event.slug}.{extension}"


def attendance_csv(event) -> HttpResponse:
    buffer = io.StringIO()
    buffer.write("\ufeff")  # so that spreadsheets open it as UTF-8
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(_headers())
    for row in _rows(event):
        row[5] = date_format(row[5], "SHORT_DATETIME_FORMAT")
        writer.writerow([exports.csv_value(value) for value in row])
    return exports.download(buffer.getvalue(), filename=_filename(event, "csv"), content_type=exports.CSV_CONTENT_TYPE)


def attendance_xlsx(event) -> HttpResponse:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Attendance")[:31]
    workbook.properties.title = event.title
    sheet.append(_headers())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in _rows(event):
        row[5] = row[5].replace(tzinfo=None)  # local time: spreadsheets know no time zones
        sheet.append(exports.sheet_row(sheet, row))
        sheet.cell(row=sheet.max_row, column=6).number_format = "dd/mm/yyyy hh:mm"
    sheet.freeze_panes = "A2"
    for index, width in enumerate((28, 28, 32, 10, 22, 18, 30), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    # Printed, each page says which event the sheet is for.
    sheet.oddHeader.center.text = f"{event.title} — {date_format(timezone.localtime(event.start), 'DATE_FORMAT')}"
    sheet.print_title_rows = "1:1"
    return exports.xlsx_download(workbook, filename=_filename(event, "xlsx"))
