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


def test_the_options_logged_at_each_connection_are_rendered_only_when_written(monkeypatch):
    import pprint

    protocol = importlib.import_module("autobahn.websocket.protocol")
    rendered = []

    def counting_pformat(value, *args, **kwargs):
        rendered.append(value)
        return pprint.pformat(value, *args, **kwargs)

    monkeypatch.setattr(protocol, "pformat", counting_pformat)  # restored after the test
    monkeypatch.setattr(protocol, "hltype", util.hltype)
    monkeypatch.setattr(protocol, "hlval", util.hlval)
    options = [("autoPingInterval", 0, "WebSocketFactory"), ("allowedOrigins", ["*"], "WebSocketFactory")]
    before = f"\n{pprint.pformat(options)}"

    assert lazy_log_args.install()
    argument = protocol.pformat(options)
    assert rendered == []  # built for a debug message nobody writes: nothing rendered
    assert f"\n{argument}" == before  # written, it reads as before
    assert rendered == [options]
    timings = protocol.Timings()
    assert str(timings) == "{}"  # the one other use gets its string at once, as before
