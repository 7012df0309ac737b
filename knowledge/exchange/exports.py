"""The spreadsheets given out after a session (openpyxl): one per firm, a zip of them all, and the
organiser's workbook with every answer. Built by tasks.build_workbooks, never in a request.
"""

import io
import zipfile
from collections import defaultdict

from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from portal.members.models import Person

from .models import Direction, ExchangeSession, Interest, Registration

SHEET_TITLE_LIMIT = 31  # Excel refuses longer sheet names


def resources_sheet_title() -> str:
    return _("Resources that interest you")[:SHEET_TITLE_LIMIT]


def needs_sheet_title() -> str:
    # The full wording ("Needs you can answer") is the first row; the tab name must stay under 31 characters.
    return _("Needs you can answer")[:SHEET_TITLE_LIMIT]


def firm_columns() -> list[str]:
    return [_("Title"), _("Description"), _("Organisation"), _("Contact name"), _("E-mail"), _("Phone")]


def _contacts(organisation_ids) -> dict[int, Person]:
    """The first active person of each organisation (by name), for sheets whose author left."""
    people = {}
    for person in (
        Person.objects.filter(organisation_id__in=organisation_ids, user__is_active=True)
        .select_related("user")
        .order_by("organisation_id", "user__last_name", "pk")
    ):
        people.setdefault(person.organisation_id, person)
    return people


def _contact_row(sheet, counterpart, contacts) -> list[str]:
    person = sheet.created_by if sheet.created_by_id and sheet.created_by.user.is_active else None
    person = person or contacts.get(counterpart.pk)
    name = str(person) if person else ""
    email = (person.user.email if person else "") or counterpart.email
    phone = (person.phone if person else "") or counterpart.phone
    return [sheet.title, sheet.description, counterpart.name, name, email, phone]


def _autosize(worksheet) -> None:
    for column in worksheet.columns:
        width = max((len(str(cell.value or "")) for cell in column), default=10)
        worksheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 12), 60)


def _write(worksheet, heading: str, header: list[str], rows: list[list]) -> None:
    worksheet.append([heading])
    worksheet["A1"].font = Font(bold=True, size=13)
    worksheet.append(header)
    for cell in worksheet[2]:
        cell.font = Font(bold=True)
    for row in rows:
        worksheet.append(row)
    worksheet.freeze_panes = "A3"
    _autosize(worksheet)


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
    workbook = Workbook()
    offers = workbook.active
    offers.title = resources_sheet_title()
    needs = workbook.create_sheet(needs_sheet_title())
    offer_rows = [
        _contact_row(i.sheet, i.sheet.organisation, contacts) for i in answers if i.sheet.direction == Direction.OFFER
    ]
    need_rows = [
        _contact_row(i.sheet, i.sheet.organisation, contacts) for i in answers if i.sheet.direction == Direction.NEED
    ]
    title = f"{session.title} — {session.date:%d/%m/%Y} — {organisation.name}"
    _write(offers, f"{_('Resources that interest you')} · {title}", firm_columns(), offer_rows)
    _write(needs, f"{_('Needs you can answer')} · {title}", firm_columns(), need_rows)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def firm_filename(session: ExchangeSession, organisation) -> str:
    return f"bourse-{session.date:%Y-%m-%d}-{slugify(organisation.name)[:60] or organisation.pk}.xlsx"


def organiser_workbook(session: ExchangeSession) -> bytes:
    workbook = Workbook()
    answers = workbook.active
    answers.title = _("Answers")[:SHEET_TITLE_LIMIT]
    rows = [
        [
            i.round,
            i.table.number if i.table_id else "",
            i.sheet.get_direction_display(),
            i.sheet.title,
            i.sheet.organisation.name,
            i.organisation.name,
            _("yes") if i.interested else _("no"),
            str(i.recorded_by) if i.recorded_by_id else "",
            i.recorded_at.strftime("%d/%m/%Y %H:%M:%S"),
        ]
        for i in Interest.objects.filter(session=session)
        .select_related("sheet__organisation", "organisation", "table", "recorded_by__user")
        .order_by("round", "table__number", "sheet__title", "organisation__name")
    ]
    _write(
        answers,
        str(session),
        [_("Round"), _("Table"), _("Offer or need"), _("Sheet"), _("Sheet of"), _("Firm"), _("Answer"),
         _("Secretary"), _("Time")],
        rows,
    )  # fmt: skip
    firms = workbook.create_sheet(_("Firms")[:SHEET_TITLE_LIMIT])
    yes_counts = defaultdict(lambda: [0, 0])
    for interest in Interest.objects.filter(session=session, interested=True).select_related("sheet"):
        yes_counts[interest.organisation_id][0 if interest.sheet.direction == Direction.OFFER else 1] += 1
    firm_rows = [
        [r.organisation.name, r.organisation.zone.name if r.organisation.zone_id else "",
         r.table.number if r.table_id else "", *yes_counts[r.organisation_id]]
        for r in Registration.objects.filter(session=session).select_related("organisation__zone", "table")
        .order_by("organisation__name")
    ]  # fmt: skip
    _write(
        firms,
        str(session),
        [_("Firm"), _("Zone"), _("Table"), _("Offers of interest"), _("Needs it can answer")],
        firm_rows,
    )
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def zip_of(files: list[tuple[str, bytes]]) -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files:
            archive.writestr(name, content)
    return output.getvalue()
