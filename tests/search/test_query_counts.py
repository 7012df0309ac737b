"""A signed-in search makes as many queries with many hits as with few (#22): the hits come from the
index, nothing is read from the database per hit."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from knowledge.indexing import best_practice_document
from tests.factories import AxisFactory, BestPracticeFactory, OrganisationFactory, PersonFactory

URL = "/recherche/?q=compost"


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


def _grow(backend, size):
    records = [
        BestPracticeFactory(title=f"Compost partagé n°{n}", axis=AxisFactory(), organisation=OrganisationFactory(),
                            visibility="members" if n % 2 else "public")
        for n in range(size)
    ]  # fmt: skip
    backend.add_bulk(best_practice_document(record) for record in records)
    backend.refresh()


@pytest.mark.django_db
def test_a_signed_in_search_makes_as_many_queries_with_thirty_hits_as_with_three(search_backend):
    client = Client(headers={"accept-language": "fr"})
    client.force_login(PersonFactory().user)
    _grow(search_backend, 3)
    client.get(URL)  # warms the per-process caches, as on a running server
    few = _queries(client, URL)

    _grow(search_backend, 27)
    many = _queries(client, URL)
    assert many == few, f"the search: {few} queries with 3 hits, {many} with 30"
