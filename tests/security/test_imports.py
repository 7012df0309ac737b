"""Firm imports read no further than the row limit, and refuse an XLSX that unpacks out of proportion
(a "zip bomb"): a clear French error, nothing written."""

import io
import zipfile

import pytest
from openpyxl import Workbook

from portal.clubs import firm_files
from portal.clubs.firm_files import ImportFileError, read_rows
from portal.exports import workbook_bytes

# Writing a workbook names the cluster as its author (portal.identity): the site setting is read.
pytestmark = pytest.mark.django_db

HEADER = ["Raison sociale", "SIRET"]


def _xlsx(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    return workbook_bytes(workbook)


def test_a_csv_stops_being_read_at_the_row_limit(monkeypatch):
    monkeypatch.setattr(firm_files, "MAX_ROWS", 3)
    lines = ["Raison sociale;SIRET"] + [f"Firme {n};73282932000074" for n in range(5)]
    lines.append('"' + "x" * (200 * 1024))  # unreadable by the csv module, past the limit: never reached
    with pytest.raises(ImportFileError, match="dépasse 3 lignes"):
        read_rows("firmes.csv", "\n".join(lines).encode())


def test_an_xlsx_stops_being_read_at_the_row_limit(monkeypatch):
    monkeypatch.setattr(firm_files, "MAX_ROWS", 3)
    content = _xlsx([HEADER] + [[f"Firme {n}", "73282932000074"] for n in range(100)])
    read = []
    original = firm_files._cell_text
    monkeypatch.setattr(firm_files, "_cell_text", lambda cell: read.append(cell) or original(cell))
    with pytest.raises(ImportFileError, match="dépasse 3 lignes"):
        read_rows("firmes.xlsx", content)
    assert len(read) <= 2 * (1 + 3 + 1)  # the header, the rows allowed and the one too many


def test_an_xlsx_that_unpacks_out_of_proportion_is_refused():
    content = _xlsx([HEADER, ["Firme", "73282932000074"]])
    bomb = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as original, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as out:
        for item in original.infolist():
            out.writestr(item, original.read(item.filename))
        out.writestr("xl/media/padding.bin", b"\0" * (200 * 1024 * 1024))
    assert len(bomb.getvalue()) < 1024 * 1024
    with pytest.raises(ImportFileError, match="disproportionné"):
        read_rows("firmes.xlsx", bomb.getvalue())


def test_an_ordinary_xlsx_is_still_read():
    columns, data = read_rows("firmes.xlsx", _xlsx([HEADER, ["Firme", "73282932000074"]]))
    assert columns == {"name": 0, "siret": 1} and data == [(2, ["Firme", "73282932000074"])]
