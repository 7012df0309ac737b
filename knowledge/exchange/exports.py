"""The spreadsheets given out after a session (openpyxl): one per firm, a zip of them all, and the
organiser's workbook with every answer. Built by tasks.build_workbooks, never in a request.
"""

import io
import zipfile
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from portal.exports import SHEET_TITLE_LIMIT, sheet_row, text_cell, workbook_bytes
from portal.members.models import Person
from portal.privacy.models import Purpose
from portal.privacy.selectors import people_with_consent

from .models import Direction, ExchangeSession, Interest, Registration


def resources_sheet_title() -> str:
    return _("Resources that interest you")[:SHEET_TITLE_LIMIT]


def needs_sheet_title() -> str:
    # The full wording ("Needs you can answer") is the first row; the tab name must stay under 31 characters.
    return _("Needs you can answer")[:SHEET_TITLE_LIMIT]


def firm_columns() -> list[str]:
    return [_("Title"), _("Description"), _("Organisation"), _("Contact name"), _("E-mail"), _("Phone")]


@dataclass
class ContactBook:
    """Who a workbook may name as a firm's contact: active people who agreed to be shown as one."""

    agreed: set[int]
    first_of_organisation: dict[int, Person]

    def person_for(self, sheet, counterpart) -> Person | None:
        author = sheet.created_by if sheet.created_by_id in self.agreed else None
        return author or self.first_of_organisation.get(counterpart.pk)


def _contacts(organisation_ids) -> ContactBook:
    """The sheets' authors who agreed, and for the others the first agreeing person of the firm (by name)."""
    agreed = people_with_consent(Purpose.CONTACT)
    people = {}
    for person in (
        agreed.filter(organisation_id__in=organisation_ids)
        .select_related("user")
        .order_by("organisation_id", "user__last_name", "pk")
    ):
        people.setdefault(person.organisation_id, person)
    return ContactBook(agreed=set(agreed.values_list("pk", flat=True)), first_of_organisation=people)


def _contact_row(sheet, counterpart, contacts: ContactBook) -> list[str]:
    # With nobody who agreed, the firm's own switchboard details (not personal data) stand in.
    person = contacts.person_for(sheet, counterpart)
    name = str(person) if person else ""
    email = (person.user.email if person else "") or counterpart.email
    phone = (person.phone if person else "") or counterpart.phone
    return [sheet.title, sheet.description, counterpart.name, name, email, phone]


def _write(workbook: Workbook, title: str, heading: str, header: list[str], rows: list[list]) -> None:
    """One sheet of a write-only workbook (rows streamed, no cell objects kept: several times faster)."""
    worksheet = workbook.create_sheet(title[:SHEET_TITLE_LIMIT])
    widths = [len(str(value)) for value in header]
    for row in rows:
        for index, value in enumerate(row):
            if index < len(widths) and value is not None:
                widths[index] = max(widths[index], len(str(value)))
    for index, width in enumerate(widths):
        worksheet.column_dimensions[get_column_letter(index + 1)].width = min(max(width + 2, 12), 60)
    worksheet.freeze_panes = "A3"
    worksheet.append([_bold(worksheet, heading, size=13)])
    worksheet.append([_bold(worksheet, value) for value in header])
    for row in rows:
        worksheet.append(sheet_row(worksheet, row))


def _bold(worksheet, value, size=None) -> WriteOnlyCell:
    cell = WriteOnlyCell(worksheet, value=value)
    cell.font = Font(bold=True, size=size) if size else Font(bold=True)
    return text_cell(cell)  # a heading names the session and the firm


def _saved(workbook: Workbook) -> bytes:
    return workbook_bytes(workbook)


def session_yes_answers(session: ExchangeSession) -> dict[int, list[Interest]]:
    """Every YES of the session, by interested firm, with what the rows need (one query)."""
    by_firm = defaultdict(list)
    interests = (
        Interest.objects.filter(session=session, interested=True)
        .select_related("sheet__organisation", "sheet__created_by__user", "organisation")
        .order_by("round", "sheet__organisation__name", "sheet__title", "pk")
    )
    for interest in interests:
        by_firm[interest.organisation_id].append(interest)
    return by_firm


def firm_workbook(session: ExchangeSession, organisation, answers: list[Interest], contacts) -> bytes:
    """The two sheets of one firm: offers it said YES to (with the proposer's contact) and needs it
    said it can answer (with the requester's contact)."""
    workbook = Workbook(write_only=True)
    offer_rows = [
        _contact_row(i.sheet, i.sheet.organisation, contacts) for i in answers if i.sheet.direction == Direction.OFFER
    ]
    need_rows = [
        _contact_row(i.sheet, i.sheet.organisation, contacts) for i in answers if i.sheet.direction == Direction.NEED
    ]
    title = f"{session.title} — {session.date:%d/%m/%Y} — {organisation.name}"
    columns = firm_columns()
    _write(workbook, resources_sheet_title(), f"{_('Resources that interest you')} · {title}", columns, offer_rows)
    _write(workbook, needs_sheet_title(), f"{_('Needs you can answer')} · {title}", columns, need_rows)
    return _saved(workbook)


