"""The French synonyms applied when searching (Elasticsearch's search analyser; documents are indexed
without them, so changing this list needs no rebuild of the documents, only of the index settings).

One rule per line, in Solr's format: "a, b, c" makes the words equivalent, "a => b" rewrites a into b.
Words are written in lower case without accents; the rules go through the same analysis as the
query (folded, stemmed), so "ordure" also covers "ordures"; multi-word synonyms are allowed
("chariot elevateur"). Keep each group narrow: a synonym widens
every search that contains it.

The administrators edit the rules in the admin (search.models.SynonymRule, first filled with the
list below by a migration); Elasticsearch reads them from a synonyms set that the search analyser
reloads by itself when it changes. The list below is what a new search server starts with until the
rules kept in the database reach it. The database backend reads the same rules (search.selectors.
synonym_expansions, cached until a rule changes) and widens the query's words with them (`expansions`).
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from . import text

MAX_TERM_LENGTH = 60
MAX_TERMS = 20
# Letters (accented too), digits, spaces, apostrophes and hyphens: anything else would be read by
# Elasticsearch's rule parser (commas, "=>", "#", backslashes) or not be a word at all.
TERM = re.compile(r"^[\w' \u2019-]+$")

FRENCH_SYNONYMS = [
    "dechet, ordure, detritus",
    "recyclage, reemploi, reemployer",
    "invendu, surplus, excedent",
    "gaspi, gaspillage",
    "sst, sauveteur secouriste",
    "fenwick, chariot elevateur, transpalette",
    "frigo, frigorifique",
    "entrepot, stockage, hangar",
    "st, saint",
    "ste, sainte",
    "afterwork, after work",
    "covoit, covoiturage",
    "electricien, electricite",
    "marchandise, fret",
    "velo, bicyclette",
    "asso, association",
    "ess, economie sociale et solidaire",
]


def _terms(side: str) -> list[str]:
    terms = [" ".join(term.split()).lower() for term in side.split(",")]
    if any(not term for term in terms):
        raise ValidationError(_("A word is missing between two commas."), code="empty")
    for term in terms:
        if len(term) > MAX_TERM_LENGTH:
            message = _("“%(term)s” is too long: %(max)d characters at most.")
            raise ValidationError(message % {"term": term[:20] + "…", "max": MAX_TERM_LENGTH}, code="long")
        if not TERM.match(term) or term.replace("_", "") != term:
            raise ValidationError(
                _("“%(term)s” may only hold letters, digits, spaces, apostrophes and hyphens.") % {"term": term},
                code="characters",
            )
    return list(dict.fromkeys(terms))


def normalise_rule(text: str) -> str:
    """The rule as Elasticsearch will read it ("a, b" or "a, b => c"), or a ValidationError in French.

    Lower case, spaces collapsed, each word once; at least two words for an equivalence.
    """
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Write at least two words separated by a comma."), code="required")
    sides = text.split("=>")
    if len(sides) > 2:
        raise ValidationError(_("A rule holds “=>” once at most."), code="arrows")
    if len(sides) == 2:
        left, right = _terms(sides[0]), _terms(sides[1])
        if len(left) + len(right) > MAX_TERMS:
            raise ValidationError(_("%(max)d words at most in one rule.") % {"max": MAX_TERMS}, code="many")
        if set(left) & set(right):
            raise ValidationError(_("A word cannot be rewritten into itself."), code="itself")
        return f"{', '.join(left)} => {', '.join(right)}"
    terms = _terms(text)
    if len(terms) < 2:
        raise ValidationError(_("Write at least two words separated by a comma."), code="single")
    if len(terms) > MAX_TERMS:
        raise ValidationError(_("%(max)d words at most in one rule.") % {"max": MAX_TERMS}, code="many")
    return ", ".join(terms)


@dataclass(frozen=True)
class Expansion:
    """What a typed word or phrase searches besides (or instead of) itself, for the database backend.

    `keep`: the typed words are searched too (an equivalence "a, b"); False for a one-way rule
    "a => b" alone, which searches the right side only, as Elasticsearch does. `alternatives`: the
    other words as the rules write them ("bicyclette", "chariot elevateur").
    """

    keep: bool
    alternatives: tuple[str, ...]


def _rule_words(side: str) -> list[str]:
    return [" ".join(word.split()) for word in side.split(",") if word.strip()]


def expansions(rules: Iterable[str]) -> dict[tuple[str, ...], Expansion]:
    """The rules (normalised, see normalise_rule) by the terms that trigger them.

    The keys go through the same analysis as the database backend's queries (search.text.terms:
    folded, stemmed, without stop words), so "Vélos" typed meets the rule "velo, bicyclette". A
    word found in several rules gets all their alternatives; it keeps itself if one of them is an
    equivalence.
    """
    found: dict[tuple[str, ...], tuple[bool, dict[tuple[str, ...], str]]] = {}
    for rule in rules:
        left, arrow, right = rule.partition("=>")
        sources = _rule_words(left)
        targets, keep = (_rule_words(right), False) if arrow else (sources, True)
        for source in sources:
            key = tuple(text.terms(source))
            if not key:
                continue
            kept, alternatives = found.get(key, (False, {}))
            for target in targets:
                terms = tuple(text.terms(target))
                if terms and terms != key:
                    alternatives.setdefault(terms, target)
            found[key] = (kept or keep, alternatives)
    return {
        key: Expansion(keep=kept or not alternatives, alternatives=tuple(alternatives.values()))
        for key, (kept, alternatives) in found.items()
    }
