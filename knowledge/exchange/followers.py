"""What follows a Bourse session in other apps: its agenda entry (cms.events) moves or is cancelled with it.

cms.events may import this app, not the reverse (tests/test_architecture.py): so it registers its
follow-ups here when it starts (cms/events/apps.py), and the session's services call them, inside
their transaction, as an explicit step.
"""

_on_change = []
_on_cancel = []


def register(*, on_change, on_cancel) -> None:
    if on_change not in _on_change:
        _on_change.append(on_change)
    if on_cancel not in _on_cancel:
        _on_cancel.append(on_cancel)


def session_changed(*, session, by) -> None:
    for follow in _on_change:
        follow(session=session, by=by)


def session_cancelled(*, session) -> None:
    for follow in _on_cancel:
        follow(session=session)
