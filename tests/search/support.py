"""Search backends for the tests: the database one always, Elasticsearch when ELASTICSEARCH_URL is set.

Elasticsearch tests use an index prefix of their own for the session (ptce-test-<pid>-<random>), so
two runs on one server never meet, and drop their indices after each test.
"""

import contextlib
import os
import secrets
import time

import pytest
from elasticsearch import ApiError

from search.backend import get_backend

SESSION_PREFIX = f"ptce-test-{os.getpid()}-{secrets.token_hex(3)}"
DATABASE = {"BACKEND": "search.backends.database.DatabaseBackend"}


def elasticsearch_config(url: str | None = None) -> dict:
    return {
        "BACKEND": "search.backends.elasticsearch.ElasticsearchBackend",
        "URL": url or os.environ["ELASTICSEARCH_URL"],
        "INDEX_PREFIX": SESSION_PREFIX,
        "TIMEOUT": 5,
    }


def available_configs() -> list:
    configs = [pytest.param(DATABASE, id="database")]
    if os.environ.get("ELASTICSEARCH_URL"):
        configs.append(pytest.param(elasticsearch_config(), id="elasticsearch"))
    return configs


def configured_config() -> dict:
    """The backend the settings choose: Elasticsearch under ./run test, the database otherwise."""
    return elasticsearch_config() if os.environ.get("ELASTICSEARCH_URL") else DATABASE


@contextlib.contextmanager
def use_backend(settings, config: dict):
    """Makes `config` the portal's search backend for the block (get_backend() returns it)."""
    settings.PORTAL_SEARCH = dict(config)
    get_backend.cache_clear()
    backend = get_backend()
    try:
        yield backend
    finally:
        if backend.name == "elasticsearch" and config["URL"] == os.environ.get("ELASTICSEARCH_URL"):
            drop_when_available(backend)
        get_backend.cache_clear()


def drop_when_available(backend, attempts: int = 5) -> None:
    """Drops the test's indices and synonyms set, waiting out a busy server: deleting a synonyms set
    searches Elasticsearch's own `.synonyms` index, whose shard can answer 503 for a moment while the
    other test workers create and delete theirs (seen once in CI). A set left behind would hand the
    next test of this worker another test's synonyms, so the drop is retried rather than skipped."""
    for attempt in range(attempts):
        try:
            backend.drop()
            return
        except ApiError as error:
            if error.meta.status != 503 or attempt == attempts - 1:
                raise
            time.sleep(0.25 * 2**attempt)


@pytest.fixture(params=available_configs())
def any_backend(request, db, settings):
    """Each available backend in turn, empty, as the portal's search backend."""
    with use_backend(settings, request.param) as backend:
        yield backend


@pytest.fixture
def search_backend(db, settings):
    """The backend the environment configures, empty."""
    with use_backend(settings, configured_config()) as backend:
        yield backend
