"""What knowledge puts in the portal's search, and who may find it.

Best practices: published records only, shown to everyone ("public") or to members ("members").
Workgroup messages are registered by workgroups/indexing.py; Wagtail pages and the public
directory's organisations by cms/indexing.py.
"""

import html

from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _

from portal.members.indexing import MEMBERS
from portal.members.models import Organisation
from search import registry
from search.documents import PUBLIC, SearchDocument

from .models import BestPractice, BestPracticeStatus, Visibility

SSE = "sse"
CLASSIC_FIRM = "classic_firm"
OTHER = "other"


def organisation_kind(organisation: Organisation | None) -> str:
    """The facet value: social economy, classic firm, or other (local authorities, university…)."""
    return organisation.sector if organisation is not None else ""


def plain_text(rich_text: str) -> str:
    return html.unescape(strip_tags((rich_text or "").replace("</p>", "</p>\n").replace("<br/>", "\n")))


def best_practices():
    return (
        BestPractice.objects.filter(status=BestPracticeStatus.PUBLISHED)
        .select_related("axis", "organisation__zone")
        # The tags through their rows: taggit's own prefetch builds a queryset per record.
        .prefetch_related("tagged_items__tag", "figures", "partners")
    )


def best_practice_document(record: BestPractice) -> SearchDocument | None:
    if record.status != BestPracticeStatus.PUBLISHED:
        return None
    figures = "\n".join(f"{figure.value} {figure.label}" for figure in record.figures.all())
    partners = ", ".join(partner.name for partner in record.partners.all())
    body = "\n\n".join(
        part
        for part in (
            plain_text(record.body),
            record.problem,
            record.results,
            figures,
            record.replicability,
            record.organisation.name,
            partners,
        )
        if part
    )
    published = record.published_at or record.created_at
    return SearchDocument(
        type="best_practice",
        id=record.pk,
        title=record.title,
        summary=record.summary,
        body=body,
        url=record.get_absolute_url(),
        axis=str(record.axis),
        organisation=record.organisation.name,
        organisation_kind=organisation_kind(record.organisation),
        tags=sorted(item.tag.name for item in record.tagged_items.all()),
        zone=record.organisation.zone.name if record.organisation.zone_id else "",
        year=published.year if published else None,
        created=published,
        visibility=[PUBLIC if record.visibility == Visibility.PUBLIC else MEMBERS],
    )


def register() -> None:
    registry.register(
        "best_practice",
        label=_("Best practices"),
        model=BestPractice,
        queryset=best_practices,
        to_document=best_practice_document,
    )
    registry.register_facet_labels(
        "organisation_kind",
        {SSE: _("Social economy"), CLASSIC_FIRM: _("Classic firm"), OTHER: _("Other organisation")},
    )
