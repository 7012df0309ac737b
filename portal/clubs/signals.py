"""Signals for apps that clubs must not import (the public site's club pages live in cms)."""

from django.dispatch import Signal

# Sent inside the merger's transaction, after every row pointing at `absorbed` moved to `into`:
# receivers (the public site's club pages, for instance) move or redirect what they own.
# Arguments: absorbed (Club), into (Club), by (user), left_behind (labels of one-to-one relations
# that could not move).
club_merged = Signal()
