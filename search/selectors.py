"""Reads of search/ besides the index itself."""

from .models import SynonymRule


def synonym_rules() -> list[str]:
    """The synonym rules as the search server takes them, in a stable order."""
    return list(SynonymRule.objects.order_by("rule").values_list("rule", flat=True))
