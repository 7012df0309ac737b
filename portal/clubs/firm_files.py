"""Import of a zone's firms from a spreadsheet as French offices export it, or from the business register.

Two layouts, told apart by the first line:
- a spreadsheet: CSV from Excel comes with ";" as separator, in Windows-1252 or in UTF-8 with a
  byte-order mark, with decimal commas ("12,5") and headers in French ("Raison sociale", "N° SIRET",
  "Effectif"); XLSX is read with openpyxl;
- an extract of INSEE's SIRENE establishments file ("StockEtablissement", CSV, UTF-8 or Latin-1,
  its own column names: siret, codeCommuneEtablissement, etatAdministratifEtablissement…, often
  joined with the legal unit's name, legal category and ESS flag). Only the zone's communes are
  kept; closed establishments, other communes and people who asked not to be shown (statutDiffusion
  "P") are left out and counted, and so are firms already in the directory.

Every line is checked (SIRET with its key, name, duplicates in the file and in the directory); errors
are listed per line, in the file's own numbering. Nothing is written unless every line is right, or
the organiser asked to import the correct lines only. The file is read as a stream, twice (check,
then write by batches), so that a 50,000-line extract never sits in memory as 50,000 rows.
The work runs in a background task (django-tasks) that reports its progress on the import row
(services.firm_import_run); this module reads and checks the file.
"""

import codecs
import csv
import io
import itertools
import re
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext as _

from portal.members.models import (
    SIRET_OPTIONAL_KINDS,
    HeadcountBand,
    Organisation,
    OrganisationKind,
    Zone,
    kind_from_register,
)
from portal.members.validators import normalise_naf, normalise_siret, validate_naf, validate_siret
from portal.outside import company_register

MAX_ROWS = 50_000
# A register extract is often wider than the zone (a postcode's, a département's): most of its lines
# are left out, so it may be longer; the upload size bounds it anyway.
MAX_REGISTER_ROWS = 200_000
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


def _encoding(content: bytes) -> str:
    """UTF-8 (with or without its byte-order mark) if the whole file decodes so, else Windows-1252
    (which reads Latin-1 text the same). Checked by chunks: the decoded text is not kept."""
    if content.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(content)
    try:
        for start in range(0, len(view), 1 << 20):
            decoder.decode(view[start : start + (1 << 20)])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def _read_csv(content: bytes) -> Iterator[list[str]]:
    """The rows, one at a time, decoded as they are read: the caller stops at the row limit."""
    encoding = _encoding(content)
    sample = content[:8192].decode(encoding, errors="ignore")
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=";,\t").delimiter
    except csv.Error:
        first_line = sample.lstrip("\ufeff").splitlines()[0] if sample.strip() else ""
        delimiter = max(";,\t", key=first_line.count) if first_line else ";"
    text = io.TextIOWrapper(io.BytesIO(content), encoding=encoding, errors="replace", newline="")
    try:
        yield from csv.reader(text, delimiter=delimiter)
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


def _read_xlsx(content: bytes) -> Iterator[list[str]]:
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


class Layout:
    SHEET = "sheet"  # a spreadsheet of firms, French headers
    REGISTER = "register"  # an extract of INSEE's SIRENE establishments file


# The SIRENE columns read (lower case); a header with "siret" and one of REGISTER_MARKS is an extract.
REGISTER_MARKS = {"etatadministratifetablissement", "codecommuneetablissement", "libellecommuneetablissement"}


