"""What knowledge puts in the portal's search, and who may find it.

Best practices: published records only, shown to everyone ("public") or to members ("members").
Workgroup messages are registered by workgroups/indexing.py; Wagtail pages and the public
directory's organisations by cms/indexing.py.
"""

import html

from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _

from portal.members.indexing import MEMBERS, organisation_facets
from search import registry
from search.documents import PUBLIC, SearchDocument, subtitle
from workgroups.indexing import axis_facets

from .models import BestPractice, BestPracticeStatus, Visibility


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
        subtitle=subtitle(str(record.axis), record.organisation.name, title=record.title),
        tags=sorted(item.tag.name for item in record.tagged_items.all()),
        year=published.year if published else None,
        created=published,
        visibility=[PUBLIC if record.visibility == Visibility.PUBLIC else MEMBERS],
        facets={**axis_facets(record.axis), **organisation_facets(record.organisation)},
    )


def register() -> None:
    registry.register(
        "best_practice",
        label=_("Best practices"),
        model=BestPractice,
        queryset=best_practices,
        to_document=best_practice_document,
        # What the portal exists to share: a best practice outranks a page or a message saying as much.
        boost=1.5,
    )
