"""autobahn's log arguments under daphne: rendered as before when a message is written, never for a
frame whose debug message nobody writes (#22)."""

import importlib

from autobahn import util

from portal import lazy_log_args

MESSAGE = "{func} sent {data_len} bytes for peer {peer}"  # autobahn's debug message for each frame sent


def test_messages_read_as_before_and_nothing_is_rendered_for_an_unwritten_debug_message(monkeypatch):
    protocol = importlib.import_module("autobahn.websocket.protocol")
    monkeypatch.setattr(protocol, "hltype", util.hltype)  # restored after the test
    monkeypatch.setattr(protocol, "hlval", util.hlval)
    method = protocol.WebSocketProtocol.sendData
    before = MESSAGE.format(func=protocol.hltype(method), data_len=protocol.hlval(12), peer=protocol.hlval("tcp:x"))

    assert lazy_log_args.install()
    original_hl, rendered = util.hl, []

    def counting_hl(text, **kwargs):
        rendered.append(text)
        return original_hl(text, **kwargs)

    monkeypatch.setattr(util, "hl", counting_hl)
    arguments = {"func": protocol.hltype(method), "data_len": protocol.hlval(12), "peer": protocol.hlval("tcp:x")}
    assert rendered == []  # what every frame pays when the debug level is off

    assert MESSAGE.format(**arguments) == before  # and the message reads the same when it is written
    assert protocol.hlval("x", color="red") == util.hlval("x", color="red")  # an explicit style, at once
