"""Newsletter benchmark: one issue sent to 10,000 recipients through a real SMTP server on loopback.

Run it with `./run bench newsletter [--quick]` (which starts PostgreSQL and sets DATABASE_URL); see
benchmarks/README.md for how to read the figures.

What it does, in one run:
  1. prepares its own data in the database of DATABASE_URL (benchmarks.settings): migrate, then
     N confirmed public subscribers (`bench-nl-*@bench.invalid`) and one issue for them, built from
     the site's blocks; earlier benchmark rows are deleted first;
  2. starts an aiosmtpd server in its own process (this file with --serve-smtp PORT) that accepts
     every message and counts them (--pin puts it on core 0 and the sender on core 1; by default
     nothing is pinned, as PostgreSQL needs a core too);
  3. baseline: this process sends N copies of one pre-built message with bare smtplib over one
     connection to that server (no database, no Django, no rendering): what the SMTP server and
     the loopback give for free;
  4. the portal: `newsletter_start` (freeze the content, one Delivery row per recipient), then the
     worker's own loop, `newsletter_deliver` batch after batch (the path of the `send_newsletter`
     task: claim each row, build its message with its own signed unsubscribe link, send it, mark it
     sent) over 4 SMTP connections, in this process; its resident memory is read every 500 messages;
  5. checks that the server received exactly N messages and that every Delivery row is sent.

Target (issue 8): at least 200 messages/s with constant memory. The figures depend on the machine
and on what else runs on it: the load average is recorded with them, and they are indicative.
"""

# ruff: noqa: S603, S607  (runs this project's own commands: python, taskset, git)
from __future__ import annotations

import argparse
import datetime
import email.policy
import json
import os
import signal
import smtplib
import subprocess
import sys
import time
from email.message import EmailMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as benchmarks/newsletter.py: the project's packages are one level up

from benchmarks.chat import (  # noqa: E402 - after the path above
    cpu_seconds,
    free_port,
    log_tail,
    machine_busy,
    machine_facts,
    rss_kib,
    say,
    start_child,
    stop_children,
)

RESULTS_DIR = ROOT / "benchmarks" / "results"
LOG_DIR = ROOT / "var" / "bench"
SETTINGS = "benchmarks.settings"
EMAIL_DOMAIN = "bench.invalid"
PREFIX = "bench-nl-"
TARGET_RATE = 200.0
SERVER_CORE, SENDER_CORE = 0, 1
QUIET_BUSY_PCT = 10.0


# --------------------------------------------------------------------------------------------------
# The SMTP server (a separate process): accepts everything, counts, prints the count on SIGTERM.


def serve_smtp(port: int) -> None:
    from aiosmtpd.controller import Controller

    class Counter:
        count = 0
        size = 0

        async def handle_DATA(self, server, session, envelope):
            Counter.count += len(envelope.rcpt_tos)
            Counter.size += len(envelope.content)
            return "250 OK"

    controller = Controller(Counter(), hostname="127.0.0.1", port=port)
    controller.start()
    print(f"ready {port}", flush=True)
    stop = {"now": False}
    signal.signal(signal.SIGTERM, lambda *_: stop.update(now=True))
    try:
        while not stop["now"]:
            time.sleep(0.1)
    finally:
        controller.stop()
        print(f"received {Counter.count} {Counter.size}", flush=True)


