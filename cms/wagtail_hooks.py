"""Wagtail admin hooks of the public site; thin: the rules are in services and permissions."""

from wagtail import hooks

from . import page_cache, services
from .models import AxisPage

hooks.register("on_serve_page", page_cache.cache_page_for_anonymous)


@hooks.register("after_create_page")
def give_axis_coordinators_their_page(request, page):
    """A new axis page: its coordinators may add and edit under it at once (and submit, not publish)."""
    if issubclass(page.specific_class or type(None), AxisPage):
        services.publishing_setup()
