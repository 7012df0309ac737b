"""Bourse d'échanges e-mails benchmark: a 30-firm session's links, reminders and workbook e-mails
through a real SMTP server on loopback, against bare smtplib sending as many messages in the same run.

    ./run bench exchange_emails [--firms 30]

What it does, in one run:
  1. starts an aiosmtpd server in its own process (benchmarks/newsletter.py --serve-smtp PORT, which
     accepts everything and counts what it received);
  2. prepares its own rows in the database of DATABASE_URL (benchmarks.settings): migrate, then a
     session "bench-xmail-…" a fortnight ahead with N registered firms (each a contact e-mail, no
     sheet yet). Earlier benchmark rows are deleted first, so it can run again;
  3. times, through the portal's own services, as an organiser's screens call them:
       - links: each firm is sent its own link (services.link_issue, one e-mail a firm, each sent
         when its transaction commits, one SMTP connection each: what the links page does);
       - reminders: services.reminders_send, every firm being behind (no sheet filed);
       - workbooks: after the morning (the session closed and a workbook per firm stored, untimed),
         services.workbooks_send (one SMTP connection for all);
  4. baseline in the same run: bare smtplib sending the same number of messages, of the size the
     portal sent, over the same pattern of connections (one a message for the links and
     reminders, one for the workbooks), without database, templates or Django;
  5. prints seconds per step and in all, against the target (all three steps under 5 s), checks the
     SMTP server received every message exactly once, and writes the JSON to benchmarks/results/.
The machine is shared: compare the portal's time with the baseline of the same run.
"""

# ruff: noqa: S603, S607
from __future__ import annotations

import argparse
import datetime
import email.policy
import json
import os
import smtplib
import sys
import time
from email.message import EmailMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.chat import free_port, machine_facts, say, start_child, stop_children  # noqa: E402
from benchmarks.harness import django_ready, uptime  # noqa: E402
from benchmarks.newsletter import received_count, wait_ready  # noqa: E402

RESULTS_DIR = ROOT / "benchmarks" / "results"
LOG_DIR = ROOT / "var" / "bench"
PREFIX = "bench-xmail-"
EMAIL_DOMAIN = "bench.invalid"
BASE_URL = "https://ptce.example/"
TARGET_SECONDS = 5.0


def use_smtp(port: int) -> None:
    from django.conf import settings

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""


def prepare(firms: int):
    """Deletes earlier benchmark rows, then a planned session with `firms` registered firms."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from knowledge.exchange.models import ExchangeSession, Registration
    from portal.members.models import Organisation, OrganisationKind

    ExchangeSession.objects.filter(title__startswith=PREFIX).delete()
    Organisation.objects.filter(name__startswith=PREFIX).delete()
    user_model = get_user_model()
    organiser = user_model.objects.filter(username=f"{PREFIX}admin").first() or user_model.objects.create_superuser(
        f"{PREFIX}admin", f"admin@{EMAIL_DOMAIN}", None
    )
    session = ExchangeSession.objects.create(
        title=f"{PREFIX}session",
        date=timezone.localdate() + datetime.timedelta(days=14),
        venue="Salle du club",
    )
    organisations = Organisation.objects.bulk_create(
        Organisation(
            name=f"{PREFIX}{n:02d} Entreprise",
            slug=f"{PREFIX}{n:02d}",
            kind=OrganisationKind.CLASSIC_FIRM,
            email=f"{PREFIX}{n:02d}@{EMAIL_DOMAIN}",
        )
        for n in range(firms)
    )
    Registration.objects.bulk_create(
        Registration(
            session=session,
            organisation=organisation,
            contact_name=f"Contact {n:02d}",
            contact_email=f"{PREFIX}contact-{n:02d}@{EMAIL_DOMAIN}",
        )
        for n, organisation in enumerate(organisations)
    )
    return organiser, session


def after_the_morning(session) -> None:
    """Untimed: the morning is over and every firm's workbook is stored (its bytes do not travel: the
    e-mail carries a link)."""
    from django.utils import timezone

    from knowledge.exchange.models import ExportStatus, FirmWorkbook, SessionStatus, WorkbookExport

    type(session).objects.filter(pk=session.pk).update(status=SessionStatus.DONE)
    session.refresh_from_db()
    export = WorkbookExport.objects.create(
        session=session, status=ExportStatus.DONE, finished_at=timezone.now(), total_count=session.registrations.count()
    )
    FirmWorkbook.objects.bulk_create(
        FirmWorkbook(export=export, organisation_id=organisation_id, content=b"PK")
        for organisation_id in session.registrations.values_list("organisation_id", flat=True)
    )


def run_portal(organiser, session) -> dict:
    from knowledge.exchange import services

    steps = {}
    started = time.perf_counter()
    for registration in session.registrations.select_related("organisation", "session").order_by("pk"):
        services.link_issue(registration=registration, by=organiser, base_url=BASE_URL)
    steps["links"] = time.perf_counter() - started

    started = time.perf_counter()
    reminded = services.reminders_send(session=session, by=organiser, base_url=BASE_URL)
    steps["reminders"] = time.perf_counter() - started

    after_the_morning(session)
    started = time.perf_counter()
    workbooks = services.workbooks_send(session=session, by=organiser, base_url=BASE_URL)
    steps["workbooks"] = time.perf_counter() - started
    return {
        "seconds": {name: round(value, 3) for name, value in steps.items()},
        "total_seconds": round(sum(steps.values()), 3),
        "messages": {
            "links": session.registrations.count(),
            "reminders": len(reminded["sent"]),
            "workbooks": len(workbooks["sent"]),
        },
    }


def run_baseline(port: int, counts: dict, size: int) -> dict:
    """Bare smtplib, the same messages' number and size over the same pattern of connections."""
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "no-reply@ptce.example", f"x@{EMAIL_DOMAIN}", "Bourse"
    message.set_content("x" * max(size - 200, 10))
    data = message.as_bytes(policy=email.policy.SMTP)
    steps = {}
    for step in ("links", "reminders"):
        started = time.perf_counter()
        for _ in range(counts[step]):
            with smtplib.SMTP("127.0.0.1", port) as client:
                client.sendmail("no-reply@ptce.example", [f"baseline@{EMAIL_DOMAIN}"], data)
        steps[step] = time.perf_counter() - started
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as client:
        for _ in range(counts["workbooks"]):
            client.sendmail("no-reply@ptce.example", [f"baseline@{EMAIL_DOMAIN}"], data)
    steps["workbooks"] = time.perf_counter() - started
    return {
        "seconds": {name: round(value, 3) for name, value in steps.items()},
        "total_seconds": round(sum(steps.values()), 3),
        "messages": sum(counts.values()),
    }


