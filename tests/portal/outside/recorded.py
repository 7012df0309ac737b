"""Recorded answers of the outside services, served by a real HTTP server on loopback.

The portal's clients go through their whole path (socket, status, size cap, JSON) against this
server; the answers are files of tests/data/recorded/, written by hand from the services' documented
shape. `recorded` (a fixture, see tests/portal/conftest.py) points the settings at it:

    def test_…(recorded):
        recorded.answer("/entreprises/search", "company_register_siret.json", q="99810001000029")
        recorded.answer("/adresse/search/", status=500)

A route answers the requests whose path (and, if given, whose `q`) match; the last route added wins.
Every request is kept in `recorded.requests` (path, query dict) so a test can say what was asked.
"""

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

DATA = Path(__file__).resolve().parents[2] / "data" / "recorded"
REGISTER_PREFIX = "/entreprises"
ADDRESS_PREFIX = "/adresse"


@dataclass
class Route:
    path: str
    q: str | None
    status: int
    body: bytes
    delay: float
    content_type: str


class RecordedServer:
    def __init__(self):
        self.routes: list[Route] = []
        self.requests: list[tuple[str, dict]] = []
        server = self
        self._released = threading.Event()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the http.server API
                parts = urlsplit(self.path)
                query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
                server.requests.append((parts.path, query))
                route = server.route_for(parts.path, query.get("q"))
                if route is None:
                    self.send_error(404)
                    return
                if route.delay:
                    server._released.wait(route.delay)
                try:
                    self.send_response(route.status)
                    self.send_header("Content-Type", route.content_type)
                    self.send_header("Content-Length", str(len(route.body)))
                    self.end_headers()
                    self.wfile.write(route.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (its timeout): what the test wanted

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def answer(
        self,
        path: str,
        file: str | None = None,
        *,
        q: str | None = None,
        status: int = 200,
        body: bytes | str | dict | None = None,
        delay: float = 0.0,
        content_type: str = "application/json",
    ):
        """Serve `file` (of tests/data/recorded) or `body` at `path`, for query `q` if given."""
        if file is not None:
            body = (DATA / file).read_bytes()
        elif isinstance(body, dict):
            body = json.dumps(body).encode()
        elif isinstance(body, str):
            body = body.encode()
        self.routes.append(Route(path, q, status, body or b"", delay, content_type))

    def route_for(self, path: str, q: str | None) -> Route | None:
        for route in reversed(self.routes):
            if route.path == path and (route.q is None or route.q == q):
                return route
        return None

    def asked(self, path: str) -> list[dict]:
        """The queries received at `path`."""
        return [query for seen, query in self.requests if seen == path]

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self._released.set()  # slow answers stop waiting
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def recorded(settings):
    """A loopback server of recorded answers; the company register and the address base point at it."""
    server = RecordedServer().start()
    settings.COMPANY_REGISTER_URL = server.base_url + REGISTER_PREFIX
    settings.ADDRESS_BASE_URL = server.base_url + ADDRESS_PREFIX
    try:
        yield server
    finally:
        server.stop()
