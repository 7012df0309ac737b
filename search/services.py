"""Writes of search/ besides the index: the log of the searches made (without anyone in it), the
synonyms the administrators keep."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from . import indexing, permissions, selectors, text
from .models import SearchLog, SynonymRule
from .synonyms import FRENCH_SYNONYMS, normalise_rule

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


def _synonyms_changed() -> None:
    """Queues the rules for the search server and makes the database backend read them again: now
    (this request's next search) and once committed (a search in between would cache the old ones)."""
    indexing.schedule_synonyms()
    selectors.synonyms_forget()
    transaction.on_commit(selectors.synonyms_forget, robust=True)


@transaction.atomic
def search_click_record(*, log_id: int, rank: int) -> bool:
    """Records the rank of the result followed from a logged search (the first one followed only)."""
    return bool(SearchLog.objects.filter(pk=log_id, clicked_rank__isnull=True).update(clicked_rank=rank))


@transaction.atomic
def search_log_purge(cutoff: datetime.datetime) -> int:
    """Removes the searches logged before `cutoff`'s day (the privacy app's retention rule)."""
    deleted, _by_model = SearchLog.objects.filter(day__lt=cutoff.date()).delete()
    return deleted


@transaction.atomic
def synonym_save(*, rule: SynonymRule, by) -> SynonymRule:
    """Saves a new or changed synonym rule (normalised, see search.synonyms.normalise_rule) and queues
    it for the search server, where it applies to the next search without a rebuild."""
    if not permissions.may_edit_synonyms(by):
        raise PermissionDenied
    try:
        rule.rule = normalise_rule(rule.rule)
    except ValidationError as error:
        raise ValidationError({"rule": error.messages}) from error
    rule.note = " ".join((rule.note or "").split())
    if SynonymRule.objects.filter(rule=rule.rule).exclude(pk=rule.pk).exists():
        raise ValidationError({"rule": _("This rule already exists.")})
    rule.save()
    _synonyms_changed()
    return rule


@transaction.atomic
def synonym_delete(*, rule: SynonymRule, by) -> None:
    if not permissions.may_edit_synonyms(by):
        raise PermissionDenied
    rule.delete()
    _synonyms_changed()


@transaction.atomic
def synonyms_seed_defaults() -> int:
    """Fills an empty list with the portal's default rules; returns how many were added. Only the demo
    calls it: an install's list is filled by its migration, then it is the administrators'."""
    if SynonymRule.objects.exists():
        return 0
    SynonymRule.objects.bulk_create(SynonymRule(rule=normalise_rule(rule)) for rule in FRENCH_SYNONYMS)
    _synonyms_changed()
    return len(FRENCH_SYNONYMS)
