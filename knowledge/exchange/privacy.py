"""What the Bourse d'échanges holds about a person, for the privacy app (portal/privacy/registry.py).

Sheets, answers and synergies belong to the firms and stay; a person appears as the author of
sheets, a table's facilitator or secretary, the one who recorded answers, and in the workbooks as
the contact of their firm's sheets — only while they consent to being shown as a contact
(exports.py asks), so withdrawing it or deleting the account leaves them out of every workbook
built afterwards.
"""

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.privacy import registry
from portal.privacy.models import Purpose

from . import services
from .models import Interest, ResourceSheet, SatisfactionResponse, SessionStatus, SessionTable, WorkbookExport


def export_sheets(person) -> list[dict]:
    return [
        {
            _("Sheet"): sheet.title,
            _("Direction"): sheet.get_direction_display(),
            _("Organisation"): sheet.organisation.name,
            _("Status"): sheet.get_status_display(),
            _("Created"): sheet.created_at,
        }
        for sheet in ResourceSheet.objects.filter(created_by=person).select_related("organisation")
    ]


def export_tables(person) -> list[dict]:
    rows = []
    for table in SessionTable.objects.filter(Q(facilitator=person) | Q(secretary=person)).select_related("session"):
        role = _("secretary") if table.secretary_id == person.pk else _("facilitator")
        rows.append({_("Session"): table.session.title, _("Date"): table.session.date, _("Table"): table.number,
                     _("Role"): role})  # fmt: skip
    return rows


def export_recorded_answers(person) -> list[dict]:
    return [
        {
            _("Session"): interest.session.title,
            _("Sheet"): interest.sheet.title,
            _("Organisation"): interest.organisation.name,
            _("Interested"): interest.interested,
            _("Recorded"): interest.recorded_at,
        }
        for interest in Interest.objects.filter(recorded_by=person).select_related("session", "sheet", "organisation")
    ]


def export_satisfaction(person) -> list[dict]:
    return [
        {
            _("Session"): response.session.title,
            _("Logistics"): response.logistics,
            _("Exchange method"): response.method,
            _("Atmosphere"): response.atmosphere,
            _("Comment"): response.comment,
            _("Answered"): response.created_at,
        }
        for response in SatisfactionResponse.objects.filter(respondent=person).select_related("session")
    ]


def erase(person) -> None:
    # The tables of future sessions need someone else; past ones keep the pseudonym. The comment
    # of a questionnaire is the person's own words: it goes, the scores stay for the session's figures.
    SessionTable.objects.filter(facilitator=person, session__status=SessionStatus.PLANNED).update(facilitator=None)
    SessionTable.objects.filter(secretary=person, session__status=SessionStatus.PLANNED).update(secretary=None)
    SatisfactionResponse.objects.filter(respondent=person).update(comment="")
    services.workbooks_rebuild_without(person)


def consent_changed(person, purpose, given) -> None:
    # Workbooks built while she agreed to be named would go on naming her: rebuilt without her.
    if purpose == Purpose.CONTACT and not given:
        services.workbooks_rebuild_without(person)


def purge_workbooks(cutoff) -> int:
    """The workbooks built for the sessions held before the cutoff: the firms have long had them."""
    return WorkbookExport.objects.filter(session__date__lt=cutoff.date()).delete()[1].get(WorkbookExport._meta.label, 0)


def register() -> None:
    registry.register_section("exchange_sheets", label=gettext_lazy("Resource sheets I filed"),
                              export=export_sheets, erase=erase, consent_changed=consent_changed, order=40)  # fmt: skip
    registry.register_section("exchange_tables", label=gettext_lazy("Exchange session tables I ran"),
                              export=export_tables, order=41)  # fmt: skip
    registry.register_section("exchange_answers", label=gettext_lazy("Answers I recorded as a secretary"),
                              export=export_recorded_answers, order=42)  # fmt: skip
    registry.register_section("exchange_satisfaction", label=gettext_lazy("My satisfaction questionnaires"),
                              export=export_satisfaction, order=43)  # fmt: skip
    registry.register_purge(
        "exchange_workbooks", label=gettext_lazy("Stored workbooks of the Bourse d'échanges"),
        retention_setting="exchange_workbooks", purge=purge_workbooks,
    )  # fmt: skip
    registry.register_processing(
        "exchange",
        title=gettext_lazy("Bourse d'échanges"),
        purpose=gettext_lazy(
            "Running the resource exchanges between firms: sheets and their author, the tables' facilitators "
            "and secretaries, the interests recorded, and after each session a workbook per firm giving the "
            "contact of the counterpart firm's sheets — a person is given as contact only if they agreed to it."
        ),
        legal_basis=gettext_lazy("Legitimate interest of the clubs; consent for the contact person"),
        data=[
            gettext_lazy("name"),
            gettext_lazy("e-mail and phone of the contact person"),
            gettext_lazy("answers recorded and who recorded them"),
            gettext_lazy("satisfaction questionnaire"),
        ],
        retention=gettext_lazy(
            "As long as the firm takes part; the contact leaves the workbooks at once when consent is withdrawn "
            "(the workbooks already built are rebuilt without them); the period is that of the stored "
            "workbooks, counted from the session's day."
        ),
        retention_setting="exchange_workbooks",
        order=40,
    )
