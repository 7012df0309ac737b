"""The API fuzzed against its own OpenAPI document (schemathesis, in process through the WSGI app, no
network): no 500, every answer matches the document, and without a token the personal endpoints
answer 401 whatever is sent."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.cms.pages import add_event, add_news
from tests.factories import (
    BestPracticeFactory,
    ClubFactory,
    MessageFactory,
    WorkgroupFactory,
    WorkgroupMembershipFactory,
)

# Every check but "schema-valid data is accepted": a cursor is any string to the document, yet only
# one the API signed is valid (the others answer the documented 400 bad_cursor).
FUZZ = settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))


@pytest.fixture
def api_world(db, settings, agenda, news_index, member, token_of):
    """Some of everything the API lists, and a member's token."""
    settings.PORTAL_API_RATES = {}  # the fuzzer sends hundreds of requests: rates are tested elsewhere
    for day in (1, 2, 3):
        add_event(agenda, days=day)
        add_news(news_index, days_ago=day)
    BestPracticeFactory()
    ClubFactory()
    workgroup = WorkgroupFactory(slug="reemploi")
    WorkgroupMembershipFactory(workgroup=workgroup, person=member.person)
    for _ in range(3):
        MessageFactory(workgroup=workgroup)
    return {"Authorization": f"Bearer {token_of(member)}"}


@pytest.fixture(autouse=True)
def _connection_kept_between_requests():
    """The WSGI handler closes the database connection after each request; the test's transaction
    must survive it (django.test.Client disconnects the same signal handler)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _fuzz(headers=None):
    """Runs every operation of the document with generated requests; returns the (path, status) seen."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    seen = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @FUZZ
        def run(case):
            response = case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])
            seen.append((case.path, case.formatted_path, response.status_code))

        run()
    return seen


def test_anonymous_answers_match_the_document_and_never_open_a_personal_endpoint(api_world):
    seen = _fuzz()

    assert {path for path, *_ in seen} >= {"/api/v1/events", "/api/v1/me/workgroups/{slug}/messages"}
    opened = [(path, status) for path, _, status in seen if path.startswith("/api/v1/me") and status != 401]
    assert opened == []


def test_with_a_token_answers_match_the_document(api_world):
    seen = _fuzz(headers=api_world)

    assert any(status == 200 for path, _, status in seen if path == "/api/v1/me/workgroups")
