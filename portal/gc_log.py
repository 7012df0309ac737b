"""A probe of the garbage collector's pauses (benchmarks only): which collection, when, how long.

A full collection walks every container object the process holds that is not frozen; with hundreds
of sockets that can be a pause every socket feels at once. `install(path)` adds a `gc.callbacks`
hook that times each collection and writes one line per collection of generation 1 or 2, and per
young collection (generation 0) that took a millisecond or more; the others are only counted, each
line carrying the running count and time of those (young collections run hundreds of times a
second: a line for each would cost more than it tells).

A line is `start generation milliseconds collected uncollectable young_count young_ms`, `start` from
`time.perf_counter()` (CLOCK_MONOTONIC on Linux: the same clock in every process of the machine, so a
benchmark can set the pauses beside its own latency figures). `read(path)` parses such a file.

portal/asgi.py installs it when PORTAL_GC_LOG=FILE is set; benchmarks/chat.py sets it for daphne and
uses the same hook in-process (`Recorder`) for its load generator and its bare server.
"""

import gc
import time

YOUNG_REPORTED_MS = 1.0  # a young collection this long or longer gets its own line


class Recorder:
    """Times every collection; hands the notable ones to `sink(start, generation, ms, collected, uncollectable,
    young_count, young_ms)`."""

    def __init__(self, sink):
        self.sink = sink
        self.started = 0.0
        self.young_count = 0
        self.young_ms = 0.0
        self.output = None  # the file `install` writes to, closed by `remove`

    def __call__(self, phase: str, info: dict) -> None:
        if phase == "start":
            self.started = time.perf_counter()
            return
        took = (time.perf_counter() - self.started) * 1000.0
        generation = info.get("generation", 0)
        if generation == 0:
            self.young_count += 1
            self.young_ms += took
            if took < YOUNG_REPORTED_MS:
                return
        self.sink(
            self.started,
            generation,
            took,
            info.get("collected", 0),
            info.get("uncollectable", 0),
            self.young_count,
            self.young_ms,
        )

    def install(self) -> "Recorder":
        gc.callbacks.append(self)
        return self

    def remove(self) -> None:
        if self in gc.callbacks:
            gc.callbacks.remove(self)
        if self.output is not None:
            self.output.close()
            self.output = None


def install(path: str) -> Recorder:
    """Appends a line per notable collection to `path` (line-buffered: a reader sees each at once)."""
    output = open(path, "a", buffering=1, encoding="ascii")  # noqa: SIM115 - open for the process's life

    def sink(start, generation, took, collected, uncollectable, young_count, young_ms):
        output.write(f"{start:.6f} {generation} {took:.3f} {collected} {uncollectable} {young_count} {young_ms:.1f}\n")

    recorder = Recorder(sink)
    recorder.output = output
    return recorder.install()


def read(path) -> list[dict]:
    """The collections written by `install`, oldest first (a missing file: none)."""
    entries = []
    try:
        with open(path, encoding="ascii") as lines:
            for line in lines:
                parts = line.split()
                if len(parts) != 7:
                    continue  # a line being written
                entries.append(
                    {
                        "start": float(parts[0]),
                        "generation": int(parts[1]),
                        "ms": float(parts[2]),
                        "collected": int(parts[3]),
                        "uncollectable": int(parts[4]),
                        "young_count": int(parts[5]),
                        "young_ms": float(parts[6]),
                    }
                )
    except FileNotFoundError:
        pass
    return entries


def summarise(entries: list[dict], start: float, end: float) -> dict:
    """What the collector did between `start` and `end` (perf_counter seconds)."""
    inside = [entry for entry in entries if start <= entry["start"] < end]
    by_generation = {}
    for generation in (0, 1, 2):
        pauses = [entry["ms"] for entry in inside if entry["generation"] == generation]
        by_generation[f"gen{generation}"] = {
            "count": len(pauses),
            "max_ms": round(max(pauses), 2) if pauses else None,
            "total_ms": round(sum(pauses), 1),
        }
    before = [entry for entry in entries if entry["start"] < start]
    last = inside[-1] if inside else None
    if last is not None:
        first_young = before[-1] if before else {"young_count": 0, "young_ms": 0.0}
        by_generation["gen0_all"] = {
            "count": last["young_count"] - first_young["young_count"],
            "total_ms": round(last["young_ms"] - first_young["young_ms"], 1),
        }
    return by_generation
