"""The shared list paging: filters survive the trip to the next page, whatever characters they hold."""

import pytest
from django.http import QueryDict
from django.test import Client

from portal.pagination import query_string
from tests.factories import AxisFactory, BestPracticeFactory


def test_filters_with_reserved_characters_are_encoded_and_the_page_is_dropped():
    params = QueryDict("q=caf%C3%A9+%26+th%C3%A9&zone=nord%23est&page=3&tag=a&tag=b")
    assert query_string(params) == "q=caf%C3%A9+%26+th%C3%A9&zone=nord%23est&tag=a&tag=b"


def test_a_change_replaces_or_removes_a_key_and_empty_values_are_left_out():
    params = {"q": "déchets", "axis": "1. Axe", "type": ""}
    assert query_string(params, axis=None, page=2) == "q=d%C3%A9chets&page=2"
    assert query_string(params, type="message") == "q=d%C3%A9chets&axis=1.+Axe&type=message"


@pytest.mark.django_db
def test_the_best_practice_library_keeps_its_filters_on_the_next_page():
    axis = AxisFactory(slug="economie-circulaire")
    for _ in range(13):  # one more than a page
        BestPracticeFactory(axis=axis, tags=["réemploi"])
    response = Client().get("/bonnes-pratiques/", {"axe": "economie-circulaire", "tag": "réemploi"})
    assert response.status_code == 200
    assert 'href="?axe=economie-circulaire&amp;tag=r%C3%A9emploi&amp;page=2"' in response.content.decode()
