"""What knowledge puts in the portal's search, and who may find it.

Best practices: published records, shown to everyone ("public") or to members ("members"); records
waiting for review, found only by those who may read them there: the reviewers of their axis (the
grant "best_practices:review:<axis id>") and the people of their organisation
("best_practices:organisation:<id>"). Drafts are never found.
Workgroup messages are registered by workgroups/indexing.py; Wagtail pages and the public
directory's organisations by cms/indexing.py.
"""

import html

from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _

from portal.members.indexing import MEMBERS, organisation_facets
from portal.members.permissions import ALL, person_of
from search import registry
from search.documents import PUBLIC, SearchDocument, subtitle
from workgroups.indexing import axis_facets

from . import permissions
from .models import BestPractice, BestPracticeStatus, Visibility

FOUND = (BestPracticeStatus.PUBLISHED, BestPracticeStatus.SUBMITTED)


def review_grant(axis_id: int) -> str:
    return f"best_practices:review:{axis_id}"


def organisation_grant(organisation_id: int) -> str:
    return f"best_practices:organisation:{organisation_id}"


def record_grants(user) -> list[str]:
    """The records in review the user may find: those of the axes she reviews, her organisation's."""
    person = person_of(user)
    if person is None or not user.is_active:
        return []
    axes = permissions.reviewed_axis_ids(user)
    if axes is ALL:
        from workgroups.models import Axis

        axes = Axis.objects.values_list("pk", flat=True)
    grants = [review_grant(axis_id) for axis_id in sorted(axes)]
    if person.organisation_id:
        grants.append(organisation_grant(person.organisation_id))
    return grants


def visibility(record: BestPractice) -> list[str]:
    if record.status == BestPracticeStatus.SUBMITTED:
        return [review_grant(record.axis_id), organisation_grant(record.organisation_id)]
    return [PUBLIC if record.visibility == Visibility.PUBLIC else MEMBERS]


def plain_text(rich_text: str) -> str:
    return html.unescape(strip_tags((rich_text or "").replace("</p>", "</p>\n").replace("<br/>", "\n")))


def best_practices():
    return (
        BestPractice.objects.filter(status__in=FOUND)
        .select_related("axis", "organisation__zone")
        # The tags through their rows: taggit's own prefetch builds a queryset per record.
        .prefetch_related("tagged_items__tag", "figures", "partners")
    )


def best_practice_document(record: BestPractice) -> SearchDocument | None:
    if record.status not in FOUND:
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
        subtitle=subtitle(
            str(record.axis),
            record.organisation.name,
            str(_("waiting for review")) if record.status == BestPracticeStatus.SUBMITTED else "",
            title=record.title,
        ),
        tags=sorted(item.tag.name for item in record.tagged_items.all()),
        year=published.year if published else None,
        created=published,
        visibility=visibility(record),
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
    registry.register_grants(record_grants)
