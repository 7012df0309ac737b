"""Import of a zone's firms from a spreadsheet as French offices export it.

CSV from Excel comes with ";" as separator, in Windows-1252 or in UTF-8 with a byte-order mark,
with decimal commas ("12,5") and headers in French ("Raison sociale", "N° SIRET", "Effectif").
XLSX is read with openpyxl. Every line is checked (SIRET with its key, name, duplicates in the
file and in the directory); errors are listed per line, in the file's own numbering. Nothing is
written unless every line is right, or the organiser asked to import the correct lines only.
The work runs in a background task (django-tasks) that reports its progress on the import row
(services.firm_import_run); this module only reads and checks the file.
"""

import csv
import io
import itertools
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext as _

from portal.members.models import SIRET_OPTIONAL_KINDS, HeadcountBand, Organisation, OrganisationKind, Zone
from portal.members.validators import normalise_naf, normalise_siret, validate_naf, validate_siret

MAX_ROWS = 50_000
# An XLSX is a zip: refused if it would unpack to more than this, or this many times its own size
# (a few kilobytes can unpack to gigabytes); a real export of 50,000 firms stays far below both.
XLSX_MAX_UNPACKED = 200 * 1024 * 1024
XLSX_MAX_RATIO = 100
PROGRESS_EVERY = 250
BATCH_SIZE = 500

# Normalised header (lower case, no accent, no punctuation) → field.
HEADERS = {
    "name": {"nom", "name", "raison sociale", "denomination", "entreprise", "nom de l entreprise", "societe"},
    "siret": {"siret", "n siret", "no siret", "numero siret", "num siret"},
    "address": {"adresse", "address", "adresse postale", "rue"},
    "postcode": {"code postal", "cp", "postcode", "postal code"},
    "commune": {"commune", "ville", "city", "localite"},
    "sector": {"secteur", "sector", "code naf", "naf", "ape", "code ape", "activite", "naf ape"},
    "headcount": {"effectif", "effectifs", "headcount", "salaries", "nombre de salaries", "nb salaries", "employes"},
    "kind": {"type", "statut", "forme", "kind", "forme juridique", "categorie"},
}
KIND_WORDS = [
    (("scop", "scic", "cooperative", "coop"), OrganisationKind.COOPERATIVE),
    (("association", "asso", "loi 1901"), OrganisationKind.ASSOCIATION),
    (("mutuelle", "mutual"), OrganisationKind.MUTUAL),
    (("esus",), OrganisationKind.ESUS_COMPANY),
    (("insertion", "siae", "entreprise adaptee"), OrganisationKind.INTEGRATION_ENTERPRISE),
    (("collectivite", "commune", "mairie", "communaute"), OrganisationKind.LOCAL_AUTHORITY),
    (("universite", "ecole", "iut", "recherche"), OrganisationKind.UNIVERSITY),
    (("entreprise", "sarl", "sas", "sa", "eurl", "sasu", "ei", "classique", "firm"), OrganisationKind.CLASSIC_FIRM),
]
BANDS = [  # upper bound of each INSEE band
    (0, HeadcountBand.NONE), (2, HeadcountBand.B1_2), (5, HeadcountBand.B3_5), (9, HeadcountBand.B6_9),
    (19, HeadcountBand.B10_19), (49, HeadcountBand.B20_49), (99, HeadcountBand.B50_99),
    (199, HeadcountBand.B100_199), (249, HeadcountBand.B200_249), (499, HeadcountBand.B250_499),
    (999, HeadcountBand.B500_999),
]  # fmt: skip


# A SIRET opened as a number in Excel shows as 7,32829E+13 and is saved so in a CSV: digits lost.
EXCEL_ROUNDED_NUMBER = re.compile(r"\d+(?:[,.]\d+)?E\+?\d+", re.IGNORECASE)


class ImportFileError(ValueError):
    """The file as a whole cannot be read (not a spreadsheet, no name column…): a French message."""


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


@dataclass
class ParsedRow:
    line: int
    values: dict
    errors: list = field(default_factory=list)
    organisation: Organisation | None = None


def _decode(content: bytes) -> str:
    if content.startswith(b"\xef\xbb\xbf"):
        return content[3:].decode("utf-8")
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")


