"""Sends waiting index updates to the search backend: once, or in a loop as a small worker."""

import signal
import time

from django.core.management.base import BaseCommand

from search import indexing


class Command(BaseCommand):
    help = "Sends the waiting index updates (the search outbox) to the search backend, retrying failed ones later."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="Keep draining until stopped (SIGTERM or Ctrl+C).")
        parser.add_argument("--interval", type=float, default=2.0, help="Seconds between rounds with --loop.")
        parser.add_argument("--limit", type=int, default=500, help="Rows per round.")
        parser.add_argument(
            "--retry-now", action="store_true", help="Retry failed rows at once instead of waiting for their backoff."
        )

    def handle(self, *args, loop, interval, limit, retry_now, verbosity, **options):
        self.stopping = False
        self.verbose = verbosity > 1
        if loop:
            signal.signal(signal.SIGTERM, self._stop)
        while True:
            report = self._round(limit, retry_now)
            if not loop:
                return
            retry_now = False
            try:
                # A full round means more are waiting: go on at once.
                if report["done"] + report["failed"] < limit:
                    time.sleep(interval)
            except KeyboardInterrupt:
                return
            if self.stopping:
                return

    def _round(self, limit: int, retry_now: bool) -> dict:
        report = indexing.drain(limit, retry_now=retry_now)
        if report["done"] or report["failed"] or self.verbose:
            style = self.style.WARNING if report["failed"] else self.style.SUCCESS
            self.stdout.write(
                style(f"{report['done']} update(s) sent, {report['failed']} failed, {report['remaining']} waiting.")
            )
        return report

    def _stop(self, signum, frame):
        self.stopping = True
