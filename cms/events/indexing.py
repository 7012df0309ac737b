"""What the events put in the portal's search: their live, public event pages, found by everyone.

The site's indexing (cms/indexing.py) builds the documents and follows Wagtail's page life cycle;
this module only says which event pages are searchable and which of their fields hold text.
"""

from django.utils.translation import gettext_lazy as _

from cms import indexing as site_indexing
from search import registry

from .models import EventIndexPage, EventPage

EVENT = "event"


def event_pages():
    return EventPage.objects.live().public().select_related("axis")


def register() -> None:
    """Called from EventsConfig.ready()."""
    site_indexing.register_page_type(EventIndexPage, summary_fields=("intro",), body_fields=())
    site_indexing.register_page_type(
        EventPage,
        summary_fields=("summary",),
        body_fields=("place", "address", "body"),
        doc_type=EVENT,
        date_field="start",
    )
    registry.register(
        EVENT, label=_("Events"), model=EventPage, queryset=event_pages, to_document=site_indexing.page_document
    )
