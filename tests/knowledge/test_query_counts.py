"""The best-practice list makes as many queries with many records as with few (#22): no query per
record, per firm, per axis or per tag."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.factories import AxisFactory, BestPracticeFactory, OrganisationFactory, PersonFactory


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


def _grow(size):
    for n in range(size):
        BestPracticeFactory(axis=AxisFactory(), organisation=OrganisationFactory(), tags=[f"theme-{n}", "commun"],
                            visibility="members" if n % 2 else "public")  # fmt: skip


@pytest.mark.django_db
def test_the_best_practice_list_makes_as_many_queries_with_thirty_records_as_with_three():
    client = Client(headers={"accept-language": "fr"})
    client.force_login(PersonFactory().user)
    _grow(3)
    client.get("/bonnes-pratiques/")  # warms the per-process caches, as on a running server
    few = _queries(client, "/bonnes-pratiques/")

    _grow(27)
    many = _queries(client, "/bonnes-pratiques/")
    assert many == few, f"the best-practice list: {few} queries with 3 records, {many} with 30"
