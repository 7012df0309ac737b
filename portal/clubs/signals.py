"""Signals for apps that clubs must not import (the public site's club and results pages live in cms)."""

from django.dispatch import Signal

# Sent inside the merger's transaction, after every row pointing at `absorbed` moved to `into`:
# receivers (the public site's club pages, for instance) move or redirect what they own.
# Arguments: absorbed (Club), into (Club), by (user), left_behind (labels of one-to-one relations
# that could not move).
club_merged = Signal()

# Sent inside the transaction that shows (public=True) or hides (public=False) a survey's results:
# receivers (the public site's results page) publish, refresh or withdraw what the public sees.
# Arguments: survey (Survey), public (bool), by (user).
survey_results_public_changed = Signal()