@dataclass
class Table:
    """A file opened at its header: the layout, where each column is, and its data rows on demand."""

    layout: str
    columns: dict[str, int]  # sheet: field → position; register: SIRENE column (lower case) → position
    header_line: int
    estimated_rows: int
    _rows: Iterator = field(repr=False)
    _read: int = 0  # the number of the last line read

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """The data rows with their line number, read one at a time, never past the row limit: blank
        lines are skipped but count too, up to twice the limit."""
        limit = MAX_REGISTER_ROWS if self.layout == Layout.REGISTER else MAX_ROWS
        line_limit = 2 * limit
        data = 0
        for line, row in enumerate(
            itertools.islice(self._rows, line_limit - self.header_line + 1), self.header_line + 1
        ):
            self._read = line
            if line > line_limit:
                break
            if any(str(cell).strip() for cell in row):
                data += 1
                if data > limit:
                    break
                yield line, row
        if data > limit or self._read > line_limit:
            raise ImportFileError(_("The file has more than %(max)d lines: split it.") % {"max": limit})


def open_table(filename: str, content: bytes) -> Table:
    """Reads the first non-blank line and says what the file is; ImportFileError if it cannot be read."""
    is_xlsx = content[:4] == b"PK\x03\x04" or filename.lower().endswith(".xlsx")
    if is_xlsx:
        rows = _read_xlsx(content)
    else:
        if b"\x00" in content[:1024]:
            raise ImportFileError(_("This file is not a CSV text file: save it as “CSV (separator: semicolon)”."))
        rows = _read_csv(content)
    header_line, header = 0, None
    for number, row in enumerate(itertools.islice(rows, 2 * MAX_ROWS), start=1):
        if any(str(cell).strip() for cell in row):
            header_line, header = number, row
            break
    if header is None:
        raise ImportFileError(_("The file is empty."))
    estimated = max(content.count(b"\n") - header_line, 0) if not is_xlsx else 0
    raw = {str(title).strip().lstrip("\ufeff").lower(): position for position, title in enumerate(header)}
    if "siret" in raw and raw.keys() & REGISTER_MARKS:
        if not raw.keys() & {"codecommuneetablissement", "libellecommuneetablissement"}:
            raise ImportFileError(_("This register extract has no commune column: the zone's firms cannot be told."))
        return Table(Layout.REGISTER, raw, header_line, estimated, rows)
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
    return Table(Layout.SHEET, columns, header_line, estimated, rows)


def read_rows(filename: str, content: bytes) -> tuple[dict[str, int], list[tuple[int, list[str]]]]:
    """The column of each field and all the data rows with their line number in the file (small files;
    an import reads them as a stream, see check_table)."""
    table = open_table(filename, content)
    return table.columns, list(table.rows())


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


# --- The business register's lines ---------------------------------------------------------------


class Outcome:
    KEEP = "keep"  # a firm of the zone, to import
    CLOSED = "closed"  # etatAdministratif F
    OTHER_COMMUNE = "other_commune"
    PROTECTED = "protected"  # statutDiffusion P: the person asked not to be shown
    ERROR = "error"


@dataclass(frozen=True)
class ZoneCommunes:
    """How a register line is known to be the zone's: by INSEE code, else by the commune's name."""

    codes: frozenset
    name: str  # plain form (_plain) of the zone's commune
    spelling: str  # the zone's own spelling, written instead of the register's capitals

    @classmethod
    def of(cls, zone: Zone) -> "ZoneCommunes":
        return cls(frozenset(zone.commune_code_list), _plain(zone.commune), zone.commune)

    def holds(self, code: str, name: str) -> bool:
        if self.codes:
            return code.strip().upper() in self.codes
        return _plain(name) == self.name


def _register_name(get) -> str:
    name = get("denominationunitelegale") or get("enseigne1etablissement") or get("denominationusuelleetablissement")
    if not name:  # a sole trader: the person's name
        name = " ".join(part for part in (get("prenom1unitelegale"), get("nomunitelegale")) if part)
    return name


