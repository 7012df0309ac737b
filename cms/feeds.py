"""The public site's news feeds, RSS and Atom (the events' iCalendar: cms/events/feeds.py).

Only live, public pages go out: a feed is read by anyone, like the site itself.
"""

import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from workgroups.models import Axis

from . import selectors

FEED_SIZE = 20


def _named(part, request):
    """An axis's or a club's feed says which cluster's it is, among a reader's other feeds: `part` is
    this request's own instance, so it carries the name to `title`."""
    part.feed_site_name = selectors.site_identity(request=request).display_name(settings.WAGTAIL_SITE_NAME)
    return part


class NewsFeed(Feed):
    """RSS 2.0 of the latest news of the whole site."""

    def get_object(self, request, *args, **kwargs):
        return selectors.site_identity(request=request)

    def title(self, identity):
        if identity.name:
            return _("News of %(name)s") % {"name": identity.name}
        return _("News of the cluster")

    def description(self, identity):
        return _("The latest news of the cluster, its thematic axes and its business clubs.")

    def link(self):
        return "/"

    def items(self):
        return selectors.latest_news().public()[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return item.get_url()

    def item_pubdate(self, item):
        return timezone.make_aware(datetime.datetime.combine(item.date, datetime.time(9)))

    def item_updateddate(self, item):
        return item.last_published_at

    def item_categories(self, item):
        return [tag.name for tag in item.tags.all()]


class AtomNewsFeed(NewsFeed):
    feed_type = Atom1Feed

    def subtitle(self, identity):
        return self.description(identity)


class AxisNewsFeed(NewsFeed):
    """RSS 2.0 of one thematic axis's public news (under its page or tagged with it)."""

    def get_object(self, request, slug):
        return _named(get_object_or_404(Axis, slug=slug), request)

    def title(self, axis):
        return _("News of the axis %(axis)s") % {"axis": axis.title} + f" · {axis.feed_site_name}"

    def description(self, axis):
        return _("The latest news of the thematic axis %(axis)s.") % {"axis": axis.title}

    def link(self, axis):
        page = getattr(axis, "page", None)
        return page.url if page and page.live else "/"

    def items(self, axis):
        return selectors.latest_news(axis=axis, within=getattr(axis, "page", None))[:FEED_SIZE]


class ClubNewsFeed(NewsFeed):
    """RSS 2.0 of one business club's public news (under its page)."""

    def get_object(self, request, slug):
        page = selectors.public_club_page(slug)
        if page is None:
            raise Http404
        return _named(page, request)

    def title(self, page):
        return _("News of %(club)s") % {"club": page.club.name} + f" · {page.feed_site_name}"

    def description(self, page):
        return _("The latest news of the business club %(club)s.") % {"club": page.club.name}

    def link(self, page):
        return page.url

    def items(self, page):
        return selectors.latest_news(within=page)[:FEED_SIZE]
