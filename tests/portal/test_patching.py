"""portal/patching.py: a daphne method is replaced only in a process where daphne is loaded, once
however often portal.asgi runs its installs, and never on a version it was not written for."""

import sys
import types

from portal import patching


class Protocol:
    def onOpen(self):  # noqa: N802 - autobahn's name
        return ["opened"]


def _counting(cls, original):
    def onOpen(self):  # noqa: N802
        return [*original(self), "counted"]

    return onOpen


def test_a_method_is_replaced_once_where_its_module_is_loaded(monkeypatch):
    assert patching.wrap("tests.not_loaded", "Protocol", "onOpen", _counting) is False

    module = types.ModuleType("tests.fake_daphne")
    module.Protocol = type("Protocol", (Protocol,), {})
    monkeypatch.setitem(sys.modules, "tests.fake_daphne", module)
    assert patching.wrap("tests.fake_daphne", "Protocol", "onOpen", _counting) is True
    assert patching.wrap("tests.fake_daphne", "Protocol", "onOpen", _counting) is True  # asgi imported again
    assert module.Protocol().onOpen() == ["opened", "counted"]  # not wrapped twice
    assert Protocol().onOpen() == ["opened"]


def test_a_version_it_was_not_written_for_is_left_as_it_is(monkeypatch):
    module = types.ModuleType("tests.fake_daphne")
    module.Protocol = type("Protocol", (Protocol,), {})
    monkeypatch.setitem(sys.modules, "tests.fake_daphne", module)
    assert patching.wrap("tests.fake_daphne", "Protocol", "onOpen", lambda cls, original: None) is False
    assert module.Protocol().onOpen() == ["opened"]
