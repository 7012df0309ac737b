"""Background work of the Bourse d'échanges (django-tasks)."""

import logging

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from . import exports
from .models import ExportStatus, FirmWorkbook, Registration, WorkbookExport

logger = logging.getLogger(__name__)


@task()
def build_workbooks(export_id: int) -> int:
    """Every registered firm's workbook, then the zip and the organiser's workbook; the export row
    carries the progress the organiser's page shows. Returns the number of firm workbooks."""
    export = WorkbookExport.objects.select_related("session").filter(pk=export_id).first()
    if export is None or export.status == ExportStatus.DONE:
        return 0
    session = export.session
    registrations = list(
        Registration.objects.filter(session=session).select_related("organisation").order_by("organisation__name")
    )
    WorkbookExport.objects.filter(pk=export_id).update(
        status=ExportStatus.RUNNING, total_count=len(registrations), done_count=0
    )
    try:
        answers = exports.session_yes_answers(session)
        contacts = exports._contacts({i.sheet.organisation_id for rows in answers.values() for i in rows})
        files = []
        for done, registration in enumerate(registrations, start=1):
            organisation = registration.organisation
            content = exports.firm_workbook(session, organisation, answers.get(organisation.pk, []), contacts)
            FirmWorkbook.objects.update_or_create(
                export_id=export_id, organisation=organisation, defaults={"content": content}
            )
            files.append((exports.firm_filename(session, organisation), content))
            WorkbookExport.objects.filter(pk=export_id).update(done_count=done)
        with transaction.atomic():
            WorkbookExport.objects.filter(pk=export_id).update(
                archive=exports.zip_of(files),
                organiser_workbook=exports.organiser_workbook(session),
                status=ExportStatus.DONE,
                finished_at=timezone.now(),
            )
    except Exception as error:
        logger.exception("Building the workbooks of export %s failed", export_id)
        WorkbookExport.objects.filter(pk=export_id).update(status=ExportStatus.FAILED, error=str(error)[:1000])
        raise
    return len(files)
