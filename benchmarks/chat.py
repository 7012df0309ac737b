"""Workgroup chat benchmark: websocket fan-out of one daphne process against a bare `websockets` server.

Run it with `./run bench chat [options]` (which starts PostgreSQL and Redis and sets DATABASE_URL and
REDIS_URL); see benchmarks/README.md for how to read the figures.

What it does, in one run:
  1. prepares its own data in the database of DATABASE_URL (benchmarks.settings: the test settings
     with tasks queued in the database as in production, not run inline): migrate, then
     25 open workgroups of a "bench" axis, 500 users with a Person and an active membership, and a
     Django session per user (clients authenticate with the `sessionid` cookie);
  2. baseline: a bare `websockets` server (this file with --serve-baseline) that keeps rooms in a
     dict and broadcasts each message to its room (no database, no auth, no channel layer);
  3. daphne: ONE `python -m daphne` process serving portal.asgi:application with the Redis pub/sub
     channel layer, the load generator connected as 500 signed-in members;
  4. the same open-loop load on both: messages sent at a fixed total rate at scheduled times, spread
     round-robin over rooms and over the members of each room; latency = time a client receives the
     `message` frame − the SCHEDULED send time (so a server or generator that falls behind shows in
     the figures instead of slowing the load down: no coordinated omission);
  5. the knee: shorter steps at rising rates on the same daphne connections until p99 > 100 ms or a
     delivery is lost;
  6. a mass disconnect of every client at once, then a look at daphne's log and at Redis's pub/sub
     subscriptions (none should be left).

The servers are pinned to core 0 and the load generator (this process) to core 1 when there are two
cores. Everything listens on 127.0.0.1 only; every wait has a time limit; the processes this script
starts are stopped in `finally` blocks (also on Ctrl+C, SIGTERM, or if this process dies: they get
SIGTERM through PR_SET_PDEATHSIG).
"""

# ruff: noqa: S603, S607  (runs this project's own commands: python, daphne, taskset, git)
from __future__ import annotations

import argparse
import asyncio
import contextlib
import ctypes
import datetime
import gc
import itertools
import json
import math
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS_DIR = ROOT / "benchmarks" / "results"
LOG_DIR = ROOT / "var" / "bench"
SETTINGS = "benchmarks.settings"  # the test settings with production's task queue (see that file)
P99_TARGET_MS = 100.0
SERVER_CORE, GENERATOR_CORE = 0, 1
SLUG_PREFIX = "bench-chat-"
USER_PREFIX = "bench-chat-"
SESSION_PREFIX = "benchchat"
QUIET_BUSY_PCT = 10.0
KNEE_RATES = [50, 100, 150, 200, 300, 400, 600, 800, 1000]
KNEE_RATES_BELOW = [25, 10]
CONNECT_CONCURRENCY = 50
FLOOR_KEYS = {"redis": "floor", "local": "floor_local"}  # the results' key of each floor (--floor)
GAP_EXAMPLES = 20  # sequence gaps described in the results, the first ones
CLK_TCK = os.sysconf("SC_CLK_TCK")
sys.path.insert(0, str(ROOT))  # run as benchmarks/chat.py: the project's packages are one level up


def now() -> float:
    return time.perf_counter()


def say(text: str = "") -> None:
    print(f"[bench] {text}" if text else "", flush=True)


# --------------------------------------------------------------------------------------------------
# /proc readings (psutil is not installed)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (all its threads), in seconds."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime, stime (fields 14 and 15)


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def core_times() -> dict[str, tuple[int, int]]:
    """(busy, total) jiffies per cpuN line of /proc/stat."""
    result = {}
    with open("/proc/stat") as stat:
        for line in stat:
            if line.startswith("cpu") and line[3].isdigit():
                name, *values = line.split()
                numbers = [int(v) for v in values[:8]]
                idle = numbers[3] + numbers[4]  # idle + iowait
                result[name] = (sum(numbers) - idle, sum(numbers))
    return result


def core_busy(before, after) -> dict[str, float]:
    busy = {}
    for name, (b1, t1) in after.items():
        b0, t0 = before.get(name, (b1, t1))
        busy[name] = round(100.0 * (b1 - b0) / (t1 - t0), 1) if t1 > t0 else 0.0
    return busy


def all_process_times() -> dict[int, tuple[str, float]]:
    """(command name, CPU seconds) of every process on the machine."""
    times = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                text = stat.read()
        except OSError:
            continue
        name = text[text.index("(") + 1 : text.rindex(")")]
        fields = text.rsplit(")", 1)[1].split()
        times[int(entry)] = (name, (int(fields[11]) + int(fields[12])) / CLK_TCK)
    return times


class OthersMeter:
    """CPU used by every process other than the server under test and this generator, by command name.

    Shows what PostgreSQL and Redis cost, and whether something else (a test run, a browser) was
    competing for the cores: figures taken on a busy machine are not comparable.
    """

    def __init__(self, exclude: set[int]):
        self.exclude = exclude
        self.start = all_process_times()
        self.start_wall = now()

    def percent(self) -> dict[str, float]:
        wall = now() - self.start_wall
        used: Counter = Counter()
        for pid, (name, seconds) in all_process_times().items():
            if pid in self.exclude:
                continue
            before = self.start.get(pid)
            used[name] += seconds - (before[1] if before and before[0] == name else 0.0)
        return {
            name: round(100.0 * seconds / wall, 1) for name, seconds in used.most_common(8) if seconds / wall >= 0.005
        }


def machine_busy(seconds: float = 2.0) -> tuple[float, dict[str, float]]:
    """How busy the cores are over a short sample, and with what."""
    before, others = core_times(), OthersMeter({os.getpid()})
    time.sleep(seconds)
    busy = core_busy(before, core_times())
    return round(sum(busy.values()) / max(1, len(busy)), 1), others.percent()


def pids_of(target) -> tuple[int, ...]:
    return (target,) if isinstance(target, int) else tuple(target)


def total_cpu_seconds(target) -> float:
    return sum(cpu_seconds(pid) for pid in pids_of(target))


def total_rss_kib(target) -> int:
    return sum(rss_kib(pid) for pid in pids_of(target))


class CpuMeter:
    """CPU of one process, or the sum over several (then above 100 % of one core when they all work)."""

    def __init__(self, target):
        self.pids = pids_of(target)
        self.start_cpu = total_cpu_seconds(self.pids)
        self.start_wall = now()

    def percent(self) -> float:
        wall = now() - self.start_wall
        return round(100.0 * (total_cpu_seconds(self.pids) - self.start_cpu) / wall, 1) if wall > 0 else 0.0


# --------------------------------------------------------------------------------------------------
# Processes


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _child_setup(core: int | None):
    def setup():
        # SIGTERM the child if this process dies without cleaning up (even on SIGKILL).
        with contextlib.suppress(OSError):
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        if core is not None:
            os.sched_setaffinity(0, {core})

    return setup


class Child:
    """A process this script started; stop() is idempotent and bounded in time."""

    def __init__(self, name: str, command: list[str], env: dict, log: Path, core: int | None):
        self.name, self.log = name, log
        if core is not None and shutil.which("taskset"):
            command = ["taskset", "-c", str(core), *command]
        self.command = command
        self.output = log.open("ab")
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self.output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl+C reaches us, and we stop it in order
            preexec_fn=_child_setup(core),
        )
        self.pid = self.process.pid  # taskset execs the command: same pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self, timeout: float = 10.0) -> int | None:
        if self.process.poll() is None:
            try:
                self.process.send_signal(signal.SIGTERM)
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                say(f"{self.name} (pid {self.pid}) did not stop within {timeout:.0f} s: killing it")
                self.process.kill()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self.process.wait(timeout=5)
            except ProcessLookupError:
                pass
        self.output.close()
        return self.process.returncode


CHILDREN: list[Child] = []


class Servers:
    """The server processes under test: one baseline, or N daphne processes sharing Redis.

    Client i connects to ports[i mod N], so the members of a room are spread over the processes
    and every broadcast crosses Redis, as behind a load balancer.
    """

    def __init__(self, name: str, children: list[Child], ports: list[int], gc_logs: list[Path] = ()):
        self.name, self.children, self.ports = name, children, ports
        self.gc_logs = list(gc_logs)  # each process's collections (portal/gc_log.py), read after each phase

    def collections(self) -> list[dict]:
        from portal import gc_log

        return sorted((entry for path in self.gc_logs for entry in gc_log.read(path)), key=lambda e: e["start"])

    @property
    def pids(self) -> tuple[int, ...]:
        return tuple(child.pid for child in self.children)

    @property
    def pid(self) -> int:
        return self.children[0].pid

    @property
    def log(self) -> Path:
        return self.children[0].log

    def alive(self) -> bool:
        return all(child.alive() for child in self.children)

    def dead(self) -> list[Child]:
        return [child for child in self.children if not child.alive()]

    def stop(self) -> None:
        for child in self.children:
            child.stop()
            if child in CHILDREN:
                CHILDREN.remove(child)


def daphne_command(port: int, application: str, *options: str) -> list[str]:
    """The command of a daphne process serving `application` on 127.0.0.1:`port`."""
    return [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), *options, application]


def start_child(name, command, env, log, core) -> Child:
    child = Child(name, command, env, log, core)
    CHILDREN.append(child)
    return child


def stop_children() -> None:
    while CHILDREN:
        CHILDREN.pop().stop()


def log_tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