def _read_csv(content: bytes):
    """The rows, one at a time: the caller stops at the row limit."""
    text = _decode(content)
    sample = text[:4096]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=";,\t").delimiter
    except csv.Error:
        delimiter = ";"
    try:
        yield from csv.reader(io.StringIO(text), delimiter=delimiter)
    except csv.Error as error:  # a cell over the csv module's size limit, a stray NUL…
        raise ImportFileError(
            _("This CSV file cannot be read: save it again from Excel as “CSV (separator: semicolon)”.")
        ) from error


def _check_unpacked_size(content: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(item.file_size for item in archive.infolist())
    except (zipfile.BadZipFile, ValueError) as error:
        raise ImportFileError(_("This file cannot be read as an Excel workbook (.xlsx).")) from error
    if unpacked > XLSX_MAX_UNPACKED or unpacked > XLSX_MAX_RATIO * max(len(content), 64 * 1024):
        raise ImportFileError(
            _("This Excel workbook unpacks to a disproportionate size: save it again from Excel, or as CSV.")
        )


def _read_xlsx(content: bytes):
    """The rows of the first sheet, one at a time (read-only mode): the caller stops at the row limit."""
    from openpyxl import load_workbook

    _check_unpacked_size(content)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds on a damaged file
        raise ImportFileError(_("This file cannot be read as an Excel workbook (.xlsx).")) from error
    try:
        if not workbook.worksheets:
            raise ImportFileError(_("The workbook has no sheet."))
        for row in workbook.worksheets[0].iter_rows(values_only=True):
            yield ["" if cell is None else _cell_text(cell) for cell in row]
    finally:
        workbook.close()


def _cell_text(cell) -> str:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))  # a SIRET typed as a number comes back as 73282932000074.0
    return str(cell).strip()


def read_rows(filename: str, content: bytes) -> tuple[dict[str, int], list[tuple[int, list[str]]]]:
    """The column of each field and the data rows with their line number in the file."""
    if content[:4] == b"PK\x03\x04" or filename.lower().endswith(".xlsx"):
        rows = _read_xlsx(content)
    else:
        if b"\x00" in content[:1024]:
            raise ImportFileError(_("This file is not a CSV text file: save it as “CSV (separator: semicolon)”."))
        rows = _read_csv(content)
    # Read one row at a time, never past the limit: blank lines count too, up to twice the limit.
    line_limit = 2 * MAX_ROWS
    numbered = enumerate(itertools.islice(rows, line_limit + 1), start=1)
    lines_read, header = next(((n, row) for n, row in numbered if any(str(cell).strip() for cell in row)), (0, None))
    if header is None:
        raise ImportFileError(_("The file is empty."))
    columns = {}
    for position, title in enumerate(header):
        plain = _plain(title)
        for name, aliases in HEADERS.items():
            if plain in aliases and name not in columns:
                columns[name] = position
    missing = [label for name, label in (("name", _("name")), ("siret", _("SIRET"))) if name not in columns]
    if missing:
        raise ImportFileError(
            _("The first line must name the columns; missing: %(columns)s.") % {"columns": ", ".join(missing)}
        )
    data = []
    for lines_read, row in numbered:
        if any(str(cell).strip() for cell in row):
            data.append((lines_read, row))
            if len(data) > MAX_ROWS:
                break
    if len(data) > MAX_ROWS or lines_read > line_limit:
        raise ImportFileError(_("The file has more than %(max)d lines: split it.") % {"max": MAX_ROWS})
    return columns, data


def parse_headcount(text: str) -> str:
    """ "12", "12,5" (full-time equivalents), "10-19", "10 à 19" → an INSEE band; "" if empty."""
    text = (text or "").strip()
    if not text:
        return ""
    if text in HeadcountBand.values:
        return text
    band = re.match(r"^(\d+)\s*(?:-|à|a|to)\s*(\d+)$", text)
    if band:
        text = band.group(2)
    try:
        number = Decimal(text.replace("\u202f", "").replace(" ", "").replace(",", "."))
    except InvalidOperation:
        raise ValidationError(_("Headcount “%(value)s” is not a number.") % {"value": text}) from None
    if number < 0:
        raise ValidationError(_("The headcount cannot be negative."))
    for upper, value in BANDS:
        if number <= upper:
            return value
    return HeadcountBand.B1000


