"""daphne's garbage collector (portal/collector.py): full collections rarer under load, and the cycles
closed sockets leave still freed, by one collection soon after a wave of closes (#22)."""

import asyncio
import gc
import weakref

from portal import collector


class Socket:
    pass


async def test_the_cycles_of_closed_sockets_are_freed_soon_after_a_wave_of_closes(monkeypatch):
    monkeypatch.setattr(collector, "DELAY", 0.01)
    monkeypatch.setattr(collector, "_state", {"enabled": True, "closed": 0, "pending": None})
    gc.disable()  # only the collection under test frees the cycle
    try:
        left = Socket()
        left.itself = left  # the kind of cycle a closed socket leaves: refcounts alone never free it
        gone = weakref.ref(left)
        del left
        for _ in range(collector.CLOSED_SOCKETS - 1):
            collector.socket_closed()
        await asyncio.sleep(0.05)
        assert gone() is not None  # not yet a wave
        collector.socket_closed()
        await asyncio.sleep(0.05)
        assert gone() is None
        assert collector._state["closed"] == 0 and collector._state["pending"] is None
    finally:
        gc.enable()


def test_pythons_thresholds_keep_pythons_cadence(monkeypatch):
    before = gc.get_threshold()
    monkeypatch.setattr(collector, "_state", {"enabled": False, "closed": 0, "pending": None})
    try:
        monkeypatch.setenv("PORTAL_GC_THRESHOLD", "700,10,10")
        collector.settle()
        assert gc.get_threshold() == (700, 10, 10) and not collector._state["enabled"]
        monkeypatch.delenv("PORTAL_GC_THRESHOLD")
        collector.settle()
        assert gc.get_threshold() == (700, 10, 100) and collector._state["enabled"]
    finally:
        gc.set_threshold(*before)
