"""A demo copied back (tests/demo_snapshot.py) holds exactly the rows and prints exactly what the real
`load_demo` made from the same starting rows, and new rows after it get ids of their own."""

import io

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from portal.members.models import Person
from tests import demo_snapshot, fast_reset
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


class _Undo(Exception):
    pass


def _rows() -> dict[str, list[bytes]]:
    return {table: sorted(rows.splitlines()) for table, rows in fast_reset._copy_out(connection)}


def _load_and_undo() -> tuple[dict, str]:
    output = io.StringIO()
    with pytest.raises(_Undo), transaction.atomic():
        call_command("load_demo", stdout=output)
        rows = _rows()
        OrganisationFactory()  # an id no copied row holds
        raise _Undo
    return rows, output.getvalue()


def test_a_copied_demo_is_what_the_real_load_made():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    # The real load, kept for the next load that starts from these rows (another test may have kept one).
    demo_snapshot.forget(demo_snapshot._digest(fast_reset._copy_out(connection)))
    people = Person.objects.count()
    real, real_output = _load_and_undo()
    assert Person.objects.count() == people, "undone"

    copies = len(demo_snapshot.restored)
    copied, copied_output = _load_and_undo()
    assert len(demo_snapshot.restored) == copies + 1, "the second load was copied back"

    assert copied == real
    assert copied_output == real_output
    assert "@" in real_output, "the demo's logins are printed"
