"""Background work of the members directory (django-tasks)."""

from django_tasks import task


@task()
def run_firm_import(import_id: int) -> int:
    """Checks and imports a zone's firms; the progress page reads the import row meanwhile."""
    from .imports import firm_import_run

    return firm_import_run(import_id).created_count


@task()
def email_survey_links(survey_id: int) -> int:
    """E-mails each firm of a survey its own link (those with an address, not answered, not e-mailed yet)."""
    from .surveys import survey_email_links_run

    return survey_email_links_run(survey_id)
