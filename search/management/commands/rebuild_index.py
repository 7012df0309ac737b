"""Rebuilds the whole search index from the database, with no downtime for searches.

Elasticsearch: a new versioned index is filled, then the alias moves to it in one request and the old
indices are deleted. Database backend: the entries are replaced in one transaction.
"""

import time

from django.core.management.base import BaseCommand

from search import indexing
from search.backend import get_backend


class Command(BaseCommand):
    help = "Rebuilds the search index from the database (searches keep working meanwhile) and repairs any drift."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, batch_size, **options):
        backend = get_backend()
        started = time.monotonic()
        total = indexing.total_candidates()
        self.stderr.write(f"Rebuilding the {backend.name} search index from {total} object(s)…")
        seen = {"objects": 0}
        show = self._progress(total, seen)
        show(0)
        indexing.push_synonyms(backend)
        result = backend.rebuild(indexing.documents_in_batches(batch_size, seen=seen), progress=show)
        if self.interactive:
            self.stderr.write("")
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(f"{result['count']} document(s) indexed into {result['index']} in {elapsed:.1f} s.")
        )

    def _progress(self, total: int, seen: dict):
        """A bar on stderr: redrawn in place on a terminal, one line per batch otherwise (logs)."""
        self.interactive = getattr(self.stderr._out, "isatty", lambda: False)()
        width = 30

        def show(documents: int) -> None:
            share = min(seen["objects"] / total, 1) if total else 1
            bar = "#" * round(width * share) + "-" * (width - round(width * share))
            line = f"[{bar}] {seen['objects']}/{total} objects read, {documents} documents indexed"
            if self.interactive:
                self.stderr.write(f"\r{line}", ending="")
                self.stderr.flush()
            else:
                self.stderr.write(line)

        return show
