"""The needs survey's workbook for the organisers (names included)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from portal.exports import SHEET_TITLE_LIMIT, sheet_row, workbook_bytes

from .models import ActionKind, CommonProblem, ContactStatus, Survey, SurveyResponse
from .selectors import survey_results


def survey_workbook(survey: Survey) -> bytes:
    """XLSX: the ranking, then one line per responding firm (for the organisers, names included)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    results = survey_results(survey)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Ranking")[:SHEET_TITLE_LIMIT]
    headers = [_("Rank"), _("Problem"), _("Firms concerned"), _("Urgent"), _("Important"), _("Minor"),
               _("Score"), _("% of responding firms"), _("Quotes")]  # fmt: skip
    sheet.append(headers)
    for rank, result in enumerate(results["ranking"], start=1):
        sheet.append(sheet_row(sheet, [rank, result.label, result.firms, result.urgent, result.important, result.minor,
                                       result.score, result.share, "\n".join(result.quotes)]))  # fmt: skip
    answers_sheet = workbook.create_sheet(_("Responses")[:SHEET_TITLE_LIMIT])
    problems = list(CommonProblem)
    answers_sheet.append([_("Firm"), _("SIRET"), _("Submitted"), *[str(p.label) for p in problems],
                          _("Comments"), _("Other needs or remarks")])  # fmt: skip
    responses = (
        SurveyResponse.objects.filter(survey=survey)
        .select_related("invitation__organisation")
        .prefetch_related("answers")
        .order_by("submitted_at")
    )
    for response in responses.iterator(chunk_size=500):
        by_problem = {answer.problem: answer for answer in response.answers.all()}
        comments = "\n".join(
            f"{answer.get_problem_display()} : {answer.comment}" for answer in by_problem.values() if answer.comment
        )
        organisation = response.invitation.organisation
        answers_sheet.append(sheet_row(answers_sheet, [
            organisation.name, organisation.siret, timezone.localtime(response.submitted_at).replace(tzinfo=None),
            *[by_problem[p.value].importance if p.value in by_problem else None for p in problems],
            comments, response.free_text,
        ]))  # fmt: skip
    for worksheet in workbook.worksheets:
        for cell in worksheet[1]:
            cell.font = Font(bold=True)
    return workbook_bytes(workbook)


def calls_workbook(prospect_files) -> bytes:
    """XLSX of an animator's next actions (overdue, then today's): one line per firm."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    actions, statuses = dict(ActionKind.choices), dict(ContactStatus.choices)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Calls")[:SHEET_TITLE_LIMIT]
    sheet.append([_("Due on"), _("Next action"), _("Firm"), _("SIRET"), _("Phone"), _("E-mail"), _("Address"),
                  _("Commune"), _("Latest contact"), _("Latest contact on"), _("Latest note")])  # fmt: skip
    for prospect_file in prospect_files:
        firm = prospect_file.organisation
        sheet.append(sheet_row(sheet, [
            prospect_file.next_action_due, str(actions.get(prospect_file.next_action, "")), firm.name, firm.siret,
            firm.phone, firm.email, firm.address, firm.commune,
            str(statuses.get(prospect_file.last_status, "")) if prospect_file.last_status else "",
            prospect_file.last_contacted_on, prospect_file.last_note or "",
        ]))  # fmt: skip
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    return workbook_bytes(workbook)
