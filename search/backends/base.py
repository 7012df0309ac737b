"""The interface every search backend implements; nothing outside search/ knows which one runs."""

import abc


class SearchBackend(abc.ABC):
    """Indexing (add, add_bulk, delete) and querying join this interface with the search feature."""

    name: str = ""

    def __init__(self, config: dict):
        self.config = config

    @abc.abstractmethod
    def server_info(self) -> dict:
        """What serves the searches, e.g. {"engine": "elasticsearch", "version": "8.12.2"}; raises if unreachable."""