async def wait_for_port(port: int, child: Child, timeout: float) -> None:
    deadline = now() + timeout
    while now() < deadline:
        if not child.alive():
            raise BenchError(f"{child.name} exited with status {child.process.returncode}:\n{log_tail(child.log)}")
        try:
            _reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 1)
            writer.close()
            return
        except (TimeoutError, OSError):
            await asyncio.sleep(0.1)
    raise BenchError(f"{child.name} does not listen on 127.0.0.1:{port} after {timeout:.0f} s:\n{log_tail(child.log)}")


class BenchError(Exception):
    pass


# --------------------------------------------------------------------------------------------------
# Data


def prepare_data(n_clients: int, n_rooms: int, env: dict) -> tuple[list[dict], dict]:
    """Migrates, then creates the workgroups, users, people, memberships and sessions of the benchmark.

    Returns one dict per client (slug, session key) and facts about the database. Runs again
    cleanly: the benchmark's earlier rows (by their prefixes) are deleted first.
    """
    started = now()
    say("Preparing the database: manage.py migrate")
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    if migrate.returncode != 0:
        raise BenchError(f"manage.py migrate failed:\n{migrate.stdout[-3000:]}\n{migrate.stderr[-3000:]}")

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.db import connection, transaction
    from django.db.models import Max
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from portal.members.models import Person, PersonRole
    from workgroups import services
    from workgroups.models import Axis, MembershipPolicy, Workgroup, WorkgroupMembership

    User = get_user_model()
    with transaction.atomic():
        Workgroup.objects.filter(slug__startswith=SLUG_PREFIX).delete()  # messages and memberships too
        User.objects.filter(username__startswith=USER_PREFIX).delete()  # people too
        Axis.objects.filter(slug=f"{SLUG_PREFIX}axis").delete()
        Session.objects.filter(session_key__startswith=SESSION_PREFIX).delete()

        number = (Axis.objects.aggregate(top=Max("number"))["top"] or 0) + 1
        axis = Axis.objects.create(number=number, slug=f"{SLUG_PREFIX}axis", title="Banc d'essai du chat")
        workgroups = Workgroup.objects.bulk_create(
            [
                Workgroup(
                    axis=axis,
                    name=f"Banc d'essai {room + 1:02d}",
                    slug=f"{SLUG_PREFIX}{room + 1:02d}",
                    membership_policy=MembershipPolicy.OPEN,
                )
                for room in range(n_rooms)
            ]
        )
        users = User.objects.bulk_create(
            [
                User(
                    username=f"{USER_PREFIX}{index:05d}",
                    email=f"{USER_PREFIX}{index:05d}@bench.ptce.test",
                    first_name="Banc",
                    last_name=f"{index:05d}",
                    password=make_password(None),  # unusable: sign-in is by session only
                    is_active=True,
                )
                for index in range(n_clients)
            ]
        )
        # bulk_create, not services.person_create: 500 full_clean + role-group syncs take seconds and
        # the role groups play no part in a workgroup's chat.
        Person.objects.bulk_create(
            [
                Person(user=user, handle=f"{USER_PREFIX}{index:05d}", role=PersonRole.MEMBER)
                for index, user in enumerate(users)
            ]
        )
        # The project's own path into an open workgroup (active at once).
        for index, user in enumerate(users):
            services.workgroup_join(workgroup=workgroups[index % n_rooms], by=user)

        store = SessionStore()
        backend = settings.AUTHENTICATION_BACKENDS[0]
        expires = timezone.now() + datetime.timedelta(days=1)
        keys = [SESSION_PREFIX + get_random_string(32 - len(SESSION_PREFIX)).lower() for _ in users]
        Session.objects.bulk_create(
            [
                Session(
                    session_key=key,
                    session_data=store.encode(
                        {
                            SESSION_KEY: user._meta.pk.value_to_string(user),
                            BACKEND_SESSION_KEY: backend,
                            HASH_SESSION_KEY: user.get_session_auth_hash(),
                        }
                    ),
                    expire_date=expires,
                )
                for key, user in zip(keys, users, strict=True)
            ]
        )
    active = WorkgroupMembership.objects.filter(workgroup__slug__startswith=SLUG_PREFIX, status="active").count()
    if active != n_clients:
        raise BenchError(f"expected {n_clients} active memberships, found {active}")
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()" if connection.vendor == "postgresql" else "SELECT sqlite_version()")
        db_version = cursor.fetchone()[0]
    facts = {
        "database": db_version.split(" on ")[0],
        "database_vendor": connection.vendor,
        "tasks_backend": settings.TASKS["default"]["BACKEND"],
        "rate_limit_messages": services.RATE_LIMIT_MESSAGES,
        "rate_limit_window_s": services.RATE_LIMIT_WINDOW.total_seconds(),
        "setup_s": round(now() - started, 1),
        "persistence": persistence_probe(users, workgroups, n_rooms),
    }
    connection.close()
    clients = [
        {"index": index, "room": index % n_rooms, "slug": workgroups[index % n_rooms].slug, "session": keys[index]}
        for index in range(n_clients)
    ]
    return clients, facts


def persistence_probe(users, workgroups, n_rooms: int, calls: int = 100, warm: int = 20) -> dict:
    """Times the persistence step alone: services.message_send in this process, on the same database,
    with the broadcast stubbed out: the CPU every message costs before any fan-out. The consumer
    runs message_send in a small thread pool (thread_sensitive=False), so 1000 / (wall ms per call)
    is the rate of ONE such thread, not a hard ceiling of the process.

    With PORTAL_ONE_STATEMENT_SEND on (the default) the probe also times the transaction path every
    send took before, the calls of both paths interleaved (same data, same moment): its figures go
    under "transaction_path", the configured path's at the top level as before."""
    from django.conf import settings

    from portal import realtime
    from workgroups import services

    configured = settings.PORTAL_ONE_STATEMENT_SEND
    paths = [configured, False] if configured else [False]
    original = realtime.group_send
    realtime.group_send = lambda group, event: None
    walls = {path: [] for path in paths}
    cpus = {path: [] for path in paths}
    try:
        for index in range(warm + calls):
            for path in paths:
                settings.PORTAL_ONE_STATEMENT_SEND = path
                user = users[index % len(users)]
                started, cpu = now(), time.thread_time()
                services.message_send(
                    workgroup=workgroups[index % len(users) % n_rooms],
                    by=user,
                    body="Sonde de persistance du banc d'essai",
                    client_id=f"persist.{index}.{int(path)}",
                )
                if index >= warm:
                    walls[path].append(now() - started)
                    cpus[path].append(time.thread_time() - cpu)
    finally:
        realtime.group_send = original
        settings.PORTAL_ONE_STATEMENT_SEND = configured

    def figures(path) -> dict:
        times = sorted(walls[path])
        return {
            "calls": calls,
            "wall_ms_p50": ms(percentile(times, 50)),
            "wall_ms_p95": ms(percentile(times, 95)),
            "cpu_ms_mean": ms(sum(cpus[path]) / len(cpus[path])),
            "one_thread_ceiling_msg_s": round(1.0 / percentile(times, 50)),
        }

    result = {**figures(configured), "one_statement": configured}
    if configured:
        result["transaction_path"] = figures(False)
    return result


# --------------------------------------------------------------------------------------------------
# The baseline server: rooms in a dict, one broadcast per message, no persistence, no auth.


async def serve_baseline(port: int) -> None:
    from websockets.asyncio.server import broadcast, serve

    rooms: dict[str, set] = defaultdict(set)
    sequences: Counter = Counter()
    ids = itertools.count(1)

    def encode(frame):
        return json.dumps(frame, ensure_ascii=False, separators=(",", ":"))

    async def handler(ws):
        path = ws.request.path
        room = rooms[path]
        room.add(ws)
        me = {"id": id(ws) % 100000, "name": "Baseline", "handle": "baseline"}
        try:
            await ws.send(encode({"type": "ready", "workgroup": path, "last_sequence": sequences[path], "me": me}))
            async for raw in ws:
                try:
                    frame = json.loads(raw)
                    if frame.get("type") != "send" or not isinstance(frame.get("body"), str):
                        raise ValueError
                except ValueError:
                    await ws.send(encode({"type": "error", "code": "invalid_frame", "message": "bad frame"}))
                    continue
                sequences[path] += 1
                message_id = next(ids)
                created = datetime.datetime.now(datetime.UTC).isoformat()
                # A frame the size and shape of the portal's, serialised once for the whole room.
                text = encode(
                    {
                        "type": "message",
                        "message": {
                            "id": message_id,
                            "sequence": sequences[path],
                            "author": {**me, "organisation": "", "is_sse": False},
                            "body": frame["body"],
                            "reply_to": None,
                            "client_id": frame.get("client_id", ""),
                            "created": created,
                            "edited": None,
                            "removed": None,
                        },
                    }
                )
                broadcast(room, text)
                await ws.send(
                    encode(
                        {
                            "type": "ack",
                            "client_id": frame.get("client_id", ""),
                            "sequence": sequences[path],
                            "id": message_id,
                        }
                    )
                )
        finally:
            room.discard(ws)

    stop = asyncio.get_running_loop().create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(sig, lambda: stop.done() or stop.set_result(None))
    async with serve(handler, "127.0.0.1", port, compression=None, ping_interval=None, max_queue=1024):
        print(f"baseline websockets server on 127.0.0.1:{port}", flush=True)
        await stop


# --------------------------------------------------------------------------------------------------
# The load generator


def percentile(sorted_values: list[float], p: float) -> float | None:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(p / 100.0 * len(sorted_values)))
    return sorted_values[rank - 1]


def ms(value: float | None) -> float | None:
    return None if value is None else round(value * 1000.0, 2)


