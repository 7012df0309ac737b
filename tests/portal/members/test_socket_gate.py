"""Every websocket's way in (portal/members/socket_gate.py): who a socket is signed in as, and which pages may
open one."""

import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connections
from django.test import Client

from portal.asgi import application
from tests.factories import UserFactory

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
async def _close_consumer_connections():
    yield
    await database_sync_to_async(connections.close_all)()


def _signed_in_session(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


async def _hello(*, session=None, origin=b"http://127.0.0.1"):
    """The health socket's greeting, or None when the socket was refused."""
    headers = [(b"host", b"127.0.0.1")]
    if origin is not None:
        headers.append((b"origin", origin))
    if session is not None:
        headers.append((b"cookie", f"theme=dark; sessionid={session}".encode()))
    communicator = WebsocketCommunicator(application, "/ws/health/", headers=headers)
    connected, _ = await communicator.connect(timeout=5)
    if not connected:
        return None
    hello = await communicator.receive_json_from(timeout=5)
    await communicator.disconnect()
    return hello


async def test_a_socket_is_signed_in_with_the_session_of_its_cookie():
    user = await sync_to_async(UserFactory)()
    session = await sync_to_async(_signed_in_session)(user)
    assert await _hello(session=session) == {"type": "hello", "authenticated": True}
    assert await _hello() == {"type": "hello", "authenticated": False}
    assert await _hello(session="no-such-session") == {"type": "hello", "authenticated": False}


async def test_a_session_from_before_a_password_change_opens_no_signed_in_socket():
    user = await sync_to_async(UserFactory)()
    session = await sync_to_async(_signed_in_session)(user)
    user.set_password("a new password, long enough")
    await sync_to_async(user.save)()
    assert await _hello(session=session) == {"type": "hello", "authenticated": False}


async def test_a_page_of_another_site_or_without_an_origin_opens_no_socket():
    user = await sync_to_async(UserFactory)()
    session = await sync_to_async(_signed_in_session)(user)
    assert await _hello(session=session, origin=b"http://evil.example") is None
    assert await _hello(session=session, origin=None) is None
