"""The portal's search, as a library: apps register what they index (search.registry) and call
search.query(), search.autocomplete() and search.more_like_this(); search/ imports no app.

The functions below import lazily so that importing the package never loads models.
"""


def query(text, **kwargs):
    from .api import query as run

    return run(text, **kwargs)


def autocomplete(prefix, **kwargs):
    from .api import autocomplete as run

    return run(prefix, **kwargs)


def more_like_this(doc_type, doc_id, **kwargs):
    from .api import more_like_this as run

    return run(doc_type, doc_id, **kwargs)


def grants_for(user):
    from .api import grants_for as run

    return run(user)