class Client:
    __slots__ = (
        "index",
        "room",
        "slug",
        "session",
        "ws",
        "reader",
        "ready",
        "last_sequence",
        "close_code",
        "resume_from",
        "resumed",
    )

    def __init__(self, spec: dict):
        self.index, self.room, self.slug, self.session = spec["index"], spec["room"], spec["slug"], spec["session"]
        self.ws = None
        self.reader = None
        self.ready = None
        self.last_sequence = 0
        self.close_code = None
        self.resume_from = None  # reconnecting: the last sequence seen before the disconnect
        self.resumed = None  # the future of its `resumed` frame


class Phase:
    """The bookkeeping of one load phase; client_ids are `<tag>.<n>`, so frames find their phase."""

    def __init__(self, tag: str, name: str, rate: float, duration: float):
        self.tag, self.name, self.rate, self.duration = tag, name, rate, duration
        self.scheduled: dict[str, float] = {}
        self.latencies: list[float] = []
        self.ack_latencies: list[float] = []
        self.send_lags: list[float] = []
        self.seen: set[tuple[int, str]] = set()
        self.errors: Counter = Counter()
        self.send_failures = 0
        self.sent = 0
        self.expected = 0
        self.received = 0
        self.duplicates = 0
        self.late = 0
        self.closed = False  # past the grace period: deliveries from now on are late
        self.start = 0.0
        self.delivery_offsets: list[float] = []  # scheduled time − start, parallel to latencies


