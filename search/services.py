"""Writes of search/ besides the index: the log of the searches made (without anyone in it)."""

import datetime
from collections.abc import Iterable

from django.db import transaction

from . import text
from .models import SearchLog

MAX_FACET_VALUES = 40


def normalised_query(query: str) -> str:
    """What the log keeps of a search: lower case, accents folded, spaces collapsed, 200 characters."""
    return " ".join(text.fold(query).split())[:200]


def facet_lines(values: Iterable[tuple[str, str]]) -> str:
    lines = list(dict.fromkeys(f"{field}={value}".replace("\n", " ") for field, value in values))
    return "\n" + "\n".join(lines[:MAX_FACET_VALUES]) + "\n" if lines else ""


@transaction.atomic
def search_log_record(*, query: str, results: int, facet_values: Iterable[tuple[str, str]] = ()) -> SearchLog | None:
    """Logs one search: its normalised words, how many results, the day and the facet values of its
    filters and first results. Nothing about who searched."""
    words = normalised_query(query)
    if not words:
        return None
    return SearchLog.objects.create(query=words, results=results, facet_values=facet_lines(facet_values))


@transaction.atomic
def search_click_record(*, log_id: int, rank: int) -> bool:
    """Records the rank of the result followed from a logged search (the first one followed only)."""
    return bool(SearchLog.objects.filter(pk=log_id, clicked_rank__isnull=True).update(clicked_rank=rank))


@transaction.atomic
def search_log_purge(cutoff: datetime.datetime) -> int:
    """Removes the searches logged before `cutoff`'s day (the privacy app's retention rule)."""
    deleted, _by_model = SearchLog.objects.filter(day__lt=cutoff.date()).delete()
    return deleted
