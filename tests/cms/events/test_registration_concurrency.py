"""No overbooking when people register at the same moment: parallel requests against PostgreSQL.

Each thread is a browser with its own database connection; they all post at once (a barrier), so
without the event's row lock several would count the same free places.
"""

import threading

import pytest
from django.db import connection, connections
from django.test import Client

from cms.events.models import EventIndexPage, EventRegistration
from cms.models import HomePage
from tests.cms.pages import add_event, add_page

# Real commits, seen by every thread. Serialized rollback gives back the home page and the site
# the migrations made, and leaves the database as the next serialized test expects it.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's row locks: set DATABASE_URL (./run test does)")


def post_all_at_once(url: str, forms: list[dict]) -> list[int]:
    barrier = threading.Barrier(len(forms))
    statuses, errors = [None] * len(forms), []

    def browse(index: int, data: dict) -> None:
        try:
            client = Client(REMOTE_ADDR=f"192.0.2.{index + 1}")  # ten people, ten connections
            barrier.wait(timeout=30)
            statuses[index] = client.post(url, data).status_code
        except Exception as error:  # noqa: BLE001 - reported by the test below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=browse, args=(index, data)) for index, data in enumerate(forms)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    return statuses


@pytest.fixture
def event(postgresql):
    agenda = add_page(HomePage.objects.get(), EventIndexPage, title="Agenda")
    return add_event(agenda, title="Petit-déjeuner très demandé", capacity=3)


def test_ten_parallel_registrations_for_three_places_confirm_exactly_three(event):
    forms = [{"name": f"Personne {index}", "email": f"personne{index}@example.org"} for index in range(10)]
    assert post_all_at_once(event.url, forms) == [302] * 10
    registrations = EventRegistration.objects.filter(event=event)
    assert registrations.filter(status="confirmed").count() == 3
    assert registrations.filter(status="waiting").count() == 7


def test_the_same_e_mail_posted_five_times_at_once_registers_once(event):
    forms = [{"name": "Camille", "email": "camille@example.org"}] * 5
    statuses = post_all_at_once(event.url, forms)
    assert sorted(statuses) == [200, 200, 200, 200, 302]  # four forms shown again with the duplicate message
    assert EventRegistration.objects.filter(event=event).count() == 1
