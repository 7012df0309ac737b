"""Who may hold API tokens and act with one.

A token acts as its owner: every endpoint then asks the owning app's permissions and selectors
with the owner's user, so a token never reads more than its owner would on the site."""

from portal.members.permissions import person_of


def can_hold_tokens(user) -> bool:
    """Any signed-in, active person of the portal (what a token may read is decided per endpoint)."""
    return bool(user.is_authenticated and user.is_active and person_of(user) is not None)


def can_revoke(user, token) -> bool:
    person = person_of(user)
    return person is not None and token.person_id == person.pk
