"""The scopes a role is held in, and the registry that names them.

The members directory knows the cluster and its organisations; the apps that own axes and clubs
register those kinds from their AppConfig.ready(), so this app never imports them.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

CLUSTER_ID = 0  # the cluster is one scope: its id is always 0


class ScopeKind(models.TextChoices):
    CLUSTER = "cluster", _("the cluster")
    AXIS = "axis", _("axis")
    CLUB = "club", _("club")
    ORGANISATION = "organisation", _("organisation")


@dataclass(frozen=True)
class ScopeSource:
    """How the owning app names its scopes: the labels of some ids, and every id with its label."""

    labels: Callable[[Iterable[int]], dict[int, str]]
    choices: Callable[[], list[tuple[int, str]]]


_sources: dict[str, ScopeSource] = {}


def register(kind: str, *, labels, choices) -> None:
    """Called by the app that owns `kind`, from its AppConfig.ready()."""
    _sources[kind] = ScopeSource(labels=labels, choices=choices)


def is_registered(kind: str) -> bool:
    return kind in _sources


def labels(kind: str, ids: Iterable[int]) -> dict[int, str]:
    """The labels of existing scopes; an id that names nothing (any more) is left out."""
    source = _sources.get(kind)
    return source.labels(list(ids)) if source else {}


def label(kind: str, scope_id: int) -> str | None:
    return labels(kind, [scope_id]).get(scope_id)


def choices(kind: str) -> list[tuple[int, str]]:
    source = _sources.get(kind)
    return source.choices() if source else []


def all_ids(kind: str) -> list[int]:
    return [scope_id for scope_id, _label in choices(kind)]


def model_source(model, *, label_field: str = "name", order_by: Iterable[str] = ()) -> dict:
    """The `labels` and `choices` of a kind whose scopes are the rows of `model` (id → str(row))."""

    def rows(queryset):
        return queryset.order_by(*(order_by or (label_field,)))

    return {
        "labels": lambda ids: {row.pk: str(row) for row in rows(model.objects.filter(pk__in=ids))},
        "choices": lambda: [(row.pk, str(row)) for row in rows(model.objects.all())],
    }


# --- Followers of role changes ---------------------------------------------------------------------

_role_followers: list[Callable] = []


def follow_roles(callback: Callable) -> None:
    """Called by an app from its AppConfig.ready(): `callback(person)` runs inside the transaction of
    every grant or withdrawal (and after the first-release role is turned into assignments), so what
    the app derives from roles (Wagtail groups per subtree, an axis's coordinators) never lags."""
    if callback not in _role_followers:
        _role_followers.append(callback)


def roles_changed(person) -> None:
    for callback in _role_followers:
        callback(person)
