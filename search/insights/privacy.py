"""The log of searches in the privacy policy and its retention (portal/privacy/registry.py).

It holds no one: no account, no address, no session; only the words, the day, the result count and
the rank followed. So it has no part in "download my data" nor in an erasure, only a line of the
policy and a purge after 13 months.
"""

from django.utils.translation import gettext_lazy

from portal.privacy import registry
from search.services import search_log_purge


def register() -> None:
    registry.register_processing(
        "search_log",
        title=gettext_lazy("Searches made on the portal"),
        purpose=gettext_lazy(
            "Learning which searches find nothing or nothing useful, to write the best practices and pages the "
            "members look for. Nothing in it says who searched: no account, no IP address, no session."
        ),
        legal_basis=gettext_lazy("Legitimate interest (improving the shared index of best practices)"),
        data=[
            gettext_lazy("the words searched (lower case, without accents)"),
            gettext_lazy("number of results"),
            gettext_lazy("rank of the result followed"),
            gettext_lazy("day"),
            gettext_lazy("thematic axes of the filters used and of the results"),
        ],
        retention=gettext_lazy("counted from the day of the search"),
        retention_setting="search_log",
        order=80,
    )
    registry.register_purge(
        "search_log", label=gettext_lazy("Searches made on the portal"),
        retention_setting="search_log", purge=search_log_purge,
    )  # fmt: skip
