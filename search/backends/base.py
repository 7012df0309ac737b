"""The interface every search backend implements; nothing outside search/ knows which one runs.

Every read takes the searcher's grants and filters on them inside the query (hits, facet counts,
suggestions, similar documents alike): a backend never returns something to be filtered afterwards.
"""

import abc
from collections.abc import Iterable, Mapping

from .. import registry
from ..documents import YEAR, SearchDocument, SearchResults, Suggestion


class SearchUnavailable(Exception):
    """The search server could not be reached or refused the request."""


class SearchBackend(abc.ABC):
    name: str = ""

    def __init__(self, config: dict):
        self.config = config

    @abc.abstractmethod
    def server_info(self) -> dict:
        """What serves the searches, e.g. {"engine": "elasticsearch", "version": "8.12.2"}; raises if unreachable."""

    # --- Writing ---------------------------------------------------------------------------------

    def add(self, document: SearchDocument) -> None:
        self.add_bulk([document])

    @abc.abstractmethod
    def add_bulk(self, documents: Iterable[SearchDocument]) -> int:
        """Adds or replaces documents (by type and id); returns how many. Raises SearchUnavailable."""

    @abc.abstractmethod
    def delete(self, doc_type: str, doc_id: str) -> None:
        """Removes one document; removing one that is not there is no error. Raises SearchUnavailable."""

    def refresh(self) -> None:  # noqa: B027 - a no-op where writes are searchable at once
        """Makes the writes done so far searchable now (Elasticsearch does it by itself within a second)."""

    def put_synonyms(self, rules: list[str]) -> None:  # noqa: B027 - a backend without synonyms ignores them
        """Replaces the synonym rules applied to the next searches (Solr format). Raises SearchUnavailable."""

    # --- Rebuilding ------------------------------------------------------------------------------

    @abc.abstractmethod
    def rebuild(self, batches: Iterable[list[SearchDocument]], *, progress=None) -> dict:
        """Replaces the whole index with the documents given, readers seeing the old one until the end.

        `progress(count)` is called after each batch. Returns {"count": n, "index": name}.
        """

    @abc.abstractmethod
    def count(self) -> int:
        """How many documents the index holds."""

    def index_outdated(self) -> bool:
        """Was the live index made for other documents than this version's (an older mapping)?

        Then it must be rebuilt before updates can reach it (search.indexing.drain does it). The
        database backend's tables follow the migrations: never.
        """
        return False

    # --- Reading ---------------------------------------------------------------------------------

    @abc.abstractmethod
    def search(
        self,
        query: str,
        *,
        grants: list[str],
        filters: Mapping[str, str] | None = None,
        page: int = 1,
        page_size: int = 20,
    ) -> SearchResults:
        """Documents matching `query` that one of `grants` shows, narrowed by `filters` ({facet field: value}).

        Facet counts of a field ignore that field's own filter (so the other values stay offered)
        but honour the others and always the grants.
        """

    @abc.abstractmethod
    def autocomplete(self, prefix: str, *, grants: list[str], limit: int = 8) -> list[Suggestion]:
        """Documents whose title has words starting with the words typed."""

    @abc.abstractmethod
    def spelling_suggestion(self, query: str, *, grants: list[str]) -> str | None:
        """The query with its unknown words replaced by close words of documents these grants show
        ("kompost" → "compost"), or None when no word needs it. Whether it finds more is the caller's
        question (search.api.query asks the search itself)."""

    @abc.abstractmethod
    def more_like_this(self, doc_type: str, doc_id: str, *, grants: list[str], limit: int = 5) -> list[Suggestion]:
        """Documents resembling the given one; nothing when the grants do not show the given one."""

    # --- Helpers ---------------------------------------------------------------------------------

    @staticmethod
    def clean_filters(filters: Mapping[str, str] | None) -> dict[str, str]:
        cleaned, known = {}, registry.facet_names()
        for field, value in (filters or {}).items():
            if field not in known:
                raise ValueError(f"Unknown search filter {field!r}; expected one of {', '.join(known)}.")
            if value not in (None, ""):
                cleaned[field] = str(value)
        if YEAR in cleaned and not cleaned[YEAR].isdigit():
            raise ValueError(f"The year filter must be a year, not {cleaned['year']!r}.")
        return cleaned
