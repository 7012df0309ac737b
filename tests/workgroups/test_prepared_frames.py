"""Broadcasts framed once and written to every socket (portal/fanout.py, #22), on a real daphne.

A member's socket reads, byte for byte, the frame daphne's own path would send: one final,
unmasked text frame carrying the message's JSON. A member removed from the room gets the close
and never the message sent after the removal. A socket that negotiated compression gets its
broadcasts compressed, through daphne's own path. The sockets here are read raw (the handshake by
hand) so that the frame's bytes themselves are what the tests look at.
"""

import base64
import json
import os
import socket
import struct
import zlib

import pytest
from django.db import transaction

from tests.conftest import DaphneProcess
from workgroups import services

from .test_multiprocess import join, next_of

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is unset: the fan-out runs through Redis"),
]

TEXT, CLOSE, PING = 0x1, 0x8, 0x9


class RawSocket:
    """A websocket read frame by frame, as bytes."""

    def __init__(self, server, room, name, extensions=None):
        self.socket = socket.create_connection(("127.0.0.1", server.port), timeout=10)
        key = base64.b64encode(os.urandom(16)).decode()
        lines = [
            f"GET /ws/workgroups/{room['workgroup'].slug}/ HTTP/1.1",
            f"Host: 127.0.0.1:{server.port}",
            "Upgrade: websocket",
            "Connection: Upgrade",
            f"Sec-WebSocket-Key: {key}",
            "Sec-WebSocket-Version: 13",
            f"Origin: {server.base_url}",
            f"Cookie: sessionid={room['cookies'][name]}",
        ]
        if extensions:
            lines.append(f"Sec-WebSocket-Extensions: {extensions}")
        self.socket.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        self.buffer = b""
        while b"\r\n\r\n" not in self.buffer:
            self._fill()
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        status, *headers = head.decode("latin-1").split("\r\n")
        assert status.startswith("HTTP/1.1 101"), head
        self.headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in headers)}

    def _fill(self):
        chunk = self.socket.recv(65536)
        if not chunk:
            raise ConnectionError("the server closed the connection")
        self.buffer += chunk

    def _take(self, size):
        while len(self.buffer) < size:
            self._fill()
        taken, self.buffer = self.buffer[:size], self.buffer[size:]
        return taken

    def frame(self) -> tuple[bytes, int, bytes]:
        """The next frame: (its bytes as read, its first byte, its payload)."""
        head = self._take(2)
        length = head[1] & 0x7F
        extended = b""
        if length == 126:
            extended = self._take(2)
            length = struct.unpack("!H", extended)[0]
        elif length == 127:
            extended = self._take(8)
            length = struct.unpack("!Q", extended)[0]
        mask = self._take(4) if head[1] & 0x80 else b""
        payload = self._take(length)
        return head + extended + mask + payload, head[0], payload

    def text_frames(self, inflate=None):
        """(raw bytes, first byte, JSON) of each text frame, until the close (then ("close", code))."""
        while True:
            raw, first, payload = self.frame()
            opcode = first & 0x0F
            if opcode == CLOSE:
                yield "close", struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else None
                return
            if opcode != TEXT:
                continue  # a ping: not what these tests are about
            if inflate is not None and first & 0x40:
                payload = inflate.decompress(payload + b"\x00\x00\xff\xff")
            yield raw, first, json.loads(payload)

    def close(self):
        self.socket.close()


def is_plain_text_frame(raw: bytes) -> bool:
    """True when `raw` is a server's final text frame of its payload, unmasked, with the shortest
    length encoding (RFC 6455), and nothing else."""
    header = {126: 4, 127: 10}.get(raw[1], 2)
    payload = raw[header:]
    size = len(payload)
    if size <= 125:
        expected = bytes([0x81, size])
    elif size <= 0xFFFF:
        expected = bytes([0x81, 126]) + struct.pack("!H", size)
    else:
        expected = bytes([0x81, 127]) + struct.pack("!Q", size)
    return raw == expected + payload


def next_message(frames):
    for raw, _first, frame in frames:
        if raw == "close":
            raise AssertionError(f"closed ({frame}) before a message")
        if frame["type"] == "message":
            return raw, frame["message"]
    raise AssertionError("no message frame")


@pytest.mark.parametrize("prepared", ["1", "0"], ids=["framed-once", "daphne-path"])
def test_a_member_reads_the_broadcast_as_one_plain_text_frame_of_its_json(daphne, room, monkeypatch, prepared):
    monkeypatch.setenv("PORTAL_PREPARED_FRAMES", prepared)
    server = daphne()
    bob = RawSocket(server, room, "bob")
    try:
        frames = bob.text_frames()
        _raw, _first, ready = next(frames)
        assert ready["type"] == "ready"
        body = "Un message assez long pour que sa trame dépasse 125 octets : " + "é" * 60
        with join(server, room, "alice") as alice:
            alice.send(json.dumps({"type": "send", "body": body, "client_id": "pf-1"}))
            ack = next_of(alice, "ack")
            raw, message = next_message(frames)
            assert (message["sequence"], message["body"], message["client_id"]) == (ack["sequence"], body, "pf-1")
            assert len(raw) > 125 + 4 and is_plain_text_frame(raw)  # 0x81, 126, two length bytes, the JSON
            assert next_of(alice, "message")["message"]["body"] == body  # the sender hears it too
    finally:
        bob.close()


def test_a_removed_member_gets_the_close_and_never_the_message_sent_after(daphne, room):
    server = daphne()
    bob = RawSocket(server, room, "bob")
    try:
        frames = bob.text_frames()
        assert next(frames)[2]["type"] == "ready"
        with join(server, room, "alice") as alice:
            people = room["people"]
            # One commit: the removal's revocation, then the message, published in that order.
            with transaction.atomic():
                services.workgroup_leave(workgroup=room["workgroup"], by=people["bob"].user)
                services.message_send(workgroup=room["workgroup"], by=people["alice"].user, body="Après le départ")
            assert next_of(alice, "message")["message"]["body"] == "Après le départ"
            seen = list(frames)
            assert seen[-1] == ("close", 4403)
            assert [frame for _raw, _first, frame in seen[:-1] if frame["type"] == "message"] == []
    finally:
        bob.close()


def test_a_socket_with_compression_gets_its_broadcasts_compressed_through_daphne(room):
    server = DaphneProcess()
    server.application = "tests.compressing_asgi:application"
    server.start()
    try:
        bob = RawSocket(server, room, "bob", extensions="permessage-deflate")
        plain = RawSocket(server, room, "alice")  # no compression offered: framed once
        try:
            assert bob.headers.get("sec-websocket-extensions", "").startswith("permessage-deflate")
            assert "sec-websocket-extensions" not in plain.headers
            bob_frames, plain_frames = bob.text_frames(zlib.decompressobj(-zlib.MAX_WBITS)), plain.text_frames()
            assert next(bob_frames)[2]["type"] == "ready" and next(plain_frames)[2]["type"] == "ready"
            services.message_send(workgroup=room["workgroup"], by=room["people"]["chloe"].user, body="Compressé ?")
            raw, message = next_message(bob_frames)
            assert message["body"] == "Compressé ?"
            assert raw[0] == 0xC1  # final, RSV1 (compressed), text: daphne's path compressed it
            raw, message = next_message(plain_frames)
            assert message["body"] == "Compressé ?" and is_plain_text_frame(raw)
        finally:
            bob.close()
            plain.close()
    finally:
        server.stop()
