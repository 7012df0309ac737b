"""Files handed to a browser: one way to answer a download, and the spreadsheet constants.

Every export of the portal answers through `download`, so each one is an attachment that no
shared cache keeps (they name people) and that the privacy app's middleware can log.
"""

import io

from django.http import HttpResponse

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP_CONTENT_TYPE = "application/zip"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
SHEET_TITLE_LIMIT = 31  # Excel refuses longer sheet names


def download(content: bytes | str, *, filename: str, content_type: str) -> HttpResponse:
    """An attachment named `filename`, private and never stored by a cache."""
    response = HttpResponse(content if isinstance(content, str) else bytes(content), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def workbook_bytes(workbook) -> bytes:
    """An openpyxl workbook saved in memory, as the bytes of an .xlsx file."""
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_download(workbook_or_content, *, filename: str) -> HttpResponse:
    content = workbook_or_content if isinstance(workbook_or_content, bytes | bytearray | memoryview) else None
    if content is None:
        content = workbook_bytes(workbook_or_content)
    return download(content, filename=filename, content_type=XLSX_CONTENT_TYPE)
