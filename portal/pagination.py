"""One way to page a list and to keep its filters in the links of the other pages.

Every list of the portal pages through `page_of` and builds its links through `query_string`, so a
filter with "&", "#" or accents survives the trip to page 2 (it is always URL-encoded).
"""

from collections.abc import Mapping
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.http import QueryDict

PAGE_PARAMETER = "page"


def page_of(request, items, per_page: int, *, parameter: str = PAGE_PARAMETER, count: int | None = None) -> Page:
    """The page the query string asks for; a missing, bad or too large number gives the first or last page.

    `count`, when the caller already knows how many items there are, spares the COUNT query."""
    paginator = Paginator(items, per_page)
    if count is not None:
        paginator.count = count  # a cached property: set, it is not computed
    return paginator.get_page(request.GET.get(parameter))


def query_string(params: Mapping | QueryDict, *, drop=(PAGE_PARAMETER,), **changes) -> str:
    """`params` with `changes` applied, without the `drop` keys, URL-encoded (no leading "?").

    A change to None or "" removes the key; empty values are left out; a QueryDict keeps its repeated keys.
    """
    if isinstance(params, QueryDict):
        pairs = [(key, value) for key, values in params.lists() for value in values]
    else:
        pairs = list(params.items())
    pairs = [(key, value) for key, value in pairs if key not in changes and key not in drop]
    pairs += list(changes.items())
    return urlencode([(key, value) for key, value in pairs if value not in (None, "")])
