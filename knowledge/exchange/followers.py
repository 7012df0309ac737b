"""What follows a Bourse session in other apps: its agenda entry (cms.events) is made when it is planned,
moves or is cancelled with it.

cms.events may import this app, not the reverse (tests/test_architecture.py): so it registers its
follow-ups here when it starts (cms/events/apps.py), and the session's services call them, inside
their transaction, as an explicit step.
"""

_on_publish = []
_on_change = []
_on_cancel = []


def register(*, on_publish, on_change, on_cancel) -> None:
    for follow, registered in ((on_publish, _on_publish), (on_change, _on_change), (on_cancel, _on_cancel)):
        if follow not in registered:
            registered.append(follow)


def can_publish() -> bool:
    """Whether anything can put a session on the agenda (cms.events installed)."""
    return bool(_on_publish)


def session_published(*, session, by) -> None:
    for follow in _on_publish:
        follow(session=session, by=by)


def session_changed(*, session, by) -> None:
    for follow in _on_change:
        follow(session=session, by=by)


def session_cancelled(*, session) -> None:
    for follow in _on_cancel:
        follow(session=session)
