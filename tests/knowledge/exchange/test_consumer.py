"""The session's websocket on the real channel layer: organisers see every toggle live; others are refused."""

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connections
from django.test import Client

from knowledge.exchange import services
from knowledge.exchange.models import Direction, ResourceSheet
from portal import fanout, realtime
from portal.asgi import application

from .conftest import seated

# Serialized rollback, like tests/portal/test_asgi_smoke.py: the browser tests leave the database empty
# and flushed without post_migrate (see tests/e2e/conftest.py); reloading the migrations' rows keeps
# the content types' ids those of the process's cache, and the flush after this test keeps it so.
pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(autouse=True)
async def _close_consumer_connections():
    yield
    await database_sync_to_async(connections.close_all)()


def cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


async def published():
    """Every broadcast made so far has left for Redis: a socket opened now hears only later ones.

    A service's broadcast leaves after its commit while the service returns; one still on its way
    when a socket subscribes reaches that socket after its snapshot.
    """
    await database_sync_to_async(realtime.wait_for_pending)()  # the sync fixtures' (the process's loop)
    await fanout.hub().flush()  # this test's own (its event loop's)


async def open_socket(session_id, user=None, origin="http://127.0.0.1"):
    headers = [(b"origin", origin.encode()), (b"host", b"127.0.0.1")]
    if user is not None:
        headers.append((b"cookie", f"sessionid={await database_sync_to_async(cookie)(user)}".encode()))
    communicator = WebsocketCommunicator(application, f"/ws/bourse/{session_id}/", headers=headers)
    connected, _ = await communicator.connect(timeout=5)
    return communicator, connected


async def test_the_organiser_gets_a_snapshot_then_each_toggle_of_any_table(session_with_tables, organiser):
    session, tables, secretaries = session_with_tables
    session = await database_sync_to_async(services.round_advance)(session=session, by=organiser)
    await published()
    screen, connected = await open_socket(session.pk, organiser)
    assert connected
    state = await screen.receive_json_from(timeout=5)
    assert state["type"] == "state" and state["round"] == 1 and len(state["tables"]) == 2

    def toggle():
        table = tables[1]
        firm = seated(table)[0]
        sheet = ResourceSheet.objects.filter(direction=Direction.OFFER).exclude(organisation_id=firm).first()
        services.interest_record(
            table=table, sheet_id=sheet.pk, organisation_id=firm, interested=True, by=secretaries[1]
        )

    await database_sync_to_async(toggle)()
    frame = await screen.receive_json_from(timeout=5)
    assert frame == {"type": "progress", "table": tables[1].number, "round": 1, "sheets": 1, "answers": 1, "yes": 1}
    await screen.disconnect()


async def test_members_and_visitors_are_refused_and_a_foreign_origin_never_connects(session_with_tables, member):
    session, _tables, _ = session_with_tables
    socket, connected = await open_socket(session.pk, member)
    assert await socket.receive_output(timeout=5) == {"type": "websocket.close", "code": 4403}
    socket, connected = await open_socket(session.pk)
    assert await socket.receive_output(timeout=5) == {"type": "websocket.close", "code": 4401}
    _socket, connected = await open_socket(session.pk, member, origin="http://evil.example")
    assert not connected


async def test_a_secretary_follows_the_session_and_hears_the_next_round(session_with_tables, organiser):
    session, _tables, secretaries = session_with_tables
    await published()
    socket, connected = await open_socket(session.pk, secretaries[0])
    assert (await socket.receive_json_from(timeout=5))["type"] == "state"
    await database_sync_to_async(services.round_advance)(session=session, by=organiser)
    frame = await socket.receive_json_from(timeout=5)
    assert (frame["type"], frame["round"], frame["direction"]) == ("round", 1, "offer")
    await socket.disconnect()


async def test_state_frames_beyond_the_rate_are_answered_with_the_wait(session_with_tables, organiser, settings):
    """A screen that asks for the whole state in a loop makes the server rebuild it each time: limited
    per person, and told when to ask again (the screen does)."""
    from django.core.cache import cache

    settings.PORTAL_FRAME_RATES = {**settings.PORTAL_FRAME_RATES, "state": "2/m"}
    await database_sync_to_async(cache.clear)()
    session, _tables, _secretaries = session_with_tables
    screen, connected = await open_socket(session.pk, organiser)
    assert (await screen.receive_json_from(timeout=5))["type"] == "state"
    for _ in range(2):
        await screen.send_to(text_data='{"type":"state"}')
        assert (await screen.receive_json_from(timeout=5))["type"] == "state"
    await screen.send_to(text_data='{"type":"state"}')
    refused = await screen.receive_json_from(timeout=5)
    assert refused["type"] == "error" and refused["code"] == "rate_limited" and refused["retry_after"] >= 1
    await screen.disconnect()
    await database_sync_to_async(cache.clear)()
