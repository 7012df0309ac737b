"""Helpers that build the public site's page tree in tests."""

import datetime

from django.utils import timezone
from django.utils.text import slugify

from cms.events.models import EventKind, EventPage
from cms.models import AxisPage, NewsPage


def add_page(parent, model, *, publish=True, **fields):
    """Adds a page under `parent`, published unless told otherwise (a draft stays not live)."""
    fields.setdefault("slug", slugify(fields["title"]))
    if not publish:
        fields["live"] = False
    page = model(**fields)
    parent.add_child(instance=page)
    if publish:
        page.save_revision().publish()
        page.refresh_from_db()
    return page


def add_event(parent, *, days=7, hours=2, capacity=3, publish=True, **fields):
    start = timezone.now().replace(microsecond=0) + datetime.timedelta(days=days)
    fields.setdefault("title", f"Événement J{days:+d} n°{EventPage.objects.count() + 1}")
    fields.setdefault("kind", EventKind.WORKSHOP)
    fields.setdefault("place", "Maison des coopératives")
    fields.setdefault("summary", "Un événement du pôle.")
    return add_page(
        parent,
        EventPage,
        publish=publish,
        start=start,
        end=start + datetime.timedelta(hours=hours),
        capacity=capacity,
        **fields,
    )


def add_news(parent, *, days_ago=0, publish=True, **fields):
    fields.setdefault("title", f"Actualité n°{NewsPage.objects.count() + 1}")
    fields.setdefault("summary", "Une nouvelle du pôle.")
    return add_page(
        parent,
        NewsPage,
        publish=publish,
        date=timezone.localdate() - datetime.timedelta(days=days_ago),
        **fields,
    )


def axis_page(home, axis, **fields):
    fields.setdefault("title", axis.title)
    return add_page(home, AxisPage, axis=axis, **fields)