def parse_kind(text: str) -> str:
    plain = _plain(text)
    if not plain:
        return OrganisationKind.CLASSIC_FIRM
    if plain in OrganisationKind.values:
        return plain
    words = set(plain.split())
    for keys, kind in KIND_WORDS:
        if any((" " in key and key in plain) or key in words for key in keys):
            return kind
    raise ValidationError(_("Kind “%(value)s” is not known (association, cooperative, firm…).") % {"value": text})


def _validate(line: int, raw: list[str], columns: dict, zone: Zone) -> ParsedRow:
    def get(name):
        position = columns.get(name)
        return str(raw[position]).strip() if position is not None and position < len(raw) else ""

    values = {name: get(name) for name in HEADERS}
    row = ParsedRow(line=line, values=values)
    name = values["name"]
    if not name:
        row.errors.append(_("The name is missing."))
    elif len(name) > 200:
        row.errors.append(_("The name is longer than 200 characters."))
    try:
        kind = parse_kind(values["kind"])
    except ValidationError as error:
        row.errors.extend(error.messages)
        kind = OrganisationKind.CLASSIC_FIRM
    siret = normalise_siret(values["siret"])
    if EXCEL_ROUNDED_NUMBER.fullmatch(re.sub(r"\s+", "", values["siret"])):
        row.errors.append(
            _(
                "SIRET %(value)s: Excel turned it into a rounded number and its last digits are lost. In Excel, "
                "format the SIRET column as Text, paste the numbers again, then save as CSV."
            )
            % {"value": values["siret"]}
        )
    elif siret:
        try:
            validate_siret(siret)
        except ValidationError as error:
            row.errors.extend(f"SIRET {values['siret']} : {message}" for message in error.messages)
    elif kind not in SIRET_OPTIONAL_KINDS:
        row.errors.append(_("The SIRET is missing."))
    naf = normalise_naf(values["sector"]) if values["sector"] else ""
    if naf:
        try:
            validate_naf(naf)
        except ValidationError as error:
            row.errors.extend(error.messages)
    try:
        band = parse_headcount(values["headcount"])
    except ValidationError as error:
        row.errors.extend(error.messages)
        band = ""
    postcode = re.sub(r"\s+", "", values["postcode"])
    if postcode and not re.fullmatch(r"\d{5}", postcode.zfill(5) if postcode.isdigit() else postcode):
        row.errors.append(_("The postcode “%(value)s” does not have five digits.") % {"value": values["postcode"]})
    if not row.errors:
        row.organisation = Organisation(
            name=name,
            kind=kind,
            siret=siret,
            naf_code=naf,
            headcount_band=band,
            address=values["address"][:255],
            postcode=postcode.zfill(5) if postcode else "",
            commune=(values["commune"] or zone.commune)[:150],
            zone=zone,
        )
    return row


def check_rows(columns: dict, data: list, zone: Zone, progress=None) -> list[ParsedRow]:
    """Validates every line, then looks for duplicates within the file and in the directory."""
    rows = []
    for index, (line, raw) in enumerate(data, start=1):
        rows.append(_validate(line, raw, columns, zone))
        if progress and index % PROGRESS_EVERY == 0:
            progress(index)
    first_line = {}
    for row in rows:
        siret = normalise_siret(row.values["siret"])
        if not siret:
            continue
        if siret in first_line:
            row.errors.append(_("Duplicate: the same SIRET is already on line %(line)d.") % {"line": first_line[siret]})
            row.organisation = None
        else:
            first_line[siret] = row.line
    known = set(
        Organisation.objects.filter(siret__in=list(first_line)).values_list("siret", flat=True)
    ) if first_line else set()  # fmt: skip
    for row in rows:
        if row.organisation is not None and row.organisation.siret in known:
            row.errors.append(_("An organisation with this SIRET is already in the directory."))
            row.organisation = None
    if progress:
        progress(len(rows))
    return rows


def assign_slugs(organisations: list[Organisation]) -> None:
    """Unique slugs for a batch, with one query per distinct name rather than one per firm."""
    bases = {id(org): slugify(org.name)[:200] or "organisation" for org in organisations}
    taken = set()
    for prefix in set(bases.values()):
        taken.update(Organisation.objects.filter(slug__startswith=prefix).values_list("slug", flat=True))
    for org in organisations:
        base = bases[id(org)]
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        taken.add(slug)
        org.slug = slug