def register_line(line: int, raw: list[str], columns: dict, communes: ZoneCommunes) -> ParsedRow:
    """One SIRENE line: its outcome (row.values["outcome"]) and, for a firm to keep, its organisation."""

    def get(name):
        position = columns.get(name)
        return str(raw[position]).strip() if position is not None and position < len(raw) else ""

    row = ParsedRow(line=line, values={"siret": get("siret")})
    if not communes.holds(get("codecommuneetablissement"), get("libellecommuneetablissement")):
        row.values["outcome"] = Outcome.OTHER_COMMUNE
        return row
    if get("etatadministratifetablissement").upper() == "F":
        row.values["outcome"] = Outcome.CLOSED
        return row
    if get("statutdiffusionetablissement").upper() == "P":
        row.values["outcome"] = Outcome.PROTECTED
        return row
    row.values["outcome"] = Outcome.KEEP
    name = _register_name(get)
    if not name:
        row.errors.append(_("The name is missing."))
    siret = normalise_siret(row.values["siret"])
    if not siret:
        row.errors.append(_("The SIRET is missing."))
    else:
        try:
            validate_siret(siret)
        except ValidationError as error:
            row.errors.extend(f"SIRET {row.values['siret']} : {message}" for message in error.messages)
    band_code = get("trancheeffectifsetablissement").upper()
    if band_code and band_code not in company_register.HEADCOUNT_BANDS:
        row.errors.append(
            _("The headcount band “%(value)s” is not one of INSEE's (NN, 00, 01, 02, 03, 11, 12…).")
            % {"value": band_code}
        )
    postcode = re.sub(r"\s+", "", get("codepostaletablissement"))
    if postcode and not re.fullmatch(r"\d{5}", postcode):
        row.errors.append(_("The postcode “%(value)s” does not have five digits.") % {"value": postcode})
    if row.errors:
        row.values["outcome"] = Outcome.ERROR
        return row
    naf = normalise_naf(get("activiteprincipaleetablissement"))
    try:
        validate_naf(naf)
    except ValidationError:
        naf = ""  # an activity of an older nomenclature (NAF rev. 1): left for people to fill in
    commune = get("libellecommuneetablissement")
    address = company_register.street(
        get("numerovoieetablissement"),
        get("indicerepetitionetablissement"),
        get("typevoieetablissement"),
        get("libellevoieetablissement"),
    ) or get("complementadresseetablissement")
    row.organisation = Organisation(
        name=name[:200],
        kind=kind_from_register(
            get("categoriejuridiqueunitelegale"), get("economiesocialesolidaireunitelegale").upper() == "O"
        ),
        siret=siret,
        naf_code=naf,
        headcount_band=company_register.headcount_band(band_code),
        address=address[:255],
        postcode=postcode,
        commune=(communes.spelling if _plain(commune) == communes.name else commune)[:150],
        latitude=company_register.coordinate(get("latitude")),
        longitude=company_register.coordinate(get("longitude")),
    )
    return row


# --- Checking a whole file ------------------------------------------------------------------------


@dataclass
class Check:
    """What the first reading of a file found: errors per line, the lines to import, the counts."""

    layout: str
    lines: int = 0  # data lines read
    errors: dict = field(default_factory=dict)  # line → [messages]
    to_import: int = 0
    counts: dict = field(default_factory=dict)  # register: outcome → lines, and "already_known"

    @property
    def error_list(self) -> list[dict]:
        return [{"line": line, "errors": self.errors[line]} for line in sorted(self.errors)]

    def summary(self) -> dict:
        """The register's figures, as FirmImport.register_summary keeps them."""
        counts = self.counts
        return {
            "lines": self.lines,
            "to_import": self.to_import,
            "already_known": counts.get("already_known", 0),
            "closed": counts.get(Outcome.CLOSED, 0),
            "other_commune": counts.get(Outcome.OTHER_COMMUNE, 0),
            "protected": counts.get(Outcome.PROTECTED, 0),
            "in_error": len(self.errors),
            # The zone's open establishments, whatever else: to import, known, protected or mistyped.
            "firms_established": self.lines - counts.get(Outcome.CLOSED, 0) - counts.get(Outcome.OTHER_COMMUNE, 0),
        }


