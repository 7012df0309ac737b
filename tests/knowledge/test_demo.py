"""The demo's best practices: loaded through the services, published, found by the search."""

import search
from knowledge import selectors
from knowledge.demo import BEST_PRACTICES, load_best_practices
from knowledge.models import Adoption
from portal.clubs.demo import load_clubs
from portal.members.demo import load_members
from workgroups.demo import load_axes


class Visitor:
    is_authenticated = False
    is_active = False


def test_the_demo_best_practices_are_published_and_searchable(search_backend, django_capture_on_commit_callbacks):
    members = load_members()
    members.update(load_clubs(members))
    axes = load_axes(organisations=members["organisations"], people=members["people"])
    with django_capture_on_commit_callbacks(execute=True):
        records = load_best_practices(axes=axes, people=members["people"])
    search_backend.refresh()

    assert len(records) == len(BEST_PRACTICES)
    assert {record.status for record in records} == {"published"}
    assert [hit.title for hit in search.query("gaspillage", user=Visitor()).hits] == [
        "Dons d'invendus des cantines à la conserverie solidaire"
    ]
    # "We adopted this" marks over the past two years: the transfer dashboard has figures.
    transfers = selectors.adoption_transfers()
    assert transfers.total + transfers.other == Adoption.objects.count() >= 6
    assert len(transfers.years) >= 2
    # Loading again changes nothing.
    assert load_best_practices(axes=axes, people=members["people"]) == records
    assert transfers.total + transfers.other == Adoption.objects.count()
