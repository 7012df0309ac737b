"""The public site's news feeds, RSS and Atom (the events' iCalendar: cms/events/feeds.py).

Only live, public pages go out: a feed is read by anyone, like the site itself.
"""

import datetime

from django.contrib.syndication.views import Feed
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from . import selectors

FEED_SIZE = 20


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
