"""Closing what an event loop holds when the loop closes.

daphne runs one loop for the process's life, but tests make one loop per test: what a loop holds
(the fan-out's Redis connections, the PostgreSQL pool of portal.async_db) must close with it, or
its connections outlive the test (PostgreSQL then refuses to drop the test database) and its tasks
are destroyed pending.
"""

import logging
import types
from collections.abc import Callable, Coroutine

logger = logging.getLogger(__name__)


def close_with(loop, closer: Callable[[], Coroutine | None], what: str) -> None:
    """Runs `closer()` (and awaits what it returns, on the loop) just before `loop` closes.

    Several may be registered on one loop: the last registered runs first.
    """
    original = loop.close

    def close(self, *args, **kwargs):
        self.close = original
        try:
            pending = closer()
            if pending is not None:
                if loop.is_running() or loop.is_closed():
                    pending.close()  # nothing can run it now: not left "never awaited"
                else:
                    loop.run_until_complete(pending)
        except Exception:
            logger.debug("%s did not close cleanly", what, exc_info=True)
        return original(*args, **kwargs)

    loop.close = types.MethodType(close, loop)