def wait_ready(log: Path, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if "ready" in log.read_text(errors="replace"):
            return
        time.sleep(0.05)
    raise RuntimeError(f"the SMTP server did not start:\n{log_tail(log)}")


def received_count(log: Path) -> tuple[int, int]:
    for line in reversed(log.read_text(errors="replace").splitlines()):
        if line.startswith("received "):
            _word, count, size = line.split()
            return int(count), int(size)
    return -1, -1


# --------------------------------------------------------------------------------------------------
# Data


def django_setup(port: int) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS  # ./run bench exports the test settings: not these
    import django

    django.setup()
    from django.conf import settings

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""


def prepare_data(recipients: int):
    from django.core.management import call_command
    from django.utils import timezone

    from cms.newsletters.models import Audience, Newsletter, Subscriber, Unsubscription

    call_command("migrate", verbosity=0)
    Newsletter.objects.filter(slug__startswith=PREFIX).delete()
    Subscriber.objects.filter(email__endswith="@" + EMAIL_DOMAIN).delete()
    Unsubscription.objects.filter(email__endswith="@" + EMAIL_DOMAIN).delete()
    # Real subscribers outside the benchmark would receive the issue too: refuse to run among them.
    others = Subscriber.objects.filter(confirmed_at__isnull=False).exclude(email__endswith="@" + EMAIL_DOMAIN)
    if others.exists():
        raise SystemExit("This database has real confirmed subscribers: run the benchmark on a throw-away one.")
    now = timezone.now()
    Subscriber.objects.bulk_create(
        [Subscriber(email=f"{PREFIX}{n:05d}@{EMAIL_DOMAIN}", name=f"Abonné {n}", confirmed_at=now)
         for n in range(recipients)],
        batch_size=2000,
    )  # fmt: skip
    body = [
        {"type": "text", "value": "<h2>Trois tournées mutualisées</h2><p>Six producteurs partagent leurs "
                                  "tournées : <b>−30 % de kilomètres</b>.</p>" * 3},
        {"type": "quote", "value": {"text": "Seuls, nous n'aurions jamais pu livrer les collèges.",
                                    "author": "Une maraîchère", "role": "Axe Alimentation durable"}},
        {"type": "call_to_action", "value": {"title": "Assises du pôle", "text": "Le 12 décembre.",
                                             "button_label": "S'inscrire", "page": None,
                                             "url": "https://example.org/assises"}},
    ]  # fmt: skip
    stamp = datetime.datetime.now().strftime("%Y%m%d%H%M%S")
    return Newsletter.objects.create(
        title="La lettre du pôle — banc d'essai", slug=f"{PREFIX}{stamp}", audience=Audience.SUBSCRIBERS,
        intro="Bonjour à toutes et à tous,", body=body,
    )  # fmt: skip


def organiser():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(is_superuser=True).first() or get_user_model().objects.create_superuser(
        "bench-nl-admin", f"admin@{EMAIL_DOMAIN}", None
    )


# --------------------------------------------------------------------------------------------------
# Runs


def run_baseline(port: int, recipients: int, html: str, text: str) -> dict:
    """The same issue's two parts, built once into one message sent to everyone: no per-recipient work."""
    message = EmailMessage()
    message["Subject"] = "La lettre du pôle — banc d'essai"
    message["From"] = "no-reply@ptce.example"
    message["To"] = "placeholder@bench.invalid"
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    data = message.as_bytes(policy=email.policy.SMTP)  # CRLF line ends, as Django sends them
    start, cpu0 = time.perf_counter(), cpu_seconds(os.getpid())
    with smtplib.SMTP("127.0.0.1", port) as client:
        for n in range(recipients):
            client.sendmail("no-reply@ptce.example", [f"{PREFIX}{n:05d}@{EMAIL_DOMAIN}"], data)
    wall = time.perf_counter() - start
    return {"messages": recipients, "seconds": round(wall, 2), "per_second": round(recipients / wall, 1),
            "sender_cpu_pct": round(100 * (cpu_seconds(os.getpid()) - cpu0) / wall, 1)}  # fmt: skip


def run_portal(newsletter, recipients: int, batch: int, connections: int) -> dict:
    from cms.newsletters import services
    from cms.newsletters.models import DeliveryStatus

    start = time.perf_counter()
    queued = services.newsletter_start(newsletter=newsletter, by=organiser())
    prepare_seconds = time.perf_counter() - start
    samples: list[tuple[int, int]] = [(0, rss_kib(os.getpid()))]
    sent_so_far = {"n": 0}

    def on_sent(_delivery_id):
        sent_so_far["n"] += 1
        if sent_so_far["n"] % 500 == 0:
            samples.append((sent_so_far["n"], rss_kib(os.getpid())))

    start, cpu0 = time.perf_counter(), cpu_seconds(os.getpid())
    batches = 0
    while True:
        result = services.newsletter_deliver(
            newsletter_id=newsletter.pk, limit=batch, on_sent=on_sent, enqueue_next=False, connections=connections
        )
        batches += 1
        if not result["remaining"] or not result["sent"] + result["failed"]:
            break
    wall = time.perf_counter() - start
    cpu = cpu_seconds(os.getpid()) - cpu0
    counts = {status: newsletter.deliveries.filter(status=status).count() for status in DeliveryStatus.values}
    rss = [kib for _n, kib in samples]
    first_tenth = next((kib for n, kib in samples if n >= recipients // 10), rss[0])
    return {
        "queued": queued,
        "prepare_seconds": round(prepare_seconds, 2),
        "send_seconds": round(wall, 2),
        "per_second": round(counts[DeliveryStatus.SENT] / wall, 1) if wall else None,
        "sender_cpu_pct": round(100 * cpu / wall, 1) if wall else None,
        "cpu_ms_per_message": round(1000 * cpu / max(counts[DeliveryStatus.SENT], 1), 2),
        "batches": batches,
        "deliveries": counts,
        "rss_kib_samples": samples,
        "rss_mib_start": round(rss[0] / 1024, 1),
        "rss_mib_after_first_tenth": round(first_tenth / 1024, 1),
        "rss_mib_end": round(rss[-1] / 1024, 1),
        # Growth over the last 90 % of the run: constant memory means close to zero.
        "rss_growth_mib_last_90pct": round((rss[-1] - first_tenth) / 1024, 1),
    }


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def wait_quiet(settle: float) -> dict:
    deadline = time.monotonic() + settle
    busy, others = machine_busy(2.0)
    while busy > QUIET_BUSY_PCT and time.monotonic() < deadline:
        busy, others = machine_busy(2.0)
    if busy > QUIET_BUSY_PCT:
        say(f"warning: the cores are still {busy:.0f} % busy (others: {others}); the figures are less reliable")
    return {"busy_pct_before": busy, "others_before": others, "quiet": busy <= QUIET_BUSY_PCT}


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: 1,000 recipients, no settling wait")
    parser.add_argument("--recipients", type=int, help="recipients (10,000; --quick 1,000)")
    parser.add_argument("--batch", type=int, default=500, help="messages per task batch (NEWSLETTER_BATCH_SIZE)")
    parser.add_argument("--connections", type=int, default=4, help="SMTP connections (NEWSLETTER_SMTP_CONNECTIONS)")
    parser.add_argument("--no-baseline", action="store_true", help="skip the bare smtplib run")
    parser.add_argument(
        "--pin", action="store_true", help="pin the SMTP server to core 0 and the sender to core 1 (PostgreSQL floats)"
    )
    parser.add_argument("--settle", type=float, help="at most this long to wait for quiet cores (60; --quick 5)")
    parser.add_argument("--output", type=Path, help="JSON results (benchmarks/results/newsletter-<date>.json)")
    parser.add_argument("--serve-smtp", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.recipients is None:
        args.recipients = 1000 if args.quick else 10_000
    if args.settle is None:
        args.settle = 5.0 if args.quick else 60.0
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.serve_smtp:
        serve_smtp(args.serve_smtp)
        return 0
    database = os.environ.get("DATABASE_URL", "")
    if "@127.0.0.1" not in database and "@localhost" not in database:
        raise SystemExit("DATABASE_URL must point at a throw-away PostgreSQL on 127.0.0.1 (./run bench does that).")
    two_cores = (os.cpu_count() or 1) >= 2 and args.pin
    if two_cores:
        os.sched_setaffinity(0, {SENDER_CORE})
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    result = {
        "benchmark": "newsletter",
        "date": stamp,
        "quick": args.quick,
        "recipients": args.recipients,
        "batch": args.batch,
        "machine": machine_facts(),
        "uptime": uptime(),
    }
    say(f"load: {result['uptime']}")

    port = free_port()
    log = LOG_DIR / f"newsletter-{stamp}-smtp.log"
    server = start_child("smtp", [sys.executable, "benchmarks/newsletter.py", "--serve-smtp", str(port)],
                         dict(os.environ), log, SERVER_CORE if two_cores else None)  # fmt: skip
    try:
        wait_ready(log)
        django_setup(port)
        say(f"preparing {args.recipients} subscribers and one issue")
        newsletter = prepare_data(args.recipients)
        result["settle"] = wait_quiet(args.settle)

        from cms.newsletters import rendering

        html, text = rendering.layout(newsletter, *rendering.render_content(newsletter))
        if not args.no_baseline:
            say("baseline: bare smtplib, one pre-built message")
            result["baseline"] = run_baseline(port, args.recipients, html, text)
            say(f"  {result['baseline']['per_second']} msg/s")
        say(f"portal: newsletter_start, then newsletter_deliver ({args.batch} a batch, {args.connections} connections)")
        result["portal"] = run_portal(newsletter, args.recipients, args.batch, args.connections)
        result["uptime_after"] = uptime()
    finally:
        server.stop()
        stop_children()
    count, size = received_count(log)
    baseline_messages = result.get("baseline", {}).get("messages", 0)
    result["server_received"] = count
    result["server_received_from_portal"] = count - baseline_messages
    result["exactly_once"] = (count - baseline_messages) == args.recipients == result["portal"]["deliveries"]["sent"]
    portal = result["portal"]
    result["meets_target"] = bool(portal["per_second"] and portal["per_second"] >= TARGET_RATE)

    output = args.output or RESULTS_DIR / f"newsletter-{stamp}{'-quick' if args.quick else ''}.json"
    output.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    base = result.get("baseline", {}).get("per_second")
    print()
    print(f"Newsletter to {args.recipients} recipients through aiosmtpd on 127.0.0.1 ({result['uptime']})")
    print(f"  preparing (freeze + {portal['queued']} delivery rows) : {portal['prepare_seconds']} s")
    print(f"  sending                                  : {portal['send_seconds']} s, {portal['per_second']} msg/s"
          f" (target ≥ {TARGET_RATE:.0f}: {'met' if result['meets_target'] else 'NOT met'})")  # fmt: skip
    if base:
        print(f"  baseline, bare smtplib                   : {base} msg/s "
              f"(portal = {portal['per_second'] / base:.0%} of it)")  # fmt: skip
    print(f"  sender CPU                               : {portal['sender_cpu_pct']} % of a core, "
          f"{portal['cpu_ms_per_message']} ms per message")  # fmt: skip
    print(f"  sender memory (RSS)                      : {portal['rss_mib_start']} MiB at start, "
          f"{portal['rss_mib_after_first_tenth']} after 10 %, {portal['rss_mib_end']} at the end "
          f"(+{portal['rss_growth_mib_last_90pct']} MiB over the last 90 %)")  # fmt: skip
    print(f"  SMTP server received                     : {result['server_received_from_portal']} from the portal, "
          f"deliveries {portal['deliveries']}, exactly once: {result['exactly_once']}")  # fmt: skip
    print(f"  results: {output.resolve().relative_to(ROOT) if output.resolve().is_relative_to(ROOT) else output}")
    return 0 if result["exactly_once"] else 1


if __name__ == "__main__":
    sys.exit(main())
