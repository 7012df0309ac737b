"""Background work of the clubs (django-tasks): firm imports, survey and campaign e-mails."""

import logging

from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def run_firm_import(import_id: int) -> int:
    """Checks and imports a zone's firms; the progress page reads the import row meanwhile."""
    from django.db import transaction
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from .models import FirmImport, ImportStatus
    from .services import firm_import_run

    try:
        return firm_import_run(import_id).created_count
    except Exception:
        # Whatever went wrong, the progress page must not wait forever: say so, keep the trace in the logs.
        logger.exception("Import %s failed", import_id)
        if not transaction.get_connection().in_atomic_block or not transaction.get_rollback():
            FirmImport.objects.filter(pk=import_id).update(
                status=ImportStatus.FAILED,
                finished_at=timezone.now(),
                errors=[{"line": 0, "errors": [_("The import failed unexpectedly: nothing was imported.")]}],
            )
        raise


@task()
def email_survey_links(survey_id: int) -> int:
    """E-mails each firm of a survey its own link (those with an address, not answered, not e-mailed yet)."""
    from .services import survey_email_links_run

    return survey_email_links_run(survey_id)


@task()
def email_campaign_invitations(campaign_id: int) -> int:
    """E-mails each firm of a campaign its own invitation link (those with an address, not invited yet)."""
    from .services import campaign_send_invitations_run

    return campaign_send_invitations_run(campaign_id)


@task()
def remind_campaign(campaign_id: int) -> int:
    """The "remind now" button's work: the firms that did not act, not reminded today."""
    from .services import campaign_remind_now_run

    return campaign_remind_now_run(campaign_id)
