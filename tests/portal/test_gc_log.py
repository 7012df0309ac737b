"""The garbage collector's probe of the benchmarks (portal/gc_log.py): each full collection is on
record with its pause, so a latency burst can be set beside the collection that made it (#22)."""

import gc
import time

from portal import gc_log


def test_a_full_collection_is_written_with_its_pause_and_what_it_freed(tmp_path):
    path = tmp_path / "gc.log"
    recorder = gc_log.install(str(path))
    try:
        before = time.perf_counter()
        gc.disable()  # no automatic collection frees them before the full one
        try:
            for _ in range(1000):  # cycles only the collector can free
                a, b = [], []
                a.append(b)
                b.append(a)
            del a, b
        finally:
            gc.enable()
        gc.collect()
        after = time.perf_counter()
    finally:
        recorder.remove()
    full = [entry for entry in gc_log.read(path) if entry["generation"] == 2 and before <= entry["start"] <= after]
    assert len(full) == 1
    assert full[0]["collected"] >= 2000 and full[0]["ms"] > 0
    summary = gc_log.summarise(gc_log.read(path), before, after)
    assert summary["gen2"]["count"] == 1 and summary["gen2"]["max_ms"] == round(full[0]["ms"], 2)


def test_a_line_being_written_is_not_read_and_a_missing_file_holds_nothing(tmp_path):
    path = tmp_path / "gc.log"
    path.write_text("12.5 2 3.250 10 0 4 1.5\n13.0 1 0.5")
    assert [entry["start"] for entry in gc_log.read(path)] == [12.5]
    assert gc_log.read(tmp_path / "none.log") == []
