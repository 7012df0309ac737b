"""Background work of the members directory (django-tasks)."""

from django_tasks import task


@task()
def run_firm_import(import_id: int) -> int:
    """Checks and imports a zone's firms; the progress page reads the import row meanwhile."""
    from .imports import firm_import_run

    return firm_import_run(import_id).created_count
