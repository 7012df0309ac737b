# The indexing outbox will live here (see the search issue).
