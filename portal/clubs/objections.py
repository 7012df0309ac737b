"""The one-click link by which an address objects to the cluster's prospecting.

Every prospecting e-mail offers one (the campaigns' invitations and reminders, the survey links, the
letters to prospects). The page behind it belongs to the newsletters (cms/newsletters: its
unsubscription page and RFC 8058 one-click), which the clubs may not import: the newsletters app
registers how to make the link from its AppConfig.ready(), as the agenda registers its invitations.
Whatever page records it, the objection itself lives here (models.ProspectingObjection).
"""

from collections.abc import Callable

_link_maker: Callable[[str], str] | None = None
_listeners: list[Callable] = []


def register(maker: Callable[[str], str]) -> None:
    """`maker(email)` returns the absolute address of the objection link for that address."""
    global _link_maker  # noqa: PLW0603 - one registration, from an AppConfig.ready()
    _link_maker = maker


def link(email: str) -> str:
    return _link_maker(email) if _link_maker is not None and email else ""


def headers(url: str) -> dict[str, str]:
    """The List-Unsubscribe headers, for the objection link `url` (from `link`), that a mail client shows
    as a one-click "unsubscribe" button."""
    if not url:
        return {}
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def on_objection(listener: Callable) -> None:
    """`listener(email=..., organisation=...)` runs in the transaction that records an objection (an
    address, or a whole firm with email ""): the newsletters drop what has not left yet."""
    _listeners.append(listener)


def objected(*, email: str = "", organisation=None) -> None:
    for listener in _listeners:
        listener(email=email, organisation=organisation)
