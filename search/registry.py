"""What is searchable, as the apps declare it from their AppConfig.ready().

search/ imports no app: each app registers an *indexable* (its name, the model, the queryset of
everything that belongs in the index, and the function turning one instance into a SearchDocument,
or None when the instance must not be found), the grants it gives searchers (who may find its
documents), and the facets its documents carry.
"""

import dataclasses
import re
from collections.abc import Callable, Iterable, Mapping

from django.db import models
from django.utils.translation import gettext_lazy as _

from .documents import TAGS, TYPE, YEAR, SearchDocument


@dataclasses.dataclass(frozen=True)
class Indexable:
    name: str
    label: str  # a lazy translation, shown on the type facet
    model: type[models.Model]
    # Everything that belongs in the index (rebuilds iterate it; the outbox looks objects up in it,
    # so an object it leaves out is removed from the index).
    queryset: Callable[[], models.QuerySet]
    to_document: Callable[[models.Model], SearchDocument | None]
    # How much a match on this type weighs against the others' (multiplies its relevance score):
    # above 1 for what the portal exists to share, below 1 for chatter. Gentle: 0.5 to 2.
    boost: float = 1.0

    def documents(self, objects: Iterable[models.Model]) -> Iterable[SearchDocument]:
        for obj in objects:
            document = self.to_document(obj)
            if document is not None:
                yield document


_indexables: dict[str, Indexable] = {}
_by_model: dict[type[models.Model], Indexable] = {}


@dataclasses.dataclass
class Facet:
    """A field searches can be narrowed by, shown on the search page with its counts."""

    name: str
    label: str  # a lazy translation: the facet's title on the search page
    value_labels: dict[str, str] = dataclasses.field(default_factory=dict)
    # Where the facet stands on the search page, lowest first.
    order: int = 100


MIN_BOOST, MAX_BOOST = 0.5, 2.0
FACET_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
# The facets of every document (search.documents.GENERIC_FACETS), spaced so apps can place theirs between.
_facets: dict[str, Facet] = {
    TYPE: Facet(TYPE, _("Type"), order=0),
    TAGS: Facet(TAGS, _("Tags"), order=30),
    YEAR: Facet(YEAR, _("Year"), order=50),
}
_grants_contributions: list[Callable] = []


def register(
    name: str,
    *,
    label: str,
    model: type[models.Model],
    queryset: Callable[[], models.QuerySet],
    to_document: Callable[[models.Model], SearchDocument | None],
    boost: float = 1.0,
) -> Indexable:
    if not MIN_BOOST <= boost <= MAX_BOOST:
        raise ValueError(f"The search type {name!r} has a boost of {boost}, not between {MIN_BOOST} and {MAX_BOOST}.")
    indexable = Indexable(
        name=name, label=label, model=model, queryset=queryset, to_document=to_document, boost=float(boost)
    )
    existing = _indexables.get(name)
    if existing is not None and existing.model is not model:
        raise ValueError(f"The search type {name!r} is already registered for {existing.model.__name__}.")
    _indexables[name] = indexable
    _by_model[model] = indexable
    return indexable


def type_boosts() -> dict[str, float]:
    """{type: boost} of the types whose matches weigh more or less than the others'."""
    return {name: indexable.boost for name, indexable in _indexables.items() if indexable.boost != 1.0}


def register_facet(name: str, *, label: str, value_labels: Mapping[str, str] | None = None, order: int = 100) -> Facet:
    """Declares a facet the app's documents fill in SearchDocument.facets[name].

    `label` titles it on the search page, `value_labels` gives human labels to stored values (e.g.
    {"sse": _("Social economy")}), `order` places it among the others (type 0, tags 30, year 50).
    Registering a name again adds value labels; the first label and order stay.
    """
    if not FACET_NAME.match(name):
        raise ValueError(f"A facet name is lower case letters, digits and underscores, not {name!r}.")
    facet = _facets.get(name)
    if facet is None:
        facet = _facets[name] = Facet(name=name, label=label, order=order)
    facet.value_labels.update(value_labels or {})
    return facet


def facets() -> list[Facet]:
    """Every facet, generic and registered, in page order."""
    return sorted(_facets.values(), key=lambda facet: (facet.order, facet.name))


def facet_names() -> tuple[str, ...]:
    return tuple(facet.name for facet in facets())


def domain_facet_names() -> tuple[str, ...]:
    """The facets the apps registered (kept in SearchDocument.facets), in page order."""
    return tuple(name for name in facet_names() if name not in (TYPE, TAGS, YEAR))


def register_grants(contribution: Callable) -> None:
    """Adds a function user → grants (an iterable of strings) to the searcher's grants.

    Each app contributes the grants of its own documents (who may find them); a searcher holds
    "public" and the union of every contribution. Registering the same function again is a no-op.
    """
    if contribution not in _grants_contributions:
        _grants_contributions.append(contribution)


def grants_contributions() -> list[Callable]:
    return list(_grants_contributions)


def get(name: str) -> Indexable | None:
    return _indexables.get(name)


def for_model(model: type[models.Model]) -> Indexable | None:
    for klass in model.__mro__:
        if klass in _by_model:
            return _by_model[klass]
    return None


def all_indexables() -> list[Indexable]:
    return list(_indexables.values())


def facet_title(field: str) -> str:
    facet = _facets.get(field)
    return str(facet.label) if facet else field


def facet_label(field: str, value: str) -> str:
    if field == TYPE:
        indexable = _indexables.get(value)
        return str(indexable.label) if indexable else value
    facet = _facets.get(field)
    return str(facet.value_labels.get(value, value)) if facet else value
