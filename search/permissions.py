"""Who changes how the portal searches: the synonyms widen every member's searches, so they are the
cluster administrators' (the searches made are read under search.insights.permissions)."""

from portal.members.permissions import is_administrator


def may_edit_synonyms(user) -> bool:
    return is_administrator(user)
