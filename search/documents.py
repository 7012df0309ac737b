"""What the search index holds: one flat document per searchable thing, whatever app it comes from.

Visibility is a list of *grants*: the document is shown to a searcher holding any one of them. The
searcher's grants are "public" and whatever the apps contribute (search.registry.register_grants:
a member gets "members", "workgroup:<id>"…) and every backend filters on them inside the query, so hits, facet
counts and suggestions never include a document the searcher may not see.
"""

import dataclasses
import datetime

PUBLIC = "public"

# The facets every document has, whatever its app: its type, its tags and its year. The apps register
# the others (search.registry.register_facet) and fill them in SearchDocument.facets.
TYPE, TAGS, YEAR = "type", "tags", "year"
GENERIC_FACETS = (TYPE, TAGS, YEAR)

FacetValue = str | list[str]


@dataclasses.dataclass
class SearchDocument:
    type: str
    id: str
    title: str
    url: str
    visibility: list[str]
    summary: str = ""
    body: str = ""
    # Shown beside the type on a result (e.g. "1. Économie circulaire · Recyclerie du Val"); not searched.
    subtitle: str = ""
    tags: list[str] = dataclasses.field(default_factory=list)
    year: int | None = None
    created: datetime.datetime | None = None
    # The registered facets' values, e.g. {"zone": "Les Tanneries"}; a list for several values.
    facets: dict[str, FacetValue] = dataclasses.field(default_factory=dict)

    def __post_init__(self):
        self.id = str(self.id)
        if not self.visibility:
            raise ValueError(f"{self.key}: a search document needs at least one grant in its visibility")
        self.facets = {name: value for name, value in self.facets.items() if value not in ("", None, [])}
        generic = set(self.facets) & set(GENERIC_FACETS)
        if generic:
            raise ValueError(f"{self.key}: {', '.join(sorted(generic))} are fields of the document, not facets")

    def facet_values(self, name: str) -> list[str]:
        value = self.facets.get(name)
        if value is None:
            return []
        return [str(item) for item in value] if isinstance(value, list | tuple) else [str(value)]

    @property
    def key(self) -> str:
        """The document's identity across types, e.g. "best_practice:12"."""
        return f"{self.type}:{self.id}"


def subtitle(*parts: str, title: str = "") -> str:
    """A document's subtitle from its display parts ("axis · organisation"), leaving out the empty
    ones and any that only repeats the document's `title`."""
    return " · ".join(part for part in parts if part and part != title)


@dataclasses.dataclass
class SearchHit:
    type: str
    id: str
    title: str
    url: str
    # Safe HTML: the text is escaped, only the <mark> elements around matched words are markup.
    title_html: str
    snippet: str
    subtitle: str = ""
    tags: list[str] = dataclasses.field(default_factory=list)
    year: int | None = None
    created: datetime.datetime | None = None
    facets: dict[str, FacetValue] = dataclasses.field(default_factory=dict)


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
    # "Did you mean…": a close spelling of the query that finds more (search.api.query), and how many.
    suggestion: str = ""
    suggestion_total: int = 0
    # The search server failed (the page says so; such a search is not logged as finding nothing).
    unavailable: bool = False

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
    # How many documents of this type share this title (four firms' sheets "Chutes de bois"): one
    # suggestion stands for them all, `id` and `url` being those of the best of them.
    count: int = 1


def grouped_by_type(suggestions: list[Suggestion]) -> list[Suggestion]:
    """The suggestions with each type's together, the types in the order of their best suggestion."""
    first_seen: dict[str, int] = {}
    for position, suggestion in enumerate(suggestions):
        first_seen.setdefault(suggestion.type, position)
    return sorted(suggestions, key=lambda suggestion: first_seen[suggestion.type])
