"""What is searchable, as the apps declare it from their AppConfig.ready().

search/ imports no app: each app registers an *indexable* (its name, the model, the queryset of
everything that belongs in the index, and the function turning one instance into a SearchDocument,
or None when the instance must not be found), the grants it gives searchers (who may find its
documents), and the facets its documents carry.
"""

import dataclasses
from collections.abc import Callable, Iterable

from django.db import models

from .documents import SearchDocument


@dataclasses.dataclass(frozen=True)
class Indexable:
    name: str
    label: str  # a lazy translation, shown on the type facet
    model: type[models.Model]
    # Everything that belongs in the index (rebuilds iterate it; the outbox looks objects up in it,
    # so an object it leaves out is removed from the index).
    queryset: Callable[[], models.QuerySet]
    to_document: Callable[[models.Model], SearchDocument | None]

    def documents(self, objects: Iterable[models.Model]) -> Iterable[SearchDocument]:
        for obj in objects:
            document = self.to_document(obj)
            if document is not None:
                yield document


_indexables: dict[str, Indexable] = {}
_by_model: dict[type[models.Model], Indexable] = {}
_facet_labels: dict[str, dict[str, str]] = {}
_grants_contributions: list[Callable] = []


def register(
    name: str,
    *,
    label: str,
    model: type[models.Model],
    queryset: Callable[[], models.QuerySet],
    to_document: Callable[[models.Model], SearchDocument | None],
) -> Indexable:
    indexable = Indexable(name=name, label=label, model=model, queryset=queryset, to_document=to_document)
    existing = _indexables.get(name)
    if existing is not None and existing.model is not model:
        raise ValueError(f"The search type {name!r} is already registered for {existing.model.__name__}.")
    _indexables[name] = indexable
    _by_model[model] = indexable
    return indexable


def register_facet_labels(field: str, labels: dict[str, str]) -> None:
    """Human labels of a facet's values, e.g. organisation_kind: {"sse": _("Social economy")}."""
    _facet_labels.setdefault(field, {}).update(labels)


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


def facet_label(field: str, value: str) -> str:
    if field == "type":
        indexable = _indexables.get(value)
        return str(indexable.label) if indexable else value
    return str(_facet_labels.get(field, {}).get(value, value))
