"""Background work of the members directory (django-tasks)."""

from django_tasks import task


@task()
def geocode_organisation(organisation_id: int, address: list[str]) -> bool:
    """Places an organisation from the national address base once its address is saved."""
    from .services import organisation_geocode

    return organisation_geocode(organisation_id=organisation_id, address=tuple(address))
