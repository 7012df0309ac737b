"""The attendance sheet of an event, as CSV (for a spreadsheet in French: ";" and a BOM) or XLSX, and
the name badges of its registrants as a PDF to print (ReportLab), each with its QR code."""

import csv
import functools
import io
from pathlib import Path

import qrcode
from django.http import HttpResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from portal import exports, identity

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


# Ten badges of 90 x 55 mm on an A4 sheet (2 columns, 5 rows), the size of common badge holders.
BADGE_WIDTH, BADGE_HEIGHT = 90 * mm, 55 * mm
BADGE_COLUMNS, BADGE_ROWS = 2, 5
QR_SIZE = 26 * mm


# The badges' type: DejaVu Sans (Debian's fonts-dejavu-core, installed in the image: docker/Dockerfile)
# draws Cyrillic, Greek, Vietnamese, Armenian, Georgian… names, embedded in the PDF. Without it, the PDF's
# standard Helvetica, which only has Western European letters (other names print as black boxes).
BADGE_FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")


@functools.cache
def _badge_fonts() -> tuple[str, str]:
    """(regular, bold) font names for the badges, registered with reportlab once per process."""
    regular, bold = BADGE_FONT_DIR / "DejaVuSans.ttf", BADGE_FONT_DIR / "DejaVuSans-Bold.ttf"
    if not (regular.is_file() and bold.is_file()):
        return "Helvetica", "Helvetica-Bold"
    pdfmetrics.registerFont(TTFont("DejaVuSans", str(regular)))
    pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(bold)))
    return "DejaVuSans", "DejaVuSans-Bold"


def _fitted(text: str, font: str, size: float, width: float, smallest: float = 8) -> tuple[str, float]:
    """The text at the largest size up to `size` that fits `width`, cut with "…" below `smallest`."""
    while size > smallest and stringWidth(text, font, size) > width:
        size -= 0.5
    while len(text) > 1 and stringWidth(text, font, size) > width:
        text = text[:-2] + "…"
    return text, size


def _qr_image(code: str) -> ImageReader:
    image = qrcode.make(code, border=1)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    buffer.seek(0)
    return ImageReader(buffer)


def _badge(pdf, x: float, y: float, registration, heading: str) -> None:
    pdf.setStrokeGray(0.7)
    pdf.setDash(2, 2)  # cutting lines
    pdf.rect(x, y, BADGE_WIDTH, BADGE_HEIGHT)
    pdf.setDash()
    text_width = BADGE_WIDTH - QR_SIZE - 14 * mm
    left = x + 6 * mm
    regular, bold = _badge_fonts()
    pdf.setFillGray(0.35)
    line, size = _fitted(heading, regular, 8, BADGE_WIDTH - 12 * mm, smallest=6)
    pdf.setFont(regular, size)
    pdf.drawString(left, y + BADGE_HEIGHT - 8 * mm, line)
    pdf.setFillGray(0)
    name, size = _fitted(registration.name, bold, 18, text_width)
    pdf.setFont(bold, size)
    pdf.drawString(left, y + BADGE_HEIGHT - 22 * mm, name)
    if registration.organisation_name:
        organisation, size = _fitted(registration.organisation_name, regular, 11, text_width)
        pdf.setFont(regular, size)
        pdf.drawString(left, y + BADGE_HEIGHT - 30 * mm, organisation)
    qr_x = x + BADGE_WIDTH - QR_SIZE - 5 * mm
    qr_y = y + 9 * mm
    pdf.drawImage(_qr_image(registration.badge_code), qr_x, qr_y, QR_SIZE, QR_SIZE)
    pdf.setFont("Courier-Bold", 10)
    pdf.drawCentredString(qr_x + QR_SIZE / 2, y + 4.5 * mm, registration.badge_code)


def badges_pdf(event) -> HttpResponse:
    """One badge per confirmed registrant, in alphabetical order, ten to an A4 page."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(_("Badges: %(event)s") % {"event": event.title})
    pdf.setAuthor(identity.site_name())
    heading = f"{event.title} — {date_format(timezone.localtime(event.start), 'DATE_FORMAT')}"
    page_width, page_height = A4
    margin_x = (page_width - BADGE_COLUMNS * BADGE_WIDTH) / 2
    margin_y = (page_height - BADGE_ROWS * BADGE_HEIGHT) / 2
    per_page = BADGE_COLUMNS * BADGE_ROWS
    registrations = list(selectors.confirmed_registrations(event))
    for index, registration in enumerate(registrations):
        if index and index % per_page == 0:
            pdf.showPage()
        slot = index % per_page
        column, row = slot % BADGE_COLUMNS, slot // BADGE_COLUMNS
        x = margin_x + column * BADGE_WIDTH
        y = page_height - margin_y - (row + 1) * BADGE_HEIGHT
        _badge(pdf, x, y, registration, heading)
    if not registrations:
        pdf.setFont("Helvetica", 12)
        pdf.drawString(20 * mm, page_height - 30 * mm, _("Nobody registered to this event."))
    pdf.save()
    return exports.download(buffer.getvalue(), filename=_filename(event, "pdf").replace("emargement", "badges"),
                            content_type="application/pdf")  # fmt: skip
