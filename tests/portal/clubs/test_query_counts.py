"""A club's prospect list makes as many queries with many firms as with few (#22): the statuses are
counted by the database, the latest contact read with each firm."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from portal.clubs import services as club_services
from portal.clubs.models import ContactStatus, ProspectContact
from portal.members.models import Organisation
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
@pytest.mark.parametrize("query", ["", "?statut=called", "?statut=none", "?statut=called&page=2"])
def test_the_prospect_list_filtered_or_not_makes_as_many_queries_with_many_firms_as_with_five(organiser, query):
    zone = ZoneFactory()
    animate(organiser, zone)
    client = Client(headers={"accept-language": "fr"})
    client.force_login(organiser)
    url = f"/clubs/zones/{zone.slug}/prospects/{query}"
    _grow(zone, 5, organiser)
    client.get(url)  # warms the per-process caches, as on a running server
    few = _queries(client, url)

    _grow(zone, 115, organiser)
    many = _queries(client, url)
    assert many == few, f"the prospect list {query}: {few} queries with 5 firms, {many} with 120"


@pytest.mark.django_db
def test_the_prospect_list_pages_by_the_counts_it_shows(organiser):
    zone = ZoneFactory()
    animate(organiser, zone)
    client = Client(headers={"accept-language": "fr"})
    client.force_login(organiser)
    url = f"/clubs/zones/{zone.slug}/prospects/"
    _grow(zone, 60, organiser)  # 40 called, 20 never contacted

    every = client.get(url).context["page"]
    assert (every.paginator.count, every.paginator.num_pages, len(every.object_list)) == (60, 2, 50)
    # The second page holds the last ten firms by name, each with its own latest status.
    firms = sorted(Organisation.objects.filter(zone=zone), key=lambda firm: (firm.name, firm.pk))
    called = set(ProspectContact.objects.values_list("organisation_id", flat=True))
    expected = [(firm.pk, "called" if firm.pk in called else None) for firm in firms[50:]]
    second = client.get(url, {"page": 2}).context["rows"]
    assert [(firm.pk, firm.contact_status) for firm, *_rest in second] == expected
    never = client.get(url, {"statut": "none"}).context["page"]
    assert (never.paginator.count, len(never.object_list)) == (20, 20)
    last = client.get(url, {"statut": "called", "page": 2}).context["page"]
    assert (last.paginator.count, last.number, len(last.object_list)) == (40, 1, 40)
    named = client.get(url, {"q": "Organisation"}).context["page"]
    assert named.paginator.count == 60
