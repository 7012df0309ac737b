"""Files handed to a browser: one way to answer a download, and the spreadsheet constants.

Every export of the portal answers through `download`, so each one is an attachment that no
shared cache keeps (they name people) and that the privacy app's middleware can log.

Every cell the portal writes goes through `csv_value` (CSV) or `sheet_row` (XLSX): a text that
begins like a formula (=, +, -, @, tab, carriage return) is written as text, never run by the
spreadsheet that opens the file (formula or "CSV" injection).
"""

import io

from django.http import HttpResponse
from django.shortcuts import render

from portal import identity

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP_CONTENT_TYPE = "application/zip"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
SHEET_TITLE_LIMIT = 31  # Excel refuses longer sheet names
# A cell starting with one of these is run as a formula by spreadsheets (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def csv_value(value):
    """The value for a CSV cell: a text that a spreadsheet would run gets a leading apostrophe."""
    return "'" + value if looks_like_formula(value) else value


def text_cell(cell):
    """An openpyxl cell that holds a formula-like text, made text: shown unchanged, and kept as text
    even when someone edits it (the "quote prefix" of the cell's style)."""
    if looks_like_formula(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def sheet_row(worksheet, values) -> list:
    """One row for `worksheet.append` (plain or write-only workbook), every formula-like text made text."""
    from openpyxl.cell import WriteOnlyCell

    return [
        text_cell(WriteOnlyCell(worksheet, value=value)) if looks_like_formula(value) else value for value in values
    ]


def download(content: bytes | str, *, filename: str, content_type: str) -> HttpResponse:
    """An attachment named `filename`, private and never stored by a cache."""
    response = HttpResponse(content if isinstance(content, str) else bytes(content), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def download_confirm_page(request, *, title: str) -> HttpResponse:
    """The GET answer of an administrator's logged export: one button that POSTs (with the CSRF token)
    to the same address. A link, an image or a prefetch then never exports someone's data, nor logs it."""
    return render(request, "portal/download_confirm.html", {"title": title})


def workbook_bytes(workbook) -> bytes:
    """An openpyxl workbook saved in memory, as the bytes of an .xlsx file, the cluster named as its author."""
    identity.stamp_workbook(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_download(workbook_or_content, *, filename: str) -> HttpResponse:
    content = workbook_or_content if isinstance(workbook_or_content, bytes | bytearray | memoryview) else None
    if content is None:
        content = workbook_bytes(workbook_or_content)
    return download(content, filename=filename, content_type=XLSX_CONTENT_TYPE)