def message_size() -> int:
    """The size of one of the portal's messages (a workbook's link, rendered as sent), for the baseline's."""
    from django.core import mail
    from django.template.loader import render_to_string

    from knowledge.exchange.models import Registration

    registration = Registration.objects.select_related("organisation", "session").filter(
        session__title=f"{PREFIX}session"
    )[0]
    body = render_to_string(
        "exchange/email/workbook_link.txt",
        {
            "session": registration.session,
            "firm": registration.organisation,
            "link": BASE_URL + "bourse/entreprise/" + "x" * 43 + "/",
            "expires_at": registration.session.date,
        },
    )
    message = mail.EmailMessage("Votre classeur de la Bourse d'échanges", body, None, [registration.contact_email])
    return len(message.message().as_bytes())


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--firms", type=int, default=30)
    parser.add_argument("--settings", default="benchmarks.settings")
    parser.add_argument("--output", help="JSON file (default benchmarks/results/exchange_emails-<date>.json)")
    args = parser.parse_args(argv)

    LOG_DIR.mkdir(parents=True, exist_ok=True)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    port = free_port()
    log = LOG_DIR / f"exchange_emails-{stamp}-smtp.log"
    server = start_child(
        "smtp", [sys.executable, "benchmarks/newsletter.py", "--serve-smtp", str(port)], dict(os.environ), log, None
    )
    result = {"benchmark": "exchange_emails", "date": stamp, "firms": args.firms, "machine": machine_facts()}
    try:
        wait_ready(log)
        load_before = django_ready(args, "exchange_emails")
        if load_before is None:
            return 2
        result["uptime_before"] = load_before
        use_smtp(port)
        say(f"preparing a session of {args.firms} firms")
        organiser, session = prepare(args.firms)
        say("portal: links, reminders, workbooks")
        result["portal"] = run_portal(organiser, session)
        size = message_size()
        result["portal"]["bytes_per_message"] = size
        say("baseline: bare smtplib")
        result["baseline"] = run_baseline(port, result["portal"]["messages"], size)
        result["uptime_after"] = uptime()
    finally:
        server.stop()
        stop_children()
    count, _size = received_count(log)
    sent = sum(result["portal"]["messages"].values()) if "portal" in result else 0
    result["server_received"] = count
    result["exactly_once"] = count == sent + result.get("baseline", {}).get("messages", 0)
    result["meets_target"] = result["portal"]["total_seconds"] < TARGET_SECONDS
    output = Path(args.output) if args.output else RESULTS_DIR / f"exchange_emails-{stamp}.json"
    output.write_text(json.dumps(result, indent=2, ensure_ascii=False))

    portal, baseline = result["portal"], result["baseline"]
    print()
    print(f"Bourse e-mails of a {args.firms}-firm session through aiosmtpd on 127.0.0.1 ({result['uptime_after']})")
    for step in ("links", "reminders", "workbooks"):
        print(
            f"  {step:<10} {portal['messages'][step]:>3} messages: portal {portal['seconds'][step]:.3f} s, "
            f"bare smtplib {baseline['seconds'][step]:.3f} s"
        )
    print(
        f"  in all: portal {portal['total_seconds']:.3f} s (target < {TARGET_SECONDS:.0f} s: "
        f"{'met' if result['meets_target'] else 'NOT met'}), bare smtplib {baseline['total_seconds']:.3f} s; "
        f"SMTP server received {count} ({'each once' if result['exactly_once'] else 'MISMATCH'})"
    )
    print(f"  written to {output.relative_to(ROOT) if output.is_relative_to(ROOT) else output}")
    return 0 if result["meets_target"] and result["exactly_once"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
