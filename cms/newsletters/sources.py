"""What an automatic section can list. Each source returns the items of a period, for an axis or a club.

Other apps add their own (the Bourse d'échanges' resource sheets, for one) with `register()` from
their AppConfig.ready(); a source that cannot filter by club or axis ignores that filter.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Item:
    title: str
    url: str
    summary: str = ""
    when: str = ""


@dataclass(frozen=True)
class Source:
    key: str
    label: str
    fetch: Callable  # fetch(*, days, axis, club, limit) -> list[Item]


_sources: dict[str, Source] = {}


def register(key: str, *, label, fetch) -> None:
    _sources[key] = Source(key, label, fetch)


def all_sources() -> list[Source]:
    return list(_sources.values())


def get(key: str) -> Source | None:
    return _sources.get(key)


def _absolute(url: str) -> str:
    from django.conf import settings

    return url if url.startswith("http") else settings.WAGTAILADMIN_BASE_URL.rstrip("/") + url


def latest_news(*, days, axis=None, club=None, limit=5) -> list[Item]:
    from cms import selectors

    since = timezone.localdate() - datetime.timedelta(days=days)
    news = selectors.latest_news(axis=axis).filter(date__gte=since)[:limit]
    return [Item(page.title, _absolute(page.get_url() or ""), page.summary, page.date.strftime("%d/%m/%Y"))
            for page in news]  # fmt: skip


def upcoming_events(*, days, axis=None, club=None, limit=5) -> list[Item]:
    from cms.events import selectors

    until = timezone.now() + datetime.timedelta(days=days)
    events = selectors.upcoming_events(axis=axis).filter(start__lte=until)[:limit]
    return [
        Item(event.title, _absolute(event.get_url() or ""), event.summary,
             timezone.localtime(event.start).strftime("%d/%m/%Y %H:%M"))
        for event in events
    ]  # fmt: skip


def new_best_practices(*, days, axis=None, club=None, limit=5) -> list[Item]:
    from django.contrib.auth.models import AnonymousUser

    from knowledge import selectors

    since = timezone.now() - datetime.timedelta(days=days)
    # Newsletters may reach the public: only the records anyone may read.
    records = selectors.visible_best_practices(AnonymousUser(), axis=axis).filter(published_at__gte=since)[:limit]
    return [Item(record.title, _absolute(record.get_absolute_url()), record.summary,
                 timezone.localtime(record.published_at).strftime("%d/%m/%Y")) for record in records]  # fmt: skip


def register_defaults() -> None:
    register("news", label=_("Latest news"), fetch=latest_news)
    register("events", label=_("Upcoming events"), fetch=upcoming_events)
    register("best_practices", label=_("Newly published best practices"), fetch=new_best_practices)