def firm_filename(session: ExchangeSession, organisation) -> str:
    return f"bourse-{session.date:%Y-%m-%d}-{slugify(organisation.name)[:60] or organisation.pk}.xlsx"


def organiser_workbook(session: ExchangeSession) -> bytes:
    """Every answer of the session (YES and NO), and per firm its zone, table and YES counts.

    Read as plain values and written write-only: a session of 30 firms × 10 sheets has thousands of answers."""
    directions = dict(Direction.choices)
    labels = {True: _("yes"), False: _("no")}
    directions = {key: str(label) for key, label in directions.items()}
    answers = Interest.objects.filter(session=session).order_by(
        "round", "table__number", "sheet__title", "organisation__name"
    )
    rows = [
        [
            round_number,
            table or "",
            directions[direction],
            sheet_title,
            owner,
            firm,
            labels[interested],
            f"{first} {last}".strip() if (first or last) else "",
            timezone.localtime(recorded_at).strftime("%d/%m/%Y %H:%M:%S"),
        ]
        for round_number, table, direction, sheet_title, owner, firm, interested, first, last, recorded_at in (
            answers.values_list(
                "round", "table__number", "sheet__direction", "sheet__title", "sheet__organisation__name",
                "organisation__name", "interested", "recorded_by__user__first_name", "recorded_by__user__last_name",
                "recorded_at",
            )
        )
    ]  # fmt: skip
    workbook = Workbook(write_only=True)
    _write(
        workbook,
        _("Answers"),
        str(session),
        [_("Round"), _("Table"), _("Offer or need"), _("Sheet"), _("Sheet of"), _("Firm"), _("Answer"),
         _("Secretary"), _("Time")],
        rows,
    )  # fmt: skip
    yes_counts = defaultdict(lambda: [0, 0])
    for firm_id, direction, count in (
        Interest.objects.filter(session=session, interested=True)
        .values_list("organisation_id", "sheet__direction")
        .annotate(n=Count("pk"))
        .values_list("organisation_id", "sheet__direction", "n")
    ):
        yes_counts[firm_id][0 if direction == Direction.OFFER else 1] = count
    firm_rows = [
        [name, zone or "", table or "", *yes_counts[firm_id]]
        for firm_id, name, zone, table in Registration.objects.filter(session=session)
        .order_by("organisation__name")
        .values_list("organisation_id", "organisation__name", "organisation__zone__name", "table__number")
    ]
    _write(
        workbook,
        _("Firms"),
        str(session),
        [_("Firm"), _("Zone"), _("Table"), _("Offers of interest"), _("Needs it can answer")],
        firm_rows,
    )
    return _saved(workbook)


def zip_of(files: list[tuple[str, bytes]]) -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files:
            archive.writestr(name, content)
    return output.getvalue()


def _funnel_cells(row: dict) -> list:
    return [
        row["yes"], row["contacted"], row["done"], row["contact_rate"], row["done_rate"], row["overall_rate"],
        row["tonnes"], row["euros"], row["jobs"],
    ]  # fmt: skip


def funnel_workbook(results: dict, scope: str) -> bytes:
    """The results page as a spreadsheet: per year against the objectives, per club, per session. Texts
    typed by people (session titles, club names) go through sheet_row: a formula-like one stays text."""
    figures = [
        _("YES"), _("Contacts"), _("Synergies done"), _("YES to contact (%)"), _("Contact to done (%)"),
        _("YES to done (%)"), _("Tonnes a year"), _("Euros a year"), _("Jobs"),
    ]  # fmt: skip
    workbook = Workbook(write_only=True)
    year_rows = [
        [row["year"], row["sessions_planned"], row["sessions_held"], row["synergies_planned"], *_funnel_cells(row)]
        for row in results["years"]
    ]
    totals = results["totals"]
    year_rows.append([_("Total"), None, None, None, *_funnel_cells(totals)])
    _write(
        workbook,
        _("Years"),
        scope,
        [_("Year"), _("Sessions planned"), _("Sessions held"), _("Synergies planned"), *figures],
        year_rows,
    )
    if results["clubs"]:
        _write(
            workbook,
            _("Clubs"),
            scope,
            [_("Club"), *figures],
            [[r["name"], *_funnel_cells(r)] for r in results["clubs"]],
        )
    session_rows = [
        [row["date"].strftime("%d/%m/%Y"), row["title"], row["club__name"] or "", *_funnel_cells(row)]
        for row in results["sessions"]
    ]
    _write(workbook, _("Sessions"), scope, [_("Date"), _("Session"), _("Club"), *figures], session_rows)
    return _saved(workbook)
