"""Probes of what the portal's search finds for whom: the messages of a workgroup, found by its members
only (the grants of workgroups/indexing.py), records in review by their axis's reviewers.

The probes search the database backend (the one every install has), filled with the document
the app's indexing makes; the Elasticsearch backend applies the same grants (tests/search).
"""

import secrets

from django.test import override_settings
from django.urls import reverse

from search.backend import get_backend
from search.models import SynonymRule
from search.registry import get as indexable
from workgroups.models import Message

from ..kit import allowed, client_for, probe
from .clubs import admin_list_shows
from .workgroups import AXIS, CLUB, own_workgroup

DATABASE = {"BACKEND": "search.backends.database.DatabaseBackend"}


def found(user, text: str, document) -> bool:
    """Indexes `document`, then searches `text` on the search page as `user`."""
    with override_settings(PORTAL_SEARCH=DATABASE):
        get_backend.cache_clear()
        try:
            get_backend().add(document)
            response = client_for(user).get(reverse("search:results"), {"q": text})
            return response.status_code == 200 and document.url in response.content.decode()
        finally:
            get_backend.cache_clear()


def _message_found(world, user, inside, kind):
    workgroup = own_workgroup(world, user, kind, inside)
    word = f"mot{secrets.token_hex(4)}"
    sequence = workgroup.messages.count() + 1
    message = Message.objects.create(workgroup=workgroup, sequence=sequence, body=f"Compte rendu {word}")
    document = indexable("message").to_document(message)
    return found(user, word, document)


@probe("search.messages.axis_group")
def messages_axis_group(world, user, inside):
    return _message_found(world, user, inside, AXIS)


@probe("search.messages.commission")
def messages_commission(world, user, inside):
    return _message_found(world, user, inside, CLUB)


@probe("search.best_practices.in_review")
def best_practices_in_review(world, user, inside):
    from knowledge.models import BestPracticeStatus

    from .knowledge import record_of

    record = record_of(world, inside, BestPracticeStatus.SUBMITTED)
    word = f"mot{secrets.token_hex(4)}"
    record.summary = f"Une pratique {word}"
    record.save(update_fields=["summary"])
    return found(user, word, indexable("best_practice").to_document(record))


def _logged_search(world, inside) -> str:
    """A search logged with the inside (or outside) axis among its results; its words."""
    from search.services import search_log_record

    word = f"mot{secrets.token_hex(4)}"
    search_log_record(query=word, results=0, facet_values=[("axis", str(world.inside("axis", inside)))])
    return word


@probe("search.report")
def search_report(world, user, inside):
    word = _logged_search(world, inside)
    response = client_for(user).get(reverse("search_insights:report"))
    return allowed(response) and response.status_code == 200 and word in response.content.decode()


@probe("search.report_export")
def search_report_export(world, user, inside):
    import io

    from openpyxl import load_workbook

    word = _logged_search(world, inside)
    response = client_for(user).get(reverse("search_insights:export"))
    if response.status_code != 200:
        return False
    workbook = load_workbook(io.BytesIO(response.content))
    return any(word in str(value) for sheet in workbook for row in sheet.values for value in row)


# --- The synonyms' admin screen (one list, the cluster's: inside and outside are the same) ----------


def _synonym_rule():
    return SynonymRule.objects.create(rule=f"mot{secrets.token_hex(4)}, terme{secrets.token_hex(4)}")


@probe("search.admin.synonyms.list")
def admin_synonyms_list(world, user, inside):
    return admin_list_shows(user, "search-synonyms", _synonym_rule().rule)


@probe("search.admin.synonyms.add")
def admin_synonyms_add(world, user, inside):
    word = f"mot{secrets.token_hex(4)}"
    client_for(user).post(reverse("search-synonyms:add"), {"rule": f"{word}, synonyme", "note": ""})
    return SynonymRule.objects.filter(rule=f"{word}, synonyme").exists()


@probe("search.admin.synonyms.delete")
def admin_synonyms_delete(world, user, inside):
    rule = _synonym_rule()
    client_for(user).post(reverse("search-synonyms:delete", args=[rule.pk]))
    return not SynonymRule.objects.filter(pk=rule.pk).exists()
