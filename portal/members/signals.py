"""Signals for apps that must not be imported here (portal/members imports no other app)."""

from django.dispatch import Signal

# Sent inside the merger's transaction, after every row pointing at `absorbed` moved to `into`:
# receivers (the public site's club pages, for instance) move or redirect what they own.
# Arguments: absorbed (Club), into (Club), by (user).
club_merged = Signal()
