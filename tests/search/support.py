"""Search backends for the tests: the database one always, Elasticsearch when ELASTICSEARCH_URL is set.

Elasticsearch tests use an index prefix of their own for the session (ptce-test-<pid>-<random>), so
two runs on one server never meet, and drop their indices after each test.
"""

import contextlib
import os
import secrets

import pytest

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
            backend.drop()
        get_backend.cache_clear()


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
