from django.db import connection

from .base import SearchBackend


class DatabaseBackend(SearchBackend):
    """The embedded default: searches run in the portal's own database."""

    name = "database"

    def server_info(self) -> dict:
        query = "SHOW server_version" if connection.vendor == "postgresql" else "SELECT sqlite_version()"
        with connection.cursor() as cursor:
            cursor.execute(query)
            return {"engine": connection.vendor, "version": cursor.fetchone()[0]}
