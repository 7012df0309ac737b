"""On PostgreSQL: the `ptce_french` text-search configuration (unaccent, then French stemming and stop
words) and a GIN index on the entries' vectors. Skipped on SQLite.

unaccent is a trusted extension (PostgreSQL 13+): the database owner may create it. When it cannot be
created, the database backend falls back to the plain `french` configuration (accents then matter).
"""

import logging

from django.db import migrations, transaction

logger = logging.getLogger(__name__)

CREATE_CONFIGURATION = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS ptce_french",
    "CREATE TEXT SEARCH CONFIGURATION ptce_french (COPY = pg_catalog.french)",
    "ALTER TEXT SEARCH CONFIGURATION ptce_french "
    "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        try:
            with transaction.atomic(using=schema_editor.connection.alias):
                for statement in CREATE_CONFIGURATION:
                    cursor.execute(statement)
        except Exception as error:  # noqa: BLE001 - no privilege: the backend uses the french configuration
            logger.warning("No ptce_french text-search configuration (%s); searches will use 'french'.", error)
        cursor.execute(
            "CREATE INDEX IF NOT EXISTS search_entry_vector_gin ON search_searchentry USING gin (vector)"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("DROP INDEX IF EXISTS search_entry_vector_gin")
        cursor.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS ptce_french")


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
