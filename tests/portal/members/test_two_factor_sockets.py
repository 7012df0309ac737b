"""A person who must use two-factor authentication and has not set it up opens no websocket either
(every page already leads to the setup): the socket closes with 4403."""

import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connections
from django.test import Client, override_settings

from portal.asgi import application
from portal.members import services
from portal.members.models import PersonRole
from tests.factories import UserFactory

# Serialized rollback, like tests/knowledge/exchange/test_consumer.py: granting a role reads the
# permissions' content types, which a browser test's flush (without post_migrate) leaves out.
pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(autouse=True)
async def _close_consumer_connections():
    yield
    await database_sync_to_async(connections.close_all)()


def _administrator_session() -> str:
    user = UserFactory()
    services.person_create(user=user, role=PersonRole.ADMINISTRATOR)
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


async def _health(session: str):
    headers = [(b"origin", b"http://127.0.0.1"), (b"host", b"127.0.0.1"), (b"cookie", f"sessionid={session}".encode())]
    communicator = WebsocketCommunicator(application, "/ws/health/", headers=headers)
    connected, _ = await communicator.connect(timeout=5)
    assert connected  # accepted, then closed with a code the browser sees
    return communicator


@override_settings(PORTAL_REQUIRE_TWO_FACTOR=True)
async def test_an_administrator_without_two_factor_opens_no_socket():
    communicator = await _health(await sync_to_async(_administrator_session)())
    closed = await communicator.receive_output(timeout=5)
    assert closed == {"type": "websocket.close", "code": 4403}


@override_settings(PORTAL_REQUIRE_TWO_FACTOR=False)
async def test_with_the_setting_off_the_socket_opens():
    communicator = await _health(await sync_to_async(_administrator_session)())
    assert await communicator.receive_json_from(timeout=5) == {"type": "hello", "authenticated": True}
    await communicator.disconnect()
