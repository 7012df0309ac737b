"""What the Bourse d'échanges puts in the portal's search: the open resource sheets, for members.

Matching suggestions (selectors.matching_sheets) use the index's more-like-this on the title and
description, with the French analysis the search library configures.
"""

from django.utils.translation import gettext_lazy as _

from portal.members.indexing import MEMBERS, ZONE, organisation_facets
from search import registry
from search.documents import SearchDocument, subtitle

from .models import ACTIVE_SHEET_STATUSES, ResourceSheet


def sheets():
    return (
        ResourceSheet.objects.filter(status__in=ACTIVE_SHEET_STATUSES)
        .select_related("organisation", "zone")
        .prefetch_related("tags")
    )


def sheet_document(sheet: ResourceSheet) -> SearchDocument | None:
    if sheet.status not in ACTIVE_SHEET_STATUSES:
        return None
    quantity = f"{sheet.quantity.normalize():f} {sheet.unit}".strip() if sheet.quantity is not None else sheet.unit
    body = "\n".join(
        part for part in (sheet.description, sheet.get_category_display(), quantity, sheet.organisation.name) if part
    )
    return SearchDocument(
        type="resource_sheet",
        id=sheet.pk,
        title=sheet.title,
        summary=f"{sheet.get_direction_display()} · {sheet.get_category_display()}",
        body=body,
        url=sheet.get_absolute_url(),
        subtitle=subtitle(sheet.organisation.name, title=sheet.title),
        tags=sorted(tag.name for tag in sheet.tags.all()),
        year=sheet.created_at.year if sheet.created_at else None,
        created=sheet.created_at,
        visibility=[MEMBERS],
        # The sheet's own business park (where the resource is), not its organisation's.
        facets={**organisation_facets(sheet.organisation), ZONE: sheet.zone.name if sheet.zone_id else ""},
    )


def register() -> None:
    registry.register(
        "resource_sheet",
        label=_("Resource sheets"),
        model=ResourceSheet,
        queryset=sheets,
        to_document=sheet_document,
    )
