"""The ASGI application under a real daphne process, over real HTTP and websockets."""

import json
import urllib.request

import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def fetch(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.read().decode()


def test_home_page_and_admin_login_over_http(daphne_server):
    status, body = fetch(daphne_server + "/")
    assert status == 200 and 'lang="fr"' in body and "Annuaire des membres" in body
    status, body = fetch(daphne_server + "/admin/login/")
    assert status == 200 and 'name="password"' in body


def ws_url(base_url: str) -> str:
    return base_url.replace("http://", "ws://") + "/ws/health/"


def test_websocket_accepts_the_site_origin(daphne_server):
    with connect(ws_url(daphne_server), origin=daphne_server, proxy=None, open_timeout=10) as socket:
        assert json.loads(socket.recv(timeout=10)) == {"type": "hello", "authenticated": False}
        socket.send(json.dumps({"type": "ping"}))
        assert json.loads(socket.recv(timeout=10)) == {"type": "pong"}
        socket.send("not json")
        assert json.loads(socket.recv(timeout=10))["type"] == "error"


def test_websocket_refuses_a_foreign_origin(daphne_server):
    with pytest.raises(InvalidStatus) as caught:
        connect(ws_url(daphne_server), origin="http://evil.example", proxy=None, open_timeout=10)
    assert caught.value.response.status_code == 403
