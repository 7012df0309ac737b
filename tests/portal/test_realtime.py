"""The realtime kit (portal/realtime.py) and where the websocket routes live."""

import pytest
from django.db import transaction

from portal import realtime, routing


@pytest.fixture
def published(monkeypatch):
    sent = []
    monkeypatch.setattr(realtime, "group_send", lambda group, event: sent.append((group, event)))
    return sent


def test_a_broadcast_leaves_encoded_once_and_only_after_the_commit(db, published, django_capture_on_commit_callbacks):
    frame = {"type": "message", "body": "Réunion à 9 h", "at": realtime}  # not JSON: becomes a string
    with django_capture_on_commit_callbacks(execute=True):
        realtime.broadcast_on_commit(realtime.workgroup_group(7), frame)
        frame["body"] = "changed after the call"
        assert published == []
    assert len(published) == 1
    group, event = published[0]
    assert group == "workgroup.7" and event["type"] == realtime.FRAME
    assert event["text"].startswith('{"type":"message","body":"Réunion à 9 h","at":"<module')


def test_a_rolled_back_write_broadcasts_nothing(db, published, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        realtime.broadcast_on_commit(realtime.exchange_session_group(3), {"type": "seating"})
        realtime.revoke_on_commit(realtime.workgroup_group(3), person_id=5)
        raise RuntimeError
    assert published == []
    with django_capture_on_commit_callbacks(execute=True):
        realtime.revoke_on_commit(realtime.workgroup_group(3), person_id=5)
    assert published == [("workgroup.3", {"type": realtime.REVOKE, "person_id": 5})]


def test_every_websocket_route_is_in_portal_routing():
    assert [str(route.pattern) for route in routing.websocket_urlpatterns] == [
        "ws/health/",
        "ws/workgroups/<slug:slug>/",
        "ws/bourse/<int:pk>/",
    ]
