"""Reads of search/ besides the index itself."""

import logging

from django.core.cache import cache
from django.db import DatabaseError, transaction

from .models import SynonymRule
from .synonyms import Expansion, expansions

# The rules as the database backend applies them, in the shared cache: every process sees a change
# at once (synonyms_forget on save and delete); the timeout only bounds a change made another way
# (a migration, the shell).
SYNONYMS_KEY = "search:synonym-expansions"
SYNONYMS_SECONDS = 600

logger = logging.getLogger(__name__)


def synonym_rules() -> list[str]:
    """The synonym rules as the search server takes them, in a stable order."""
    return list(SynonymRule.objects.order_by("rule").values_list("rule", flat=True))


def synonym_expansions() -> dict[tuple[str, ...], Expansion]:
    """The rules by the query terms that trigger them (search.synonyms.expansions): read once from the
    database, then from the cache until a rule is saved or deleted."""
    found = cache.get(SYNONYMS_KEY)
    if found is None:
        try:
            with transaction.atomic():  # a savepoint: a failed read leaves the request's transaction usable
                rules = synonym_rules()
        except DatabaseError:
            # The code is newer than the database (between a deployment and its `migrate`): search
            # without synonyms rather than fail; nothing is cached, the next search reads again.
            logger.warning("search synonyms unreadable: searching without them", exc_info=True)
            return {}
        found = expansions(rules)
        cache.set(SYNONYMS_KEY, found, SYNONYMS_SECONDS)
    return found


def synonyms_forget() -> None:
    """The next search reads the rules again."""
    cache.delete(SYNONYMS_KEY)
