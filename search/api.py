"""What the rest of the portal calls: search.query(), search.autocomplete(), search.more_like_this().

These take the user, turn them into grants through the apps' contributions, clean what was typed and
turn any failure of the search server into a message: a bad query or a server down never becomes
an error page.
"""

import logging
import re
from collections.abc import Mapping

from django.utils.translation import gettext as _

from . import registry
from .backend import get_backend
from .backends.base import SearchUnavailable
from .documents import PUBLIC, YEAR, SearchResults, Suggestion

logger = logging.getLogger(__name__)

MAX_QUERY_LENGTH = 200
MAX_PREFIX_LENGTH = 100
MAX_PAGE_SIZE = 50
# Elasticsearch refuses to page beyond 10,000 hits (index.max_result_window).
MAX_RESULT_WINDOW = 10_000
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f\ue000-\uf8ff]")
# "Did you mean…" is looked for when the first page has fewer results than this, and only for plain
# words (quotes, exclusions and operators are meant as typed).
FEW_RESULTS = 3
SEARCH_SYNTAX = re.compile(r"[\"|+*()~]|(?:^|\s)-\S")


def grants_for(user) -> list[str]:
    """The searcher's grants: "public", then the union of every app's contribution
    (registry.register_grants), in registration order, each grant once."""
    grants = [grant for contribution in registry.grants_contributions() for grant in contribution(user)]
    return [PUBLIC, *(grant for grant in dict.fromkeys(grants) if grant != PUBLIC)]


def clean_query(text) -> tuple[str, str]:
    """The text to search (control characters removed, spaces collapsed, at most 200 characters)
    and a notice for the searcher when it had to be shortened."""
    text = " ".join(CONTROL_CHARACTERS.sub(" ", str(text or "")).split())
    if len(text) <= MAX_QUERY_LENGTH:
        return text, ""
    shortened = text[:MAX_QUERY_LENGTH].rsplit(" ", 1)[0] or text[:MAX_QUERY_LENGTH]
    notice = _("Your search was too long: only its first %(count)d characters were used.") % {"count": MAX_QUERY_LENGTH}
    return shortened, notice


def clean_filters(filters: Mapping[str, str] | None) -> dict[str, str]:
    """Known facet fields with plausible values; anything else is dropped rather than refused."""
    cleaned = {}
    for field in registry.facet_names():
        value = " ".join(str((filters or {}).get(field) or "").split())[:200]
        if not value or (field == YEAR and not (value.isdigit() and len(value) == 4)):
            continue
        cleaned[field] = value
    return cleaned


def query(text, *, user, filters: Mapping[str, str] | None = None, page=1, page_size: int = 20) -> SearchResults:
    """One page of results for `text`, with facets, as `user` may see them."""
    page_size = max(1, min(int(page_size), MAX_PAGE_SIZE))
    try:
        page = max(1, min(int(page), MAX_RESULT_WINDOW // page_size))
    except (TypeError, ValueError):
        page = 1
    cleaned, notice = clean_query(text)
    empty = SearchResults(hits=[], total=0, facets={}, page=page, page_size=page_size, query=cleaned)
    if not cleaned:
        return empty
    if not re.search(r"\w", cleaned):
        empty.notice = _("Type words to search for: operators and punctuation alone find nothing.")
        return empty
    try:
        backend, grants, filters = get_backend(), grants_for(user), clean_filters(filters)
        results = backend.search(cleaned, grants=grants, filters=filters, page=page, page_size=page_size)
        if not results.hits and results.total and page > results.num_pages:
            # A page beyond the last (an old link, a hand-edited URL): show the last one.
            results = backend.search(
                cleaned, grants=grants, filters=filters, page=results.num_pages, page_size=page_size
            )
    except SearchUnavailable:
        logger.exception("The search backend failed on %r", cleaned)
        empty.notice = _("The search is unavailable at the moment. Please try again in a few minutes.")
        empty.unavailable = True
        return empty
    results.query, results.notice = cleaned, notice
    if results.total < FEW_RESULTS and page == 1 and not SEARCH_SYNTAX.search(cleaned):
        results.suggestion, results.suggestion_total = did_you_mean(
            cleaned, backend=backend, grants=grants, filters=filters, found=results.total
        )
    return results


def did_you_mean(text: str, *, backend, grants, filters, found: int) -> tuple[str, int]:
    """A close spelling of `text` and its result count, when it finds more than the `found` of `text`
    with the same grants and filters; else ("", 0). A failure here only loses the proposal."""
    try:
        candidate = backend.spelling_suggestion(text, grants=grants)
        if not candidate or candidate.casefold() == text.casefold():
            return "", 0
        total = backend.search(candidate, grants=grants, filters=filters, page=1, page_size=1).total
    except SearchUnavailable:
        logger.exception("The search backend failed on the spelling of %r", text)
        return "", 0
    return (candidate, total) if total > found else ("", 0)


def autocomplete(prefix, *, user, limit: int = 8) -> list[Suggestion]:
    prefix, _notice = clean_query(str(prefix or "")[:MAX_PREFIX_LENGTH])
    if len(prefix) < 2 or not re.search(r"\w", prefix):
        return []
    try:
        return get_backend().autocomplete(prefix, grants=grants_for(user), limit=limit)
    except SearchUnavailable:
        logger.exception("The search backend failed on the suggestions for %r", prefix)
        return []


def more_like_this(doc_type: str, doc_id, *, user, limit: int = 5) -> list[Suggestion]:
    try:
        return get_backend().more_like_this(doc_type, str(doc_id), grants=grants_for(user), limit=limit)
    except SearchUnavailable:
        logger.exception("The search backend failed on documents like %s:%s", doc_type, doc_id)
        return []
