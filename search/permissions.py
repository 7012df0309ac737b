"""Who changes how the portal searches: the synonyms widen every member's searches, so they are the
cluster administrators'. search/ imports no app, the roles included: the decision is the permission
search.change_synonymrule, which search.insights grants to the administrators' role (the searches
made are read under search.insights.permissions)."""


def may_edit_synonyms(user) -> bool:
    return bool(user is not None and user.is_active and user.has_perm("search.change_synonymrule"))
