"""Settings of the benchmarks: the test settings, with background tasks queued as in production.

portal.settings.test runs tasks at once, in the thread that enqueues them (ImmediateBackend): in
daphne that is the one thread where every consumer's database work runs, so each chat message
would also drain the search outbox into Elasticsearch before the next message could be stored.
Production queues tasks in the database and a separate worker runs them (portal.settings.base);
the benchmarks measure that path. No worker runs during a benchmark: the queued tasks just wait.
"""

import os

from portal.settings.test import *  # noqa: F403

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Shared fragments kept as in production (the tests turn them off); PAGE_FRAGMENT_SECONDS=0 measures without.
PAGE_FRAGMENT_SECONDS = int(os.environ.get("PAGE_FRAGMENT_SECONDS", "60"))