class Generator:
    def __init__(self, specs: list[dict], n_rooms: int):
        self.clients = [Client(spec) for spec in specs]
        self.by_room: list[list[Client]] = [[] for _ in range(n_rooms)]
        for client in self.clients:
            self.by_room[client.room].append(client)
        self.phases: dict[str, Phase] = {}
        self.foreign = 0
        self.replayed = 0
        self.out_of_order = 0
        self.gaps = 0
        # Where the gaps were seen (the phase of the frame that showed one) and the first few, so
        # that a run counting gaps says which clients, rooms and numbers (one run of 8 December did).
        self.gaps_by_phase: Counter = Counter()
        self.gap_examples: list[dict] = []
        self.unexpected_closes: Counter = Counter()
        self.other_frames: Counter = Counter()
        self.errors_outside: Counter = Counter()
        self.last_frame = now()
        self.closing = False
        self.pending_sends: set = set()

    # --- frames ------------------------------------------------------------------------------------

    def on_frame(self, client: Client, raw, received: float) -> None:
        self.last_frame = received
        frame = json.loads(raw)
        kind = frame.get("type")
        if kind == "message":
            message = frame["message"]
            sequence = message.get("sequence") or 0
            cid = message.get("client_id") or ""
            if sequence <= client.last_sequence:
                self.out_of_order += 1
            else:
                if client.last_sequence and sequence > client.last_sequence + 1:
                    self.gap(client, sequence, cid, received)
                client.last_sequence = sequence
            if cid.startswith("away"):  # posted while the clients were away: replayed by resume
                self.replayed += 1
                return
            phase = self.phases.get(cid.partition(".")[0])
            if phase is None or cid not in phase.scheduled:
                self.foreign += 1
                return
            key = (client.index, cid)
            if key in phase.seen:
                phase.duplicates += 1
                return
            phase.seen.add(key)
            if phase.closed:
                phase.late += 1
                return
            phase.received += 1
            phase.latencies.append(received - phase.scheduled[cid])
            phase.delivery_offsets.append(phase.scheduled[cid] - phase.start)
        elif kind == "ack":
            cid = frame.get("client_id") or ""
            phase = self.phases.get(cid.partition(".")[0])
            if phase is not None and cid in phase.scheduled:
                phase.ack_latencies.append(received - phase.scheduled[cid])
        elif kind == "error":
            cid = frame.get("client_id") or ""
            phase = self.phases.get(cid.partition(".")[0])
            code = frame.get("code") or "?"
            (phase.errors if phase is not None else self.errors_outside)[code] += 1
        elif kind == "ready":
            if client.resume_from is not None:  # it counts on from what it saw: resume must fill the rest
                client.last_sequence, client.resume_from = client.resume_from, None
            else:
                client.last_sequence = frame.get("last_sequence") or 0
            if client.ready is not None and not client.ready.done():
                client.ready.set_result(None)
        elif kind == "resumed" and client.resumed is not None and not client.resumed.done():
            client.resumed.set_result(frame)
        else:
            self.other_frames[kind] += 1

    async def read_loop(self, client: Client) -> None:
        from websockets.exceptions import ConnectionClosed

        ws = client.ws
        try:
            async for raw in ws:
                self.on_frame(client, raw, now())
        except ConnectionClosed:
            pass
        finally:
            client.close_code = ws.close_code
            if not self.closing:
                self.unexpected_closes[str(client.close_code)] += 1
            if client.ready is not None and not client.ready.done():
                client.ready.set_exception(BenchError(f"closed before ready (code {client.close_code})"))

    def gap(self, client: Client, sequence: int, cid: str, received: float) -> None:
        missed = sequence - client.last_sequence - 1
        self.gaps += missed
        phase = self.phases.get(cid.partition(".")[0])
        self.gaps_by_phase[phase.name if phase is not None else "outside the phases"] += missed
        if len(self.gap_examples) < GAP_EXAMPLES:
            self.gap_examples.append(
                {
                    "client": client.index,
                    "room": client.slug,
                    "after": client.last_sequence,
                    "got": sequence,
                    "client_id": cid,
                    "phase": phase.name if phase is not None else None,
                    "s_into_phase": round(received - phase.start, 3) if phase is not None and phase.start else None,
                }
            )

    # --- connections -------------------------------------------------------------------------------

    async def connect_all(self, ports, authenticate: bool, timeout: float) -> float:
        from websockets.asyncio.client import connect

        ports = [ports] if isinstance(ports, int) else list(ports)
        semaphore = asyncio.Semaphore(CONNECT_CONCURRENCY)
        self.closing = False
        self.unexpected_closes.clear()

        async def one(client: Client):
            async with semaphore:
                headers = [("Cookie", f"sessionid={client.session}")] if authenticate else None
                client.ready = asyncio.get_running_loop().create_future()
                port = ports[client.index % len(ports)]
                origin = f"http://127.0.0.1:{port}"
                client.ws = await connect(
                    f"ws://127.0.0.1:{port}/ws/workgroups/{client.slug}/",
                    origin=origin,
                    additional_headers=headers,
                    compression=None,  # daphne does not negotiate permessage-deflate: same for both
                    proxy=None,
                    open_timeout=30,
                    ping_interval=None,
                    close_timeout=10,
                    max_queue=4096,
                )
                client.reader = asyncio.create_task(self.read_loop(client))
                await asyncio.wait_for(client.ready, 30)

        started = now()
        results = await asyncio.wait_for(
            asyncio.gather(*(one(client) for client in self.clients), return_exceptions=True), timeout
        )
        failures = [result for result in results if isinstance(result, BaseException)]
        if failures:
            kinds = Counter(f"{type(f).__name__}: {f}" for f in failures)
            raise BenchError(
                f"{len(failures)} of {len(self.clients)} clients could not connect: {dict(kinds.most_common(5))}"
            )
        return now() - started

    async def close_all(self, timeout: float) -> dict:
        """Closes every connection at once (the mass disconnect ARCHITECTURE.md asks to test)."""
        self.closing = True
        started = now()
        open_clients = [client for client in self.clients if client.ws is not None]
        results = await asyncio.wait_for(
            asyncio.gather(*(client.ws.close() for client in open_clients), return_exceptions=True), timeout
        )
        readers = [client.reader for client in open_clients if client.reader is not None]
        if readers:
            await asyncio.wait(readers, timeout=10)
        codes = Counter(str(client.ws.close_code) for client in open_clients)
        for client in open_clients:
            client.ws = None
        return {
            "clients": len(open_clients),
            "seconds": round(now() - started, 2),
            "close_errors": sum(isinstance(r, BaseException) for r in results),
            "close_codes": dict(codes),
        }

    async def drain(self, server_pids, limit: float, quiet: float = 1.0) -> float:
        """Waits until the server has worked off its backlog: no frame for `quiet` seconds and the
        server under 10 % CPU over the last second. At most `limit` seconds; returns the wait."""
        started = now()
        deadline = started + limit
        server_pids = pids_of(server_pids)
        cpu, at = total_cpu_seconds(server_pids), now()
        idle = False
        while now() < deadline:
            await asyncio.sleep(0.25)
            if now() - at >= 1.0:
                cpu_now, at_now = total_cpu_seconds(server_pids), now()
                idle = (cpu_now - cpu) / (at_now - at) < 0.10
                cpu, at = cpu_now, at_now
            if idle and now() - self.last_frame >= quiet:
                break
        else:
            say(f"the server was still busy {limit:.0f} s after the phase: the next figures include its backlog")
        return round(now() - started, 1)

    # --- load ------------------------------------------------------------------------------------

    async def run_phase(self, tag: str, name: str, rate: float, duration: float, grace: float, server_pids) -> Phase:
        if FREEZE_BEFORE_PHASES:
            # Everything alive now (Django, the clients, earlier phases) out of the collector: a full
            # collection during the phase walks only what the phase makes, so its pause stays short.
            gc.collect()
            gc.freeze()
        phase = Phase(tag, name, rate, duration)
        self.phases[tag] = phase
        rooms = len(self.by_room)
        total = max(1, round(rate * duration))
        server_cpu, own_cpu, cores = CpuMeter(server_pids), CpuMeter(os.getpid()), core_times()
        others = OthersMeter({*pids_of(server_pids), os.getpid()})
        body = "Message de charge du banc d'essai : une phrase ordinaire d'une soixantaine de caractères."
        start = phase.start = now() + 0.05
        for n in range(total):
            scheduled = start + n / rate
            delay = scheduled - now()
            if delay > 0:
                await asyncio.sleep(delay)
            members = self.by_room[n % rooms]
            sender = members[(n // rooms) % len(members)]
            if sender.ws is None:
                continue
            cid = f"{tag}.{n}"
            phase.scheduled[cid] = scheduled
            phase.expected += len(members)
            phase.sent += 1
            phase.send_lags.append(now() - scheduled)
            text = json.dumps({"type": "send", "body": f"{body} #{n}", "client_id": cid})
            # A task per send: a connection that blocks on back-pressure never delays the schedule.
            task = asyncio.create_task(sender.ws.send(text))
            self.pending_sends.add(task)
            task.add_done_callback(self._sent(phase))
        deadline = max(now(), start + total / rate) + grace
        while now() < deadline and phase.received < phase.expected:
            await asyncio.sleep(0.02)
        phase.closed = True
        phase.wall = now() - start
        phase.server_cpu = server_cpu.percent()
        phase.generator_cpu = own_cpu.percent()
        phase.cores = core_busy(cores, core_times())
        phase.others = others.percent()
        return phase

    def _sent(self, phase: Phase):
        def done(task):
            self.pending_sends.discard(task)
            if not task.cancelled() and task.exception() is not None:
                phase.send_failures += 1

        return done


def send_while_away(per_room: int, stamp: str) -> dict[str, int]:
    """Posts `per_room` messages to every benchmark room through services.message_send, in this
    process, while no client is connected (the broadcast stubbed out, as nobody listens): what each
    client must get back by resuming. Returns each room's last sequence."""
    from django.db import connection

    from portal import realtime
    from workgroups import services
    from workgroups.models import Workgroup, WorkgroupMembership

    original = realtime.group_send
    realtime.group_send = lambda group, event: None
    last = {}
    try:
        for workgroup in Workgroup.objects.filter(slug__startswith=SLUG_PREFIX).order_by("pk"):
            members = list(
                WorkgroupMembership.objects.filter(workgroup=workgroup, status="active")
                .select_related("person__user")
                .order_by("pk")[:per_room]
            )
            message = None
            for n in range(per_room):
                message = services.message_send(
                    workgroup=workgroup,
                    by=members[n % len(members)].person.user,
                    body="Écrit pendant que tout le monde était déconnecté",
                    client_id=f"away{stamp}.{workgroup.pk}.{n}",
                )
            last[workgroup.slug] = message.sequence if message else workgroup.last_sequence
    finally:
        realtime.group_send = original
        connection.close()
    return last


async def reconnect_and_resume(generator: Generator, servers: Servers, per_room: int, redis_url: str) -> dict:
    """After the mass disconnect: messages are posted to every room, then all clients reconnect at
    once and each resumes from the last sequence it saw. Every client must end on its room's last
    sequence with no gap (missed messages, in order), and Redis must hold nothing once they leave."""
    saved = {client.index: client.last_sequence for client in generator.clients}
    stamp = datetime.datetime.now().strftime("%H%M%S")
    last = await asyncio.to_thread(send_while_away, per_room, stamp)
    gaps, out_of_order, replayed = generator.gaps, generator.out_of_order, generator.replayed
    loop = asyncio.get_running_loop()
    for client in generator.clients:
        client.resume_from = saved[client.index]
        client.resumed = loop.create_future()
    started = now()
    connect_s = await generator.connect_all(servers.ports, True, 120)
    await asyncio.gather(
        *(client.ws.send(json.dumps({"type": "resume", "after": saved[client.index]})) for client in generator.clients)
    )
    done, pending = await asyncio.wait([client.resumed for client in generator.clients], timeout=60)
    resume_s = now() - started
    frames = [future.result() for future in done if not future.cancelled() and future.exception() is None]
    behind = [client for client in generator.clients if client.last_sequence != last.get(client.slug)]
    result = {
        "clients": len(generator.clients),
        "messages_while_away_per_room": per_room,
        "reconnect_s": round(connect_s, 2),
        "reconnect_and_resume_s": round(resume_s, 2),
        "resumed": len(frames),
        "resumed_complete": sum(1 for frame in frames if frame.get("complete")),
        "not_resumed": len(pending),
        "away_messages_received": generator.replayed - replayed,
        "away_messages_expected": per_room * len(generator.clients),
        "clients_behind_their_room": len(behind),
        "sequence_gaps": generator.gaps - gaps,
        "out_of_order": generator.out_of_order - out_of_order,
    }
    for future in pending:
        future.cancel()
    say(f"daphne: disconnecting the {len(generator.clients)} resumed clients at once")
    result["disconnect"] = await generator.close_all(60)
    await asyncio.sleep(5)
    result["redis_after"] = redis_state(redis_url)
    result["daphne_alive"] = servers.alive()
    # Against the RSS after the first mass disconnect: what a disconnect-reconnect cycle leaves behind.
    result["rss_after_kib"] = total_rss_kib(servers.pids) if result["daphne_alive"] else None
    return result


def summarise(phase: Phase, clients: int, rooms: int) -> dict:
    latencies = sorted(phase.latencies)
    acks = sorted(phase.ack_latencies)
    lags = sorted(phase.send_lags)
    return {
        "phase": phase.name,
        "rate_msg_s": phase.rate,
        "duration_s": phase.duration,
        "clients": clients,
        "rooms": rooms,
        "sent": phase.sent,
        "expected_deliveries": phase.expected,
        "delivered": phase.received,
        "lost": phase.expected - phase.received,
        "late_after_grace": phase.late,
        "duplicates": phase.duplicates,
        "acks": len(acks),
        "errors": dict(phase.errors),
        "send_failures": phase.send_failures,
        "latency_ms": {
            "p50": ms(percentile(latencies, 50)),
            "p95": ms(percentile(latencies, 95)),
            "p99": ms(percentile(latencies, 99)),
            "max": ms(latencies[-1] if latencies else None),
            "mean": ms(sum(latencies) / len(latencies) if latencies else None),
        },
        "ack_latency_ms": {"p50": ms(percentile(acks, 50)), "p99": ms(percentile(acks, 99))},
        "send_lag_ms": {"p99": ms(percentile(lags, 99)), "max": ms(lags[-1] if lags else None)},
        "deliveries_per_s": round(phase.received / phase.duration, 1),
        "wall_s": round(phase.wall, 2),
        "server_cpu_pct": phase.server_cpu,
        "generator_cpu_pct": phase.generator_cpu,
        "core_busy_pct": phase.cores,
        "timeline": timeline(phase),
        "other_processes_cpu_pct": phase.others,
    }


def timeline(phase: Phase, bucket: float = 5.0) -> list[dict]:
    """Latency by slice of the schedule: a ramp means overload, a lone spike a stall."""
    slices: dict[int, list[float]] = defaultdict(list)
    for offset, latency in zip(phase.delivery_offsets, phase.latencies, strict=True):
        slices[int(offset // bucket)].append(latency)
    result = []
    for index in sorted(slices):
        values = sorted(slices[index])
        result.append(
            {
                "from_s": index * bucket,
                "deliveries": len(values),
                "p50_ms": ms(percentile(values, 50)),
                "p99_ms": ms(percentile(values, 99)),
                "max_ms": ms(values[-1]),
            }
        )
    return result


GENERATOR_COLLECTIONS: list[dict] = []  # this process's own collections (the load generator's pauses)
FREEZE_BEFORE_PHASES = True  # --generator-gc frozen


def record_generator_collections() -> None:
    from portal import gc_log

    def sink(start, generation, took, collected, uncollectable, young_count, young_ms):
        GENERATOR_COLLECTIONS.append(
            {
                "start": start,
                "generation": generation,
                "ms": took,
                "collected": collected,
                "uncollectable": uncollectable,
                "young_count": young_count,
                "young_ms": young_ms,
            }
        )

    gc_log.Recorder(sink).install()


def add_collections(summary: dict, phase: Phase, servers: Servers, bucket: float = 5.0) -> None:
    """The garbage collector's pauses of the server(s) and of the generator during the phase, in all and
    beside each 5-s slice of the timeline: a lone high slice with a long pause in the same slice was a
    collection, in the process named."""
    from portal import gc_log

    start, end = phase.start, phase.start + phase.wall
    sources = {"server": servers.collections(), "generator": list(GENERATOR_COLLECTIONS)}
    summary["gc"] = {name: gc_log.summarise(entries, start, end) for name, entries in sources.items()}
    for entry in summary["timeline"]:
        low = start + entry["from_s"]
        for name, entries in sources.items():
            inside = [e for e in entries if low <= e["start"] < low + bucket]
            entry[f"{name}_gc_max_ms"] = round(max((e["ms"] for e in inside), default=0.0), 1)
            entry[f"{name}_gen2"] = sum(1 for e in inside if e["generation"] == 2)


def gc_line(summary: dict, name: str) -> str:
    stats = summary.get("gc", {}).get(name)
    if not stats:
        return "—"
    return ", ".join(
        f"{label} {stats[key]['count']}× max {fmt(stats[key]['max_ms'], 1)} ms"
        for label, key in (("gen2", "gen2"), ("gen1", "gen1"), ("young ≥1 ms", "gen0"))
    )


def passes(summary: dict, target_ms: float) -> bool:
    p99 = summary["latency_ms"]["p99"]
    return (
        summary["lost"] == 0
        and not summary["errors"]
        and summary["send_failures"] == 0
        and p99 is not None
        and p99 <= target_ms
    )


# --------------------------------------------------------------------------------------------------
# Servers under test


async def measure_server(
    name: str,
    servers: Servers,
    generator: Generator,
    args,
    authenticate: bool,
    probe,
) -> dict:
    """Connects every client, measures memory, warms up, then runs the main phase."""
    for child, port in zip(servers.children, servers.ports, strict=True):
        await wait_for_port(port, child, 60)
        await probe(port)  # imports, database connection, layer connection: before the idle reading
    await asyncio.sleep(1)
    rss_idle = total_rss_kib(servers.pids)
    say(f"{name}: RSS {rss_idle / 1024:.1f} MiB idle; connecting {len(generator.clients)} clients")
    connect_s = await generator.connect_all(servers.ports, authenticate, timeout=300)
    await asyncio.sleep(2)
    rss_connected = total_rss_kib(servers.pids)
    say(
        f"{name}: {len(generator.clients)} clients connected in {connect_s:.1f} s; RSS {rss_connected / 1024:.1f} MiB "
        f"({(rss_connected - rss_idle) / len(generator.clients):.1f} KiB per connection)"
    )
    memory = {
        "rss_idle_kib": rss_idle,
        "rss_connected_kib": rss_connected,
        "per_connection_kib": round((rss_connected - rss_idle) / len(generator.clients), 1),
        "connect_all_s": round(connect_s, 2),
    }
    if args.warmup > 0:
        say(f"{name}: warm-up, {args.warmup:g} s at {args.rate:g} msg/s (not counted)")
        await generator.run_phase(f"{name[0]}w", "warm-up", args.rate, args.warmup, args.grace, servers.pids)
        await generator.drain(servers.pids, limit=60)
    say(f"{name}: measuring, {args.duration:g} s at {args.rate:g} msg/s")
    # PORTAL_PROFILE=FILE (daphne's cProfile, portal/asgi.py): what it holds is the measured run alone.
    profiling = name == "daphne" and bool(os.environ.get("PORTAL_PROFILE"))
    if profiling:
        for pid in servers.pids:
            os.kill(pid, signal.SIGUSR1)  # writes the start-up and warm-up, and starts again
    phase = await generator.run_phase(f"{name[0]}m", "main", args.rate, args.duration, args.grace, servers.pids)
    drained = await generator.drain(servers.pids, limit=180)
    if profiling:
        for pid in servers.pids:
            os.kill(pid, signal.SIGUSR1)
        say(f"daphne: cProfile of the measured run in {os.environ['PORTAL_PROFILE']}")
    summary = summarise(phase, len(generator.clients), len(generator.by_room))
    add_collections(summary, phase, servers)
    summary["memory"] = memory
    summary["backlog_drain_s"] = drained
    print_phase_line(name, summary)
    summary["processes"] = len(servers.children)
    for child in servers.dead():
        raise BenchError(f"{name} (pid {child.pid}) died during the run:\n{log_tail(child.log)}")
    return summary


def print_phase_line(name: str, s: dict) -> None:
    lat = s["latency_ms"]
    say(
        f"{name}: {s['rate_msg_s']:g} msg/s → p50 {fmt(lat['p50'])} p95 {fmt(lat['p95'])} p99 {fmt(lat['p99'])} "
        f"max {fmt(lat['max'])} ms; lost {s['lost']}; errors {s['errors'] or 0}; "
        f"{s['deliveries_per_s']:g} deliveries/s; server CPU {s['server_cpu_pct']:g} %"
    )


async def probe_baseline(port: int) -> None:
    from websockets.asyncio.client import connect

    async with connect(f"ws://127.0.0.1:{port}/probe/", proxy=None, compression=None, open_timeout=10) as ws:
        await asyncio.wait_for(ws.recv(), 10)


async def probe_floor(port: int) -> None:
    from websockets.asyncio.client import connect

    url = f"ws://127.0.0.1:{port}/ws/workgroups/probe/"
    async with connect(url, proxy=None, compression=None, open_timeout=10) as ws:
        await asyncio.wait_for(ws.recv(), 10)


def make_daphne_probe(spec: dict):
    async def probe(port: int) -> None:
        """One signed-in client sends a message: Django, the database and the layer are all warm."""
        from websockets.asyncio.client import connect

        async with connect(
            f"ws://127.0.0.1:{port}/ws/workgroups/{spec['slug']}/",
            origin=f"http://127.0.0.1:{port}",
            additional_headers=[("Cookie", f"sessionid={spec['session']}")],
            proxy=None,
            compression=None,
            open_timeout=30,
        ) as ws:
            ready = json.loads(await asyncio.wait_for(ws.recv(), 30))
            if ready.get("type") != "ready":
                raise BenchError(f"the probe got {ready} instead of ready")
            await ws.send(json.dumps({"type": "send", "body": "Sonde du banc d'essai", "client_id": f"probe.{port}"}))
            got = set()
            deadline = now() + 30
            while got != {"message", "ack"} and now() < deadline:
                frame = json.loads(await asyncio.wait_for(ws.recv(), max(0.1, deadline - now())))
                if frame.get("type") == "error":
                    raise BenchError(f"the probe's message was refused: {frame}")
                got.add(frame.get("type"))

    return probe


async def find_knee(generator: Generator, servers: Servers, args) -> tuple[list[dict], dict]:
    clients = len(generator.clients)
    cap = math.floor(0.8 * clients * args.rate_limit_messages / args.rate_limit_window)
    rates = [rate for rate in KNEE_RATES if rate <= cap]
    if not rates or rates[-1] < cap <= KNEE_RATES[-1]:
        rates.append(cap)
    steps, best, failed_at = [], None, None
    say(
        f"knee: steps of {args.knee_duration:g} s at {', '.join(map(str, rates))} msg/s "
        f"until p99 > {P99_TARGET_MS:g} ms "
        f"or a loss (the members' rate limit caps the rate at {cap} msg/s for {clients} clients)"
    )

    async def step(rate):
        phase = await generator.run_phase(
            f"k{rate}", f"knee {rate}", rate, args.knee_duration, args.grace, servers.pids
        )
        drained = await generator.drain(servers.pids, limit=90)
        summary = summarise(phase, clients, len(generator.by_room))
        add_collections(summary, phase, servers)
        summary["passed"] = passes(summary, P99_TARGET_MS)
        summary["backlog_drain_s"] = drained
        steps.append(summary)
        print_phase_line("daphne knee", summary)
        for child in servers.dead():
            raise BenchError(f"daphne (pid {child.pid}) died during the knee search:\n{log_tail(child.log)}")
        return summary["passed"]

    for rate in rates:
        if await step(rate):
            best = rate
        else:
            failed_at = rate
            break
    if best is None:
        for rate in KNEE_RATES_BELOW:
            if await step(rate):
                best = rate
                break
            failed_at = rate
    # Refine between the last passing and the first failing rate (steps of 5 msg/s at the finest).
    for _ in range(args.knee_refine):
        if best is None or failed_at is None:
            break
        middle = round((best + failed_at) / 2 / 5) * 5
        if middle <= best or middle >= failed_at:
            break
        if await step(middle):
            best = middle
        else:
            failed_at = middle
    if best is None:
        text = f"below {KNEE_RATES_BELOW[-1]} msg/s"
    elif failed_at is None:
        text = f"at least {best} msg/s (no step failed up to the rate-limit cap)"
    else:
        text = f"{best} msg/s (p99 > {P99_TARGET_MS:g} ms or loss at {failed_at} msg/s)"
    return steps, {"knee_msg_s": best, "first_failing_msg_s": failed_at, "cap_msg_s": cap, "text": text}


def daphne_core(index: int, pin: bool) -> int | None:
    """Core of the index-th daphne process: core 0 first, then the others in turn (the generator's
    core 1 included when there are more processes than spare cores: on two cores, figures for two
    processes are indicative only)."""
    if not pin:
        return None
    cores = os.cpu_count() or 1
    return (SERVER_CORE + index) % cores


def merge_scans(scans: list[dict]) -> dict:
    """One log scan for several daphne processes: counts added up, the first traceback of any."""
    if len(scans) == 1:
        return scans[0]
    flagged: Counter = Counter()
    kinds: Counter = Counter()
    for scan in scans:
        flagged.update(scan["flagged_lines"])
        kinds.update(scan["traceback_kinds"])
    return {
        "log": ", ".join(scan["log"] for scan in scans),
        "lines": sum(scan["lines"] for scan in scans),
        "tracebacks": sum(scan["tracebacks"] for scan in scans),
        "traceback_kinds": dict(kinds.most_common(10)),
        "first_traceback": next((scan["first_traceback"] for scan in scans if scan["first_traceback"]), None),
        "flagged_lines": dict(flagged.most_common(15)),
        "over_capacity": sum(scan["over_capacity"] for scan in scans),
        "max_connections_errors": sum(scan["max_connections_errors"] for scan in scans),
        "per_process": scans,
    }


def scan_log(path: Path) -> dict:
    """Problems daphne logged: tracebacks (with their last line), errors, warnings, layer messages."""
    text = path.read_text(errors="replace") if path.exists() else ""
    lines = text.splitlines()
    tracebacks, current = [], None
    for line in lines:
        if line.startswith("Traceback (most recent call last)"):
            current = [line]
        elif current is not None:
            current.append(line)
            if line and not line.startswith((" ", "\t")) and not line.startswith(("During handling", "The above")):
                tracebacks.append(current)
                current = None
            elif line.startswith(("During handling", "The above")):
                pass
    if current:
        tracebacks.append(current)
    pattern = re.compile(
        r"error|critical|warning|exception|traceback|over capacity|too many connections|failed|refused", re.IGNORECASE
    )
    flagged = Counter(re.sub(r"\d+", "N", line.strip())[:200] for line in lines if pattern.search(line))
    return {
        "log": str(path),
        "lines": len(lines),
        "tracebacks": len(tracebacks),
        "traceback_kinds": dict(Counter(tb[-1][:200] for tb in tracebacks).most_common(10)),
        "first_traceback": "\n".join(tracebacks[0][-40:]) if tracebacks else None,
        "flagged_lines": dict(flagged.most_common(15)),
        "over_capacity": sum("over capacity" in line for line in lines),
        "max_connections_errors": sum(
            "MaxConnectionsError" in line or "Too many connections" in line for line in lines
        ),
    }


def redis_state(redis_url: str) -> dict:
    import redis

    client = redis.Redis.from_url(redis_url, socket_timeout=5, socket_connect_timeout=5)
    try:
        channels = client.pubsub_channels("asgi*")
        groups = [c for c in channels if b"__group__" in c]
        info = client.info()
        return {
            "subscribed_channels": len(channels),
            "subscribed_group_channels": len(groups),
            "connected_clients": info.get("connected_clients"),
            "redis_version": info.get("redis_version"),
            "pubsub_channels_total": info.get("pubsub_channels"),
        }
    finally:
        client.close()


# --------------------------------------------------------------------------------------------------
# Machine facts and the report


def machine_facts() -> dict:
    from importlib import metadata

    model = ""
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            model = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), "")
    except OSError:
        pass
    memory = ""
    try:
        with open("/proc/meminfo") as meminfo:
            memory = f"{int(meminfo.readline().split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    versions = {}
    for package in (
        "Django",
        "channels",
        "channels-redis",
        "daphne",
        "redis",
        "websockets",
        "Twisted",
        "autobahn",
        "asgiref",
    ):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    dirty = bool(
        subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    )
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "memory": memory,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "load_average_at_start": os.getloadavg(),
        "packages": versions,
        "git_commit": commit + (" (with uncommitted changes)" if dirty else ""),
    }


def fmt(value, digits: int = 1) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def ratio(a, b) -> str:
    if a is None or b in (None, 0):
        return "—"
    return f"×{a / b:.1f}"


def report(result: dict) -> str:
    base, daph = result.get("baseline"), result.get("daphne")
    out = []
    cfg = result["config"]
    out.append("")
    out.append(
        f"Chat benchmark — {cfg['clients']} clients in {cfg['rooms']} rooms, "
        f"{cfg['rate']:g} msg/s for {cfg['duration']:g} s "
        f"(open loop, latency from the scheduled send), {result['machine']['cores']} cores"
    )
    machine = result["machine"]
    out.append(
        f"machine: {machine.get('cpu')}, {machine.get('memory')}, kernel {machine.get('kernel')}; "
        f"{cfg['pinning']}; cores {machine.get('busy_before_pct')} % busy before the run "
        f"{machine.get('busy_before_with') or ''}"
    )
    if cfg.get("daphne_processes", 1) > 1:
        out.append(
            f"{cfg['daphne_processes']} daphne processes on cores {cfg['daphne_cores']}, clients spread over them "
            "(client i on process i mod N): server CPU and RSS are summed over the processes"
        )
    processes = cfg.get("daphne_processes", 1)
    daphne_label = "daphne" if processes == 1 else f"daphne ×{processes}"
    out.append(f"{'':34}{'baseline':>14}{daphne_label:>14}{'daphne/base':>14}")

    def row(label, getter, digits=1, with_ratio=False):
        a = getter(base) if base else None
        b = getter(daph) if daph else None
        out.append(f"{label:34}{fmt(a, digits):>14}{fmt(b, digits):>14}{(ratio(b, a) if with_ratio else ''):>14}")

    row("messages sent", lambda s: s["sent"])
    row("expected deliveries", lambda s: s["expected_deliveries"])
    row("delivered within grace", lambda s: s["delivered"])
    row("LOST (must be 0)", lambda s: s["lost"])
    row("late (after grace)", lambda s: s["late_after_grace"])
    row("duplicates", lambda s: s["duplicates"])
    row("acks received", lambda s: s["acks"])
    row("error frames", lambda s: sum(s["errors"].values()))
    row("latency p50 (ms)", lambda s: s["latency_ms"]["p50"], 2, True)
    row("latency p95 (ms)", lambda s: s["latency_ms"]["p95"], 2, True)
    row("latency p99 (ms)", lambda s: s["latency_ms"]["p99"], 2, True)
    row("latency max (ms)", lambda s: s["latency_ms"]["max"], 2, True)
    row("ack latency p99 (ms)", lambda s: s["ack_latency_ms"]["p99"], 2, True)
    row("deliveries/s", lambda s: s["deliveries_per_s"])
    row("server CPU (% of one core)", lambda s: s["server_cpu_pct"], 1, True)
    row("server CPU ms per message", lambda s: s.get("cpu_ms_per_message"), 3, True)
    row("server CPU ms per delivery", lambda s: s.get("cpu_ms_per_delivery"), 3, True)
    row("server RSS idle (MiB)", lambda s: s["memory"]["rss_idle_kib"] / 1024)
    row("server RSS, clients on (MiB)", lambda s: s["memory"]["rss_connected_kib"] / 1024)
    row("memory per connection (KiB)", lambda s: s["memory"]["per_connection_kib"], 1, True)
    row("connecting all clients (s)", lambda s: s["memory"]["connect_all_s"], 2)
    row("backlog drained after (s)", lambda s: s.get("backlog_drain_s"))
    row("generator CPU (% of one core)", lambda s: s["generator_cpu_pct"])
    row("generator send lag p99 (ms)", lambda s: s["send_lag_ms"]["p99"], 2)
    row("core 0 busy (%)", lambda s: s["core_busy_pct"].get("cpu0"))
    row("core 1 busy (%)", lambda s: s["core_busy_pct"].get("cpu1"))
    for name in ("baseline", "daphne"):
        if result.get(name):
            timeline = result[name]["timeline"]
            slices = " ".join(fmt(entry["p99_ms"], 0) for entry in timeline)
            out.append(f"{name} p99 (ms) per 5 s of the run: {slices}")
            for who in ("server", "generator"):
                if timeline and f"{who}_gc_max_ms" in timeline[0]:
                    pauses = " ".join(
                        f"{entry[f'{who}_gc_max_ms']:.0f}{'*' * entry[f'{who}_gen2']}" for entry in timeline
                    )
                    out.append(f"  {who}'s longest GC pause (ms) per 5 s, * = a full collection: {pauses}")
            for who in ("server", "generator"):
                out.append(f"  {who}'s collections during the run: {gc_line(result[name], who)}")
    persistence = result.get("database", {}).get("persistence")
    if persistence:
        out.append(
            "persistence step alone (services.message_send in-process, broadcast stubbed, "
            f"{persistence['calls']} calls): "
            f"wall p50 {persistence['wall_ms_p50']} ms, p95 {persistence['wall_ms_p95']} ms, "
            f"CPU {persistence['cpu_ms_mean']} ms per call → one database thread persists at most "
            f"~{persistence['one_thread_ceiling_msg_s']} msg/s"
            + (" (one statement)" if persistence.get("one_statement") else "")
        )
        before = persistence.get("transaction_path")
        if before:
            out.append(
                f"  the transaction path in the same run (PORTAL_ONE_STATEMENT_SEND=0, calls interleaved): "
                f"wall p50 {before['wall_ms_p50']} ms, p95 {before['wall_ms_p95']} ms, "
                f"CPU {before['cpu_ms_mean']} ms per call"
            )
    for name in ("baseline", "daphne"):
        if result.get(name):
            others = ", ".join(f"{k} {v:g} %" for k, v in result[name]["other_processes_cpu_pct"].items()) or "none"
            out.append(f"other processes' CPU during the {name} run: {others}")
    if daph and daph["errors"]:
        out.append(f"daphne error frames by code: {daph['errors']}")
    knee = result.get("knee")
    if knee:
        out.append("")
        out.append(f"Knee search on daphne ({cfg['knee_duration']:g} s steps, same {cfg['clients']} connections):")
        out.append(
            f"{'msg/s':>7}{'deliv/s':>9}{'p50':>9}{'p95':>9}{'p99':>9}{'max':>9}"
            f"{'lost':>7}{'late':>6}{'errors':>8}{'CPU %':>7}{'gen %':>7}{'drain s':>8}  ok"
        )
        for s in knee["steps"]:
            lat = s["latency_ms"]
            out.append(
                f"{s['rate_msg_s']:>7g}{s['deliveries_per_s']:>9g}"
                f"{fmt(lat['p50'], 1):>9}{fmt(lat['p95'], 1):>9}{fmt(lat['p99'], 1):>9}"
                f"{fmt(lat['max'], 1):>9}{s['lost']:>7}{s['late_after_grace']:>6}{sum(s['errors'].values()):>8}"
                f"{s['server_cpu_pct']:>7g}{s['generator_cpu_pct']:>7g}{s['backlog_drain_s']:>8g}"
                f"  {'yes' if s['passed'] else 'NO'}"
            )
        for s in knee["steps"]:
            slices = " ".join(
                f"{fmt(entry['p99_ms'], 0)}"
                f"[{entry.get('server_gc_max_ms', 0):.0f}{'*' * entry.get('server_gen2', 0)}"
                f"/{entry.get('generator_gc_max_ms', 0):.0f}{'*' * entry.get('generator_gen2', 0)}]"
                for entry in s["timeline"]
            )
            out.append(f"{s['rate_msg_s']:>7g} msg/s p99 per 5 s [longest GC pause, server/generator]: {slices}")
        out.append(f"knee: {knee['result']['text']}")
    disconnect = result.get("mass_disconnect")
    if disconnect:
        out.append("")
        out.append(
            f"Mass disconnect of {disconnect['clients']} daphne clients at once: {disconnect['seconds']} s, "
            f"close codes {disconnect['close_codes']}; Redis afterwards: {disconnect['redis_after']}"
        )
        out.append(f"daphne RSS after the disconnect: {disconnect['rss_after_kib'] / 1024:.1f} MiB")
    log = result.get("daphne_log")
    if log:
        out.append(
            f"daphne log ({log['log']}): {log['tracebacks']} tracebacks, {log['over_capacity']} 'over capacity', "
            f"{log['max_connections_errors']} MaxConnectionsError"
        )
        for line, count in log["flagged_lines"].items():
            out.append(f"  {count:>5} × {line}")
        if log["first_traceback"]:
            out.append("  first traceback:")
            out.extend("    " + line for line in log["first_traceback"].splitlines())
    gen = result.get("generator")
    if gen:
        out.append(
            f"client side: {gen['unexpected_closes']} unexpected closes, {gen['sequence_gaps']} sequence gaps, "
            f"{gen['out_of_order']} out-of-order, {gen['foreign_frames']} foreign message frames, "
            f"errors outside phases {gen['errors_outside']}, other frames {gen['other_frames']}"
        )
        if gen.get("sequence_gaps"):
            out.append(f"  sequence gaps by phase: {gen['sequence_gaps_by_phase']}; the first ones:")
            out.extend(f"    {example}" for example in gen["gap_examples"])
    for key in ("floor_local", "floor"):
        floor = result.get(key)
        if not floor or floor.get("cpu_ms_per_delivery") is None:
            continue
        out.append(
            f"floor (daphne, Channels and the fan-out through {'Redis' if floor['fan_out'] == 'redis' else 'memory'}, "
            "none of the chat's work, benchmarks/chat_floor.py): "
            f"{floor['lost']} lost, p99 {fmt(floor['latency_ms']['p99'], 2)} ms, "
            f"CPU {floor['cpu_ms_per_delivery']:.3f} ms a delivery ({floor['cpu_ms_per_message']:.3f} a message), "
            f"{floor['memory']['per_connection_kib']:g} KiB a connection"
        )
        if daph and daph.get("cpu_ms_per_message") is not None:
            out.append(
                f"  daphne − this floor: {daph['cpu_ms_per_message'] - floor['cpu_ms_per_message']:.3f} "
                f"ms of CPU a message; daphne/floor {ratio(daph['cpu_ms_per_delivery'], floor['cpu_ms_per_delivery'])}"
            )
    if daph and base:
        verdict = []
        p99 = daph["latency_ms"]["p99"]
        verdict.append(
            f"p99 {fmt(p99, 1)} ms {'<' if p99 is not None and p99 < P99_TARGET_MS else '≥'} "
            f"{P99_TARGET_MS:g} ms target"
        )
        verdict.append("no loss" if daph["lost"] == 0 else f"{daph['lost']} LOST")
        out.append("")
        out.append("verdict at the target load: " + ", ".join(verdict))
    return "\n".join(out)


# --------------------------------------------------------------------------------------------------
# Main


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="Websocket chat benchmark: daphne + Redis pub/sub layer against a bare websockets server.",
        epilog="Needs DATABASE_URL and REDIS_URL: run it through `./run bench chat [options]`.",
    )
    parser.add_argument("--clients", type=int, default=None, help="connected clients (default 500; --quick: 100)")
    parser.add_argument("--rooms", type=int, default=25, help="workgroups the clients are spread over (default 25)")
    parser.add_argument(
        "--rate", type=float, default=None, help="messages per second in total (default 100; --quick: 50)"
    )
    parser.add_argument(
        "--duration", type=float, default=None, help="seconds of the measured run (default 60; --quick: 10)"
    )
    parser.add_argument(
        "--warmup", type=float, default=None, help="seconds of unmeasured load before each run (default 3; --quick: 2)"
    )
    parser.add_argument(
        "--grace", type=float, default=5.0, help="seconds to wait for late deliveries after a run (default 5)"
    )
    parser.add_argument(
        "--knee",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="search the knee after the main run (default: yes)",
    )
    parser.add_argument(
        "--knee-duration", type=float, default=None, help="seconds of each knee step (default 15; --quick: 5)"
    )
    parser.add_argument(
        "--knee-refine",
        type=int,
        default=None,
        help="extra steps bisecting between the last passing and the first failing rate (default 3; --quick: 1)",
    )
    parser.add_argument(
        "--no-baseline", dest="baseline", action="store_false", help="skip the bare websockets baseline"
    )
    parser.add_argument(
        "--floor",
        nargs="?",
        const="redis",
        choices=("redis", "local", "both"),
        help="also measure daphne serving benchmarks/chat_floor.py: the portal's websocket stack and fan-out "
        "with none of the chat's own work (no sign-in, validation, rate limit nor database); "
        "`--floor local`: without Redis too (the fan-out delivers in the process); `--floor both`: the two",
    )
    parser.add_argument(
        "--settle",
        type=float,
        default=90.0,
        help="at most this many seconds to wait for the cores to be quiet before measuring (default 90)",
    )
    parser.add_argument(
        "--settings",
        default=SETTINGS,
        help=f"Django settings of daphne and of the data preparation (default {SETTINGS}; "
        "portal.settings.test runs background tasks inline, in daphne's database thread)",
    )
    parser.add_argument(
        "--processes",
        type=int,
        default=1,
        help="daphne processes sharing the Redis layer, clients spread over them (default 1)",
    )
    parser.add_argument(
        "--reconnect",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="after the mass disconnect, post messages, reconnect every client and resume (default: yes)",
    )
    parser.add_argument(
        "--away-messages",
        type=int,
        default=3,
        help="messages posted to each room while the clients are away (default 3)",
    )
    parser.add_argument(
        "--generator-gc",
        choices=("frozen", "default"),
        default="frozen",
        help="frozen (default): the load generator freezes what it holds before each phase, so its own full "
        "collections stay short; default: Python's collector as is (the runs before 6 December 2026)",
    )
    parser.add_argument("--quick", action="store_true", help="a smoke run: 100 clients, 50 msg/s, 10 s, 5 s knee steps")
    parser.add_argument(
        "--output",
        type=Path,
        default=None,
        help="where to write the JSON figures (default benchmarks/results/chat-<date>.json)",
    )
    parser.add_argument("--serve-baseline", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    quick = args.quick
    for name, full, small in (
        ("clients", 500, 100),
        ("rate", 100.0, 50.0),
        ("duration", 60.0, 10.0),
        ("warmup", 3.0, 2.0),
        ("knee_duration", 15.0, 5.0),
        ("knee_refine", 3, 1),
    ):
        if getattr(args, name) is None:
            setattr(args, name, small if quick else full)
    if args.clients < 1 or args.rooms < 1 or args.rooms > args.clients:
        parser.error("need at least one client per room")
    if args.processes < 1:
        parser.error("--processes must be at least 1")
    if args.rate <= 0 or args.duration <= 0 or args.knee_duration <= 0:
        parser.error("--rate, --duration and --knee-duration must be positive")
    return args


async def amain(args, result: dict) -> None:
    redis_url = os.environ.get("REDIS_URL")
    database_url = os.environ.get("DATABASE_URL")
    if not redis_url or not database_url:
        raise BenchError("DATABASE_URL and REDIS_URL must be set: run `./run bench chat`, which starts the servers.")
    for url in (redis_url, database_url):
        host = re.sub(r"^[a-z]+://([^@/]*@)?", "", url).split("/")[0].rsplit(":", 1)[0]
        if host not in ("127.0.0.1", "localhost"):
            raise BenchError(f"the benchmark only runs against servers on 127.0.0.1, not {url}")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": args.settings, "PYTHONUNBUFFERED": "1"}
    os.environ["DJANGO_SETTINGS_MODULE"] = args.settings
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    pin = (os.cpu_count() or 1) >= 2
    result.update(
        {
            "benchmark": "chat",
            "started": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
            "config": {
                "clients": args.clients,
                "rooms": args.rooms,
                "rate": args.rate,
                "duration": args.duration,
                "warmup": args.warmup,
                "grace": args.grace,
                "knee": args.knee,
                "knee_duration": args.knee_duration,
                "knee_refine": args.knee_refine,
                "quick": args.quick,
                "p99_target_ms": P99_TARGET_MS,
                "pinning": f"servers on core {SERVER_CORE}, generator on core {GENERATOR_CORE}"
                if pin
                else "none (one core)",
                "layer": "channels_redis.pubsub.RedisPubSubChannelLayer",
                "daphne_processes": args.processes,
                "daphne_cores": [daphne_core(index, pin) for index in range(args.processes)],
                "settings": args.settings,
            },
            "machine": machine_facts(),
        }
    )
    say(
        f"machine: {result['machine']['cores']} cores ({result['machine']['cpu']}), load average "
        f"{' '.join(f'{x:.2f}' for x in result['machine']['load_average_at_start'])}"
    )
    # Django's ORM refuses to run inside an event loop: prepare the data in a worker thread.
    record_generator_collections()
    specs, facts = await asyncio.to_thread(prepare_data, args.clients, args.rooms, env)
    global FREEZE_BEFORE_PHASES
    # Django, Wagtail, the data preparation and 500 clients fill this process with objects a full
    # collection walks every time (170 ms measured): its pauses delay the reading of every frame
    # and showed as the servers' latency. Frozen before each phase (Generator.run_phase).
    FREEZE_BEFORE_PHASES = args.generator_gc == "frozen"
    result["config"]["generator_gc"] = args.generator_gc
    result["database"] = facts
    args.rate_limit_messages, args.rate_limit_window = facts["rate_limit_messages"], facts["rate_limit_window_s"]
    per_user = args.rate / args.clients * args.rate_limit_window
    if per_user >= 0.9 * args.rate_limit_messages:
        raise BenchError(
            f"{args.rate:g} msg/s over {args.clients} clients is {per_user:.1f} messages per user per "
            f"{args.rate_limit_window:g} s: the portal's rate limit ({args.rate_limit_messages}) would refuse some. "
            "Lower --rate or raise --clients."
        )
    # Elasticsearch, started with the other servers though unused here, keeps a core busy for a
    # while after it reports ready; the migration too. Wait (bounded) for the cores to calm down.
    waited = now()
    while True:
        busy, busy_with = await asyncio.to_thread(machine_busy, 3.0)
        if busy <= QUIET_BUSY_PCT or now() - waited > args.settle:
            break
        say(f"waiting for the machine to settle: cores {busy:g} % busy ({busy_with})")
    result["machine"]["busy_before_pct"] = busy
    result["machine"]["busy_before_with"] = busy_with
    result["machine"]["settle_wait_s"] = round(now() - waited, 1)
    if busy > QUIET_BUSY_PCT:
        say(
            f"WARNING: the cores are still {busy:g} % busy after {args.settle:g} s ({busy_with}): "
            "the figures will be off; run the benchmark on a quiet machine"
        )
    say(
        f"data ready in {facts['setup_s']} s ({facts['database']}); "
        f"{per_user:.1f} messages per user per {args.rate_limit_window:g} s"
    )
    if pin:
        os.sched_setaffinity(0, {GENERATOR_CORE})
    server_core = SERVER_CORE if pin else None

    # --- baseline --------------------------------------------------------------------------------
    if args.baseline:
        port = free_port()
        baseline_gc = LOG_DIR / f"chat-{stamp}-baseline-gc.log"
        child = start_child(
            "baseline",
            [sys.executable, str(Path(__file__).resolve()), "--serve-baseline", str(port)],
            {**env, "PORTAL_GC_LOG": str(baseline_gc)},
            LOG_DIR / f"chat-{stamp}-baseline.log",
            server_core,
        )
        say(f"baseline: bare websockets server, pid {child.pid}, port {port}")
        generator = Generator(specs, args.rooms)
        try:
            result["baseline"] = await measure_server(
                "baseline", Servers("baseline", [child], [port], [baseline_gc]), generator, args, False, probe_baseline
            )
            result["baseline"]["disconnect"] = await generator.close_all(60)
        finally:
            child.stop()
            CHILDREN.remove(child)
        await asyncio.sleep(1)

    # --- the floor: daphne and Channels with none of the chat's work (benchmarks/chat_floor.py) --
    for mode in ("local", "redis") if args.floor == "both" else (args.floor,) if args.floor else ():
        port = free_port()
        floor_gc = LOG_DIR / f"chat-{stamp}-floor-{mode}-gc.log"
        command = daphne_command(port, "benchmarks.chat_floor:application")
        floor_env = {**env, "PORTAL_GC_LOG": str(floor_gc)}
        if mode == "local":  # the in-memory channel layer: the fan-out delivers within the process
            floor_env = {key: value for key, value in floor_env.items() if key not in ("REDIS_URL", "CACHE_URL")}
        child = start_child("floor", command, floor_env, LOG_DIR / f"chat-{stamp}-floor-{mode}.log", server_core)
        say(f"floor: daphne serving benchmarks/chat_floor.py ({mode}), pid {child.pid}, port {port}")
        generator = Generator(specs, args.rooms)
        try:
            result[FLOOR_KEYS[mode]] = {"fan_out": mode} | await measure_server(
                "floor", Servers("floor", [child], [port], [floor_gc]), generator, args, False, probe_floor
            )
            await generator.close_all(60)
        finally:
            child.stop()
            CHILDREN.remove(child)
        await asyncio.sleep(1)

    # --- daphne ----------------------------------------------------------------------------------
    children, ports, daphne_logs, gc_logs = [], [], [], []
    for index in range(args.processes):
        port = free_port()
        suffix = "" if args.processes == 1 else f"-{index + 1}"
        daphne_log = LOG_DIR / f"chat-{stamp}-daphne{suffix}.log"
        gc_logs.append(LOG_DIR / f"chat-{stamp}-daphne{suffix}-gc.log")
        child = start_child(
            f"daphne{suffix}",
            daphne_command(
                port,
                "portal.asgi:application",
                "--access-log",
                str(LOG_DIR / f"chat-{stamp}-daphne{suffix}-access.log"),
            ),
            {**env, "PORTAL_GC_LOG": str(gc_logs[-1])},
            daphne_log,
            daphne_core(index, pin),
        )
        children.append(child)
        ports.append(port)
        daphne_logs.append(daphne_log)
        core = daphne_core(index, pin)
        say(
            f"daphne{suffix}: pid {child.pid}, port {port}, "
            f"{'core ' + str(core) if core is not None else 'not pinned'}, log {daphne_log.relative_to(ROOT)}"
        )
    servers = Servers("daphne", children, ports, gc_logs)
    generator = Generator(specs, args.rooms)
    try:
        result["redis_before"] = redis_state(redis_url)
        result["daphne"] = await measure_server("daphne", servers, generator, args, True, make_daphne_probe(specs[0]))
        if args.knee:
            steps, knee = await find_knee(generator, servers, args)
            result["knee"] = {"steps": steps, "result": knee}
            say(f"knee: {knee['text']}")
        result["redis_connected"] = redis_state(redis_url)
        say(f"daphne: disconnecting all {len(generator.clients)} clients at once")
        disconnect = await generator.close_all(60)
        await asyncio.sleep(5)
        disconnect["redis_after"] = redis_state(redis_url)
        disconnect["rss_after_kib"] = total_rss_kib(servers.pids) if servers.alive() else None
        disconnect["daphne_alive"] = servers.alive()
        result["mass_disconnect"] = disconnect
        if args.reconnect:
            say(f"daphne: {args.away_messages} messages a room while away, then all clients reconnect and resume")
            resume = await reconnect_and_resume(generator, servers, args.away_messages, redis_url)
            result["reconnect_resume"] = resume
            say(
                f"reconnect: {resume['resumed']} of {resume['clients']} resumed "
                f"({resume['resumed_complete']} complete) in {resume['reconnect_and_resume_s']} s, "
                f"{resume['clients_behind_their_room']} behind, {resume['sequence_gaps']} gaps, "
                f"{resume['out_of_order']} out of order; Redis after: {resume['redis_after']}; "
                f"daphne RSS {(resume['rss_after_kib'] or 0) / 1024:.1f} MiB after closing them again"
            )
    finally:
        result["generator"] = {
            "unexpected_closes": dict(generator.unexpected_closes),
            "sequence_gaps": generator.gaps,
            "sequence_gaps_by_phase": dict(generator.gaps_by_phase),
            "gap_examples": generator.gap_examples,
            "out_of_order": generator.out_of_order,
            "foreign_frames": generator.foreign,
            "errors_outside": dict(generator.errors_outside),
            "other_frames": dict(generator.other_frames),
        }
        if any(client.ws is not None for client in generator.clients):
            try:
                await generator.close_all(30)
            except (TimeoutError, Exception) as problem:  # noqa: BLE001 - cleaning up
                say(f"closing the remaining clients failed: {problem!r}")
        for task in list(generator.pending_sends):
            task.cancel()
        servers.stop()
        result["daphne_log"] = merge_scans([scan_log(log) for log in daphne_logs])
    for name in ("baseline", "floor_local", "floor", "daphne"):
        summary = result.get(name)
        if summary and summary["delivered"]:
            cpu_s = summary["server_cpu_pct"] / 100.0 * summary["wall_s"]
            summary["cpu_ms_per_delivery"] = round(1000.0 * cpu_s / summary["delivered"], 3)
            summary["cpu_ms_per_message"] = round(1000.0 * cpu_s / summary["sent"], 3)


def main(argv=None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.serve_baseline:
        if os.environ.get("PORTAL_GC_LOG"):
            from portal import gc_log

            gc_log.install(os.environ["PORTAL_GC_LOG"])
        asyncio.run(serve_baseline(args.serve_baseline))
        return 0

    def terminate(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, terminate)
    started = now()
    result: dict = {}
    status = 0
    try:
        asyncio.run(amain(args, result))
    except KeyboardInterrupt:
        say("interrupted: stopping the servers this benchmark started")
        result["error"] = "interrupted"
        status = 130
    except BenchError as problem:
        say(f"FAILED: {problem}")
        result["error"] = str(problem)
        status = 1
    except Exception as problem:  # noqa: BLE001 - report what was measured before the failure
        import traceback

        traceback.print_exc()
        result["error"] = f"{type(problem).__name__}: {problem}"
        status = 1
    finally:
        stop_children()
    if "config" not in result or not any(key in result for key in ("baseline", "daphne")):
        return status or 1
    result["total_s"] = round(now() - started, 1)
    result.setdefault("machine", {})["load_average_at_end"] = os.getloadavg()
    print(report(result), flush=True)
    if result.get("error"):
        say(f"the run did not finish: {result['error']} (figures above are partial)")
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    output = (
        args.output
        or RESULTS_DIR
        / f"chat-{datetime.datetime.now(datetime.UTC):%Y%m%d-%H%M%S}{'-quick' if args.quick else ''}.json"
    )
    output.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    say(
        f"figures written to {output.relative_to(ROOT) if output.is_relative_to(ROOT) else output}; "
        f"total {result['total_s']} s"
    )
    return status


if __name__ == "__main__":
    sys.exit(main())
