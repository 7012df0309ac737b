import os

import pytest
from django.conf import settings

from search.backend import get_backend


def test_configured_backend_answers_with_its_version(db):
    info = get_backend().server_info()
    if os.environ.get("ELASTICSEARCH_URL"):
        assert info["engine"] == "elasticsearch" and info["version"].startswith("8.")
    else:
        assert info["engine"] == settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1].replace("sqlite3", "sqlite")


@pytest.mark.skipif(
    not os.environ.get("ELASTICSEARCH_URL"), reason="ELASTICSEARCH_URL unset: ./run test starts Elasticsearch"
)
def test_elasticsearch_client_major_matches_the_server():
    import elasticsearch

    assert elasticsearch.__versionstr__.split(".")[0] == get_backend().server_info()["version"].split(".")[0]
