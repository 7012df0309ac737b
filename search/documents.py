"""What the search index holds: one flat document per searchable thing, whatever app it comes from.

Visibility is a list of *grants*: the document is shown to a searcher holding any one of them. The
searcher's grants are "public" and whatever the apps contribute (search.registry.register_grants:
a member gets "members", "workgroup:<id>"…) and every backend filters on them inside the query, so hits, facet
counts and suggestions never include a document the searcher may not see.
"""

import dataclasses
import datetime

PUBLIC = "public"

# The fields a search can be narrowed by, each shown as a facet with its counts.
FACET_FIELDS = ("type", "axis", "organisation_kind", "tags", "zone", "year")


@dataclasses.dataclass
class SearchDocument:
    type: str
    id: str
    title: str
    url: str
    visibility: list[str]
    summary: str = ""
    body: str = ""
    axis: str = ""
    organisation: str = ""
    organisation_kind: str = ""
    tags: list[str] = dataclasses.field(default_factory=list)
    zone: str = ""
    year: int | None = None
    created: datetime.datetime | None = None

    def __post_init__(self):
        self.id = str(self.id)
        if not self.visibility:
            raise ValueError(f"{self.key}: a search document needs at least one grant in its visibility")

    @property
    def key(self) -> str:
        """The document's identity across types, e.g. "best_practice:12"."""
        return f"{self.type}:{self.id}"


@dataclasses.dataclass
class SearchHit:
    type: str
    id: str
    title: str
    url: str
    # Safe HTML: the text is escaped, only the <mark> elements around matched words are markup.
    title_html: str
    snippet: str
    axis: str = ""
    organisation: str = ""
    organisation_kind: str = ""
    tags: list[str] = dataclasses.field(default_factory=list)
    zone: str = ""
    year: int | None = None
    created: datetime.datetime | None = None


@dataclasses.dataclass
class SearchResults:
    hits: list[SearchHit]
    total: int
    # {field: [(value, count), …]}, most frequent first; values are strings (years too).
    facets: dict[str, list[tuple[str, int]]]
    page: int = 1
    page_size: int = 20
    # The text actually searched (cleaned, possibly shortened) and what the searcher should be told.
    query: str = ""
    notice: str = ""

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


@dataclasses.dataclass
class Suggestion:
    type: str
    id: str
    title: str
    url: str
