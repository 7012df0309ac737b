"""The dump the test database starts from (tests/data/migrated.sql.gz, see tests/db_template.py) stands
for today's migrations: otherwise every run migrates from zero, over a minute more before any test."""

import json

from tests import db_template


def test_the_dump_of_a_migrated_database_matches_every_migration_it_applied():
    problems = db_template.dump_problems()

    assert not problems, (
        "The test database is being migrated from zero because "
        + "; ".join(problems[:10])
        + ". Make the dump again: python -m tests.db_template dump (with DATABASE_URL set, as under ./run test)."
    )


def test_a_changed_migration_file_makes_the_dump_unusable(tmp_path, monkeypatch):
    recorded = tmp_path / "migrated.json"
    hashes = db_template.migration_hashes()
    changed = next(name for name in hashes if name.startswith("members."))
    recorded.write_text(json.dumps({**hashes, changed: "0" * 64}))
    monkeypatch.setattr(db_template, "DUMP_MIGRATIONS", recorded)

    assert db_template.dump_problems() == [f"{changed} has changed since the dump was made"]
