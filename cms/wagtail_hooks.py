"""Wagtail admin hooks of the public site; thin: the rules are in services and permissions."""

from wagtail import hooks

from . import page_cache, services
from .models import AxisPage, ClubPage

hooks.register("on_serve_page", page_cache.cache_page_for_anonymous)


@hooks.register("after_create_page")
@hooks.register("after_publish_page")
def give_editors_their_page(request, page):
    """A new axis or club page (or one given another axis or club): its coordinators or animators may
    add and edit under it at once (and submit, not publish)."""
    if issubclass(page.specific_class or type(None), (AxisPage, ClubPage)):
        services.publishing_setup()
