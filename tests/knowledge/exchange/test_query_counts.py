"""The Bourse's sheet list makes as many queries with many sheets as with few (#22)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.factories import OrganisationFactory, PersonFactory, ZoneFactory

from .conftest import SheetFactory


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


def _grow(size):
    for _ in range(size):
        SheetFactory(organisation=OrganisationFactory(), zone=ZoneFactory())


@pytest.mark.django_db
def test_the_sheet_list_makes_as_many_queries_with_fifty_sheets_as_with_five():
    client = Client(headers={"accept-language": "fr"})
    client.force_login(PersonFactory().user)
    _grow(5)
    client.get("/bourse/")  # warms the per-process caches, as on a running server
    few = _queries(client, "/bourse/")

    _grow(45)
    many = _queries(client, "/bourse/")
    assert many == few, f"the sheet list: {few} queries with 5 sheets, {many} with 50"
