"""Who may hold API tokens and act with one.

A token acts as its owner: every endpoint then asks the owning app's permissions and selectors
with the owner's user, so a token never reads more than its owner would on the site."""

from portal.members.permissions import lacks_required_two_factor, person_of


def can_hold_tokens(user) -> bool:
    """Any signed-in, active person of the portal (what a token may read is decided per endpoint)."""
    return bool(user.is_authenticated and user.is_active and person_of(user) is not None)


def lacks_second_factor(user) -> bool:
    """A token may not stand in for the second factor its owner's roles require on the site (the
    site sends her to its setup, no socket opens): until she sets it up, her tokens are refused."""
    return lacks_required_two_factor(user)


def can_revoke(user, token) -> bool:
    person = person_of(user)
    return person is not None and token.person_id == person.pk
