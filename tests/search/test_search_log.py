"""The searches made are logged without anyone in them (words normalised, result count, rank followed,
day), the result followed is told by a beacon, and the log goes after 13 months."""

import datetime
import re

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from knowledge.indexing import best_practice_document
from portal.privacy import services as privacy_services
from search import views
from search.models import SearchLog
from tests.factories import AxisFactory, BestPracticeFactory, PersonFactory

URL = reverse("search:results")


@pytest.fixture
def library(search_backend):
    axis = AxisFactory(title="Économie circulaire")
    records = [BestPracticeFactory(title=f"Compost partagé n°{n}", axis=axis) for n in range(3)]
    search_backend.add_bulk(best_practice_document(record) for record in records)
    search_backend.refresh()
    return axis


def test_a_search_is_logged_with_its_words_count_day_and_axis_but_nobody(library):
    member = Client()
    member.force_login(PersonFactory().user)

    member.get(URL, {"q": "  Compost   PARTAGÉ "})

    log = SearchLog.objects.get()
    assert (log.query, log.results, log.day) == ("compost partage", 3, timezone.localdate())
    assert f"\naxis={library}\n" in log.facet_values
    assert log.clicked_rank is None
    fields = {field.name for field in SearchLog._meta.get_fields()}
    assert fields == {"id", "day", "query", "results", "clicked_rank", "facet_values"}


def test_a_search_that_finds_nothing_is_logged_with_zero_and_an_empty_one_is_not_logged(library, client):
    client.get(URL, {"q": "méthanisation"})
    client.get(URL, {"q": ""})

    assert list(SearchLog.objects.values_list("query", "results")) == [("methanisation", 0)]


def test_the_result_followed_is_recorded_by_the_beacon_of_its_link(library, client):
    page = client.get(URL, {"q": "compost"}).content.decode()
    tokens = re.findall(r'data-click="([^"]+)"', page)
    assert len(tokens) == 3 and 'data-click-url="/recherche/clic/"' in page
    assert "clicks.js" in page and "<script>" not in page

    assert client.post(reverse("search:click"), {"c": tokens[1]}).status_code == 204
    assert SearchLog.objects.get().clicked_rank == 2
    # Only the first result followed counts; a forged token is refused.
    client.post(reverse("search:click"), {"c": tokens[0]})
    assert SearchLog.objects.get().clicked_rank == 2
    forged = signing.dumps([SearchLog.objects.get().pk, 1], salt="another salt")
    assert client.post(reverse("search:click"), {"c": forged}).status_code == 400
    assert client.get(reverse("search:click")).status_code == 405
    assert views.CLICK_SALT == "search.click"


def test_searches_are_purged_after_thirteen_months(db):
    today = timezone.localdate()
    for days in (397, 395, 0):
        SearchLog.objects.create(query=f"il y a {days} jours", results=0, day=today - datetime.timedelta(days=days))

    removed = privacy_services.purge_expired()

    assert removed["search_log"] == 1
    assert sorted(SearchLog.objects.values_list("query", flat=True)) == ["il y a 0 jours", "il y a 395 jours"]


def test_the_purge_counts_days_in_paris_even_in_the_hour_before_midnight_utc(db):
    """At 23:30 UTC it is already tomorrow in Paris: the thirteen months are counted from Paris's day, as the
    log's days are, not from the UTC day that is still yesterday there."""
    now = datetime.datetime(2026, 12, 6, 23, 30, tzinfo=datetime.UTC)
    today = timezone.localdate(now)
    assert today == datetime.date(2026, 12, 7)
    for days in (397, 396):
        SearchLog.objects.create(query=f"il y a {days} jours", results=0, day=today - datetime.timedelta(days=days))

    privacy_services.purge_expired(now=now)

    assert list(SearchLog.objects.values_list("query", flat=True)) == ["il y a 396 jours"]


def test_the_privacy_policy_names_the_search_log_and_its_period(client, db):
    page = client.get(reverse("privacy:policy")).content.decode()

    assert 'id="processing-search_log"' in page
    assert "396" in page
