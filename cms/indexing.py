"""What the public site puts in the portal's search: its live, public pages and the organisations of
the public directory, both found by everyone.

Wagtail publishes, unpublishes, moves and deletes pages and sets their privacy itself (admin,
scheduled publishing): the signals below, the only ones the search listens to, connect that page life
cycle to the search outbox (search.indexing), each handler queuing an explicit index or delete in the
write's transaction. The directory's organisations are queued by the members' services themselves
(portal/members/services.py: organisation and membership writes, the directory consent) and by
every other writer of organisations explicitly. Whether a queued page or organisation is then
indexed or removed is decided by the querysets here (live, public, routable; listed and an active
member), read when the outbox is drained; `rebuild_index` repairs any drift.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_delete, post_save
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page, PageViewRestriction
from wagtail.rich_text import get_text_for_indexing
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from portal.members import selectors as member_selectors
from portal.members.indexing import ZONE, organisation_facets
from portal.members.models import Organisation
from search import indexing, registry
from search.documents import PUBLIC, SearchDocument, subtitle
from workgroups.indexing import axis_facets

from .models import AxisPage, ClubPage, ContactPage, HomePage, NewsIndexPage, NewsPage, StandardPage

PAGE, NEWS, ORGANISATION = "page", "news", "organisation"
# The text fields of each page model: (summary fields, body fields), read in this order. Apps built
# on the site (cms/events) add their page types with `register_page_type`.
TEXT_FIELDS = {
    HomePage: (("intro",), ("body",)),
    AxisPage: (("introduction",), ("objectives",)),
    ClubPage: (("introduction",), ("common_issues", "how_to_join")),
    StandardPage: (("intro",), ("body",)),
    ContactPage: (("intro",), ()),
    NewsIndexPage: (("intro",), ()),
    NewsPage: (("summary",), ("body",)),
}
# The site's other pages, found under the "page" type; news (and events) have types of their own.
OTHER_PAGE_TYPES = [HomePage, AxisPage, ClubPage, StandardPage, ContactPage, NewsIndexPage]
# Page types whose documents are of their own type, and the field giving their date: {model: (type, field)}.
OWN_TYPES = {NewsPage: (NEWS, "date")}


def register_page_type(model, *, summary_fields, body_fields, doc_type: str = PAGE, date_field: str = "") -> None:
    """A page type of another app in the site's documents: its text fields, and its own document
    type (with the field holding its date) or, by default, the "page" type."""
    TEXT_FIELDS[model] = (tuple(summary_fields), tuple(body_fields))
    if doc_type == PAGE:
        OTHER_PAGE_TYPES.append(model)
    else:
        OWN_TYPES[model] = (doc_type, date_field)


# --- Pages --------------------------------------------------------------------------------------


def _visible(queryset):
    """Live pages outside any private section (PageViewRestriction on them or an ancestor)."""
    return queryset.live().public()


def news_pages():
    return _visible(NewsPage.objects.all()).select_related("axis").prefetch_related("tags")


def other_pages():
    return _visible(Page.objects.type(*OTHER_PAGE_TYPES)).specific()


def _field_text(page: Page, name: str) -> str:
    field = page._meta.get_field(name)
    value = getattr(page, name)
    if not value:
        return ""
    # StreamField and RichTextField give their text without markup; other fields are plain text.
    searchable = getattr(field, "get_searchable_content", None)
    parts = searchable(value) if searchable else [str(value)]
    return "\n".join(get_text_for_indexing(strip_tags(str(part))) for part in parts if part)


def _texts(page: Page, names) -> str:
    return "\n\n".join(text for text in (_field_text(page, name) for name in names) if text)


def _axis(page: Page):
    if getattr(page, "axis_id", None):
        return page.axis
    # A page under an axis page (its news and events indexes) belongs to that axis.
    parent = AxisPage.objects.ancestor_of(page).select_related("axis").first()
    return parent.axis if parent is not None else None


def page_document(page: Page) -> SearchDocument | None:
    page = page.specific
    if not page.live or type(page) not in TEXT_FIELDS:
        return None
    url = page.get_url()
    if not url:  # outside every site: nobody can reach it
        return None
    summary_fields, body_fields = TEXT_FIELDS[type(page)]
    if type(page) in OWN_TYPES:
        doc_type, date_field = OWN_TYPES[type(page)]
        date = getattr(page, date_field)
    else:
        doc_type, date = PAGE, page.first_published_at
    axis = _axis(page)
    zone = page.club.zone if isinstance(page, ClubPage) and page.club.zone_id else None
    created = page.first_published_at if isinstance(page, NewsPage) else date
    return SearchDocument(
        type=doc_type,
        id=page.pk,
        title=page.title,
        summary=_texts(page, summary_fields) or page.search_description,
        body=_texts(page, body_fields),
        url=url,
        subtitle=subtitle(str(axis) if axis is not None else ""),
        tags=sorted(tag.name for tag in page.tags.all()) if isinstance(page, NewsPage) else [],
        year=date.year if date else None,
        created=created,
        visibility=[PUBLIC],
        facets={**axis_facets(axis), ZONE: zone.name if zone is not None else ""},
    )


def _page_type(page_class) -> str:
    indexable = registry.for_model(page_class) if page_class is not None else None
    return indexable.name if indexable is not None else ""


def schedule_page_and_descendants(page: Page) -> None:
    """Queues every page of the subtree: each is then indexed or removed as it now stands (after a
    move, or when the section becomes private or public again)."""
    rows = Page.objects.descendant_of(page, inclusive=True).values_list("pk", "content_type_id")
    for pk, content_type_id in rows:
        doc_type = _page_type(ContentType.objects.get_for_id(content_type_id).model_class())
        if doc_type:
            indexing.schedule_reindex(doc_type, pk)


def _page_published(sender, instance, **kwargs):
    indexing.schedule_index(instance.specific)


def _page_unpublished(sender, instance, **kwargs):
    indexing.schedule_index(instance.specific)


def _page_moved(sender, instance, **kwargs):
    schedule_page_and_descendants(instance)


def _page_slug_changed(sender, instance, **kwargs):
    # The URLs of the whole subtree changed with it.
    schedule_page_and_descendants(instance)


def _page_deleted(sender, instance, **kwargs):
    # Deleting a page deletes its subtree: each page of it comes here.
    doc_type = _page_type(instance.specific_class)
    if doc_type:
        indexing.schedule_delete(doc_type, instance.pk)


def _privacy_changed(sender, instance, **kwargs):
    page = Page.objects.filter(pk=instance.page_id).first()
    if page is not None:  # else the page itself is being deleted, which removes its subtree
        schedule_page_and_descendants(page)


# --- Organisations of the public directory ------------------------------------------------------


def directory_organisations():
    """Exactly what /annuaire/ lists: opted in, and an active member somewhere."""
    return member_selectors.public_organisations()


def organisation_document(organisation: Organisation) -> SearchDocument | None:
    if not organisation.in_public_directory:
        return None
    summary = organisation.description[:600]
    return SearchDocument(
        type=ORGANISATION,
        id=organisation.pk,
        title=organisation.name,
        summary=summary,
        body="\n".join(
            part
            for part in (
                organisation.description,
                organisation.get_kind_display(),
                " ".join(p for p in (organisation.postcode, organisation.commune) if p),
            )
            if part
        ),
        url=reverse("cms:directory_entry", args=[organisation.slug]),
        # The organisation is the title itself: nothing more to show beside the type.
        facets=organisation_facets(organisation),
        year=organisation.created_at.year if organisation.created_at else None,
        created=organisation.created_at,
        visibility=[PUBLIC],
    )


# --- Registration -------------------------------------------------------------------------------


def register() -> None:
    """Called from CmsConfig.ready()."""
    registry.register(PAGE, label=_("Pages"), model=Page, queryset=other_pages, to_document=page_document)
    registry.register(NEWS, label=_("News"), model=NewsPage, queryset=news_pages, to_document=page_document)
    registry.register(
        ORGANISATION,
        label=_("Organisations"),
        model=Organisation,
        queryset=directory_organisations,
        to_document=organisation_document,
    )

    uid = "cms_search_"
    page_published.connect(_page_published, dispatch_uid=uid + "page_published")
    page_unpublished.connect(_page_unpublished, dispatch_uid=uid + "page_unpublished")
    post_page_move.connect(_page_moved, dispatch_uid=uid + "page_moved")
    page_slug_changed.connect(_page_slug_changed, dispatch_uid=uid + "page_slug_changed")
    # Every page has its row in Page's table: one signal per deleted page, whatever its type.
    post_delete.connect(_page_deleted, sender=Page, dispatch_uid=uid + "page_deleted")
    post_save.connect(_privacy_changed, sender=PageViewRestriction, dispatch_uid=uid + "privacy_saved")
    post_delete.connect(_privacy_changed, sender=PageViewRestriction, dispatch_uid=uid + "privacy_deleted")