def interpret(table: Table, zone: Zone):
    """A function reading one (line, row) of `table` into a ParsedRow (organisation None if not to import)."""
    if table.layout == Layout.REGISTER:
        communes = ZoneCommunes.of(zone)
        return lambda line, raw: register_line(line, raw, table.columns, communes)

    def sheet_line(line, raw):
        row = _validate(line, raw, table.columns, zone)
        row.values["outcome"] = Outcome.ERROR if row.errors else Outcome.KEEP
        return row

    return sheet_line


def check_table(table: Table, zone: Zone, progress=None) -> tuple[Check, set[str]]:
    """First reading: every line checked, duplicates within the file and against the directory (one
    query per batch of lines). Returns the findings and the SIRETs to leave out as already known.

    A spreadsheet's firm already in the directory is an error (the organiser typed it); a register
    line of a firm already known is counted and left out (the extract is read again every year).
    """
    check = Check(layout=table.layout)
    read = interpret(table, zone)
    first_line: dict[str, int] = {}
    known: set[str] = set()
    pending: list[tuple[int, str]] = []  # (line, siret) of lines to import, checked against the directory

    def flush():
        found = set(
            Organisation.objects.filter(siret__in=[siret for _line, siret in pending]).values_list("siret", flat=True)
        )
        for line, siret in pending:
            if siret not in found:
                continue
            check.to_import -= 1
            if table.layout == Layout.REGISTER:
                known.add(siret)
                check.counts["already_known"] = check.counts.get("already_known", 0) + 1
            else:
                check.errors.setdefault(line, []).append(
                    _("An organisation with this SIRET is already in the directory.")
                )
        pending.clear()

    for line, raw in table.rows():
        check.lines += 1
        row = read(line, raw)
        outcome = row.values["outcome"]
        if outcome not in (Outcome.KEEP, Outcome.ERROR):
            check.counts[outcome] = check.counts.get(outcome, 0) + 1
        else:
            siret = normalise_siret(row.values["siret"])
            if siret and siret in first_line:
                row.errors.append(
                    _("Duplicate: the same SIRET is already on line %(line)d.") % {"line": first_line[siret]}
                )
                row.organisation = None
            elif siret:
                first_line[siret] = line
            if row.errors:
                check.errors[line] = row.errors
            elif row.organisation is not None:
                check.to_import += 1
                pending.append((line, row.organisation.siret))
                if len(pending) >= BATCH_SIZE:
                    flush()
        if progress and check.lines % PROGRESS_EVERY == 0:
            progress(check.lines)
    if pending:
        flush()
    if progress:
        progress(check.lines)
    return check, known


def organisations_to_write(table: Table, zone: Zone, check: Check, known: set[str]) -> Iterator[list[Organisation]]:
    """Second reading: the organisations to create, by batches of BATCH_SIZE, lines in error and firms
    already known left out. Only one batch is in memory at a time."""
    read = interpret(table, zone)
    batch = []
    for line, raw in table.rows():
        if line in check.errors:
            continue
        row = read(line, raw)
        organisation = row.organisation
        if organisation is None or organisation.siret in known:
            continue
        organisation.zone = zone
        batch.append(organisation)
        if len(batch) >= BATCH_SIZE:
            yield batch
            batch = []
    if batch:
        yield batch


def assign_slugs(organisations: list[Organisation]) -> None:
    """Unique slugs for a batch: one query for the batch's names, and one more per name already taken
    (slugs "name-2", "name-3"… exist only where the name does)."""
    bases = {id(org): slugify(org.name)[:200] or "organisation" for org in organisations}
    distinct = set(bases.values())
    taken = set(Organisation.objects.filter(slug__in=distinct).values_list("slug", flat=True))
    repeated = {base for base, count in Counter(bases.values()).items() if count > 1}
    for prefix in (taken & distinct) | repeated:
        taken.update(Organisation.objects.filter(slug__startswith=f"{prefix}-").values_list("slug", flat=True))
    for org in organisations:
        base = bases[id(org)]
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        taken.add(slug)
        org.slug = slug
