"""Wagtail hooks of the events; thin: the rules are in permissions and selectors."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets import Button

from cms.models import AxisPage, ClubPage, HomePage, changes_at

from . import selectors
from .models import EventIndexPage, EventPage
from .permissions import can_manage_participation

HOME_EVENTS = 3


@hooks.register("cms_page_context")
def events_on_site_pages(page, request, context):
    """What the home and axis pages (cms) show of the events: cms does not import this app."""
    if isinstance(page, HomePage):
        context["next_events"] = list(selectors.upcoming_events(user=request.user)[:HOME_EVENTS])
        changes_at(context, min((event.end for event in context["next_events"]), default=None))  # it leaves the list
    elif isinstance(page, AxisPage):
        scope = {"within": page, "axis": page.axis, "user": request.user}
        context["upcoming_events"] = list(selectors.upcoming_events(**scope)[:4])
        context["past_events"] = list(selectors.past_events(**scope)[:3])
        context["event_index"] = EventIndexPage.objects.live().child_of(page).first()
        # The first to end leaves the upcoming ones for the past ones.
        changes_at(context, min((event.end for event in context["upcoming_events"]), default=None))
    elif isinstance(page, ClubPage):
        context["event_index"] = EventIndexPage.objects.live().child_of(page).first()
        if context["event_index"] is not None:
            context["upcoming_events"] = list(selectors.upcoming_events(within=page, user=request.user)[:4])


@hooks.register("register_page_listing_more_buttons")
def attendance_sheet_buttons(page, user, next_url=None):
    specific_class = page.specific_class
    if page.live and specific_class and issubclass(specific_class, EventPage):
        event = page.specific
        if not can_manage_participation(user, event):
            return
        for file_format, label, priority in (
            ("xlsx", _("Attendance sheet (XLSX)"), 90),
            ("csv", _("Attendance sheet (CSV)"), 91),
        ):
            yield Button(label, event.url + event.reverse_subpage("attendance", args=[file_format]), priority=priority)


@hooks.register("cms_demo_pages")
def events_demo_pages(*, home, axis_pages, axes_by_number):
    from . import demo

    demo.load_events(home=home, axis_pages=axis_pages, axes_by_number=axes_by_number)
