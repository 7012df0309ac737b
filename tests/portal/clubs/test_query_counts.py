"""A club's prospect list makes as many queries with many firms as with few (#22): the statuses are
counted by the database, the latest contact read with each firm."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from portal.clubs import services as club_services
from portal.clubs.models import ContactStatus
from tests.factories import OrganisationFactory, ZoneFactory

from .conftest import animate


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


def _grow(zone, size, by):
    for n in range(size):
        firm = OrganisationFactory(zone=zone)
        if n % 3:
            club_services.prospect_contact_record(organisation=firm, status=ContactStatus.CALLED, by=by,
                                                  contacted_on=datetime.date.today())  # fmt: skip


@pytest.mark.django_db
def test_the_prospect_list_makes_as_many_queries_with_sixty_firms_as_with_five(organiser):
    zone = ZoneFactory()
    animate(organiser, zone)
    client = Client(headers={"accept-language": "fr"})
    client.force_login(organiser)
    url = f"/clubs/zones/{zone.slug}/prospects/"
    _grow(zone, 5, organiser)
    client.get(url)  # warms the per-process caches, as on a running server
    few = _queries(client, url)

    _grow(zone, 55, organiser)
    many = _queries(client, url)
    assert many == few, f"the prospect list: {few} queries with 5 firms, {many} with 60"
