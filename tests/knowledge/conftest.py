from tests.search.support import any_backend, search_backend  # noqa: F401 - fixtures
