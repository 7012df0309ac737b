"""Wagtail admin hooks of the public site; thin: the rules are in services and permissions."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets import Button

from . import page_cache, services
from .models import AxisPage, EventPage
from .permissions import can_export_attendance

hooks.register("on_serve_page", page_cache.cache_page_for_anonymous)


@hooks.register("after_create_page")
def give_axis_coordinators_their_page(request, page):
    """A new axis page: its coordinators may add and edit under it at once (and submit, not publish)."""
    if issubclass(page.specific_class or type(None), AxisPage):
        services.publishing_setup()


@hooks.register("register_page_listing_more_buttons")
def attendance_sheet_buttons(page, user, next_url=None):
    specific_class = page.specific_class
    if page.live and specific_class and issubclass(specific_class, EventPage) and can_export_attendance(user, page):
        event = page.specific
        for file_format, label, priority in (
            ("xlsx", _("Attendance sheet (XLSX)"), 90),
            ("csv", _("Attendance sheet (CSV)"), 91),
        ):
            yield Button(label, event.url + event.reverse_subpage("attendance", args=[file_format]), priority=priority)
