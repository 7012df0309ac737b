"""The feed of newly published public best practices (RSS), read by anyone like the public list."""

from django.contrib.auth.models import AnonymousUser
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.translation import gettext as _

from . import selectors

FEED_SIZE = 20


class BestPracticesFeed(Feed):
    def title(self):
        return _("New best practices of the cluster")

    def description(self):
        return _("The best practices of the cluster's members, as they are published.")

    def link(self):
        return reverse("knowledge:list")

    def items(self):
        # An anonymous reader: public records only, whatever the feed reader's owner may see on the site.
        return selectors.visible_best_practices(AnonymousUser())[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return item.published_at

    def item_categories(self, item):
        return [tag.name for tag in item.tags.all()]
