"""Plays every cell of the permission matrix (rules.TABLE): each role, inside and outside its scope.

Each cell is its own test (`PermissionMatrix::test_<action>-<role>`), run in its own savepoint. The
world they are played in (the two zones, clubs, axes and firms, and the public site of each axis and
club with its news, agenda, image and document) is built once per test process, in the class's
transaction (Django's setUpTestData), and each test reads a deep copy of it: building it again for each
of the nineteen hundred cells (Wagtail pages, revisions, the search and reference indexes) took about a
third of the whole suite's time. The six actors are made there too, once, each granted its role with the
real role service (a fifth of each cell's time when each test granted its own); a cell's probe runs as
its role's actor in the world where every role has been granted, as in a real cluster.
"""

import pytest
from django.test import TestCase

from .kit import PROBES, ROLES, actor, build_world, keep_signed_in
from .probes import events, load_all
from .probes.cms import scope_site
from .rules import rows

load_all()

ROWS = rows()


def test_every_action_has_a_probe_and_every_probe_a_line():
    actions = {action for action, *_ in ROWS}
    assert actions - PROBES.keys() == set(), "lines without a probe"
    assert PROBES.keys() - actions == set(), "probes without a line"


def _cases(transactional: bool):
    return [
        (action, role, inside_ok, outside_ok)
        for action, role, inside_ok, outside_ok in ROWS
        if action in PROBES and PROBES[action].transactional == transactional
    ]


def _play(world, action, role, inside_ok, outside_ok, user=None):
    user = actor(role, world) if user is None else user
    run = PROBES[action].run
    got = (run(world, user, True), run(world, user, False))
    assert got == (inside_ok, outside_ok), (
        f"{role} on {action}: expected inside={inside_ok} outside={outside_ok}, got inside={got[0]} outside={got[1]}"
    )


class PermissionMatrix(TestCase):
    """One test method per cell of the matrix, added below from rules.TABLE."""

    @classmethod
    def setUpTestData(cls):
        cls.world = build_world()
        for kind in ("axis", "club"):  # what most cms and events probes share (probes/cms.py)
            for inside in (True, False):
                scope_site(cls.world, kind, inside)
        events.build_shared(cls.world)
        cls.actors = {role: actor(role, cls.world) for role in ROLES}
        for user in cls.actors.values():
            if user is not None:
                keep_signed_in(user)


def _cell(action, role, inside_ok, outside_ok):
    def test(self):
        # self.world and self.actors: this test's deep copies
        _play(self.world, action, role, inside_ok, outside_ok, user=self.actors[role])

    test.__doc__ = f"{role} on {action}: inside {'allowed' if inside_ok else 'refused'}, outside " + (
        "allowed" if outside_ok else "refused"
    )
    return test


for _action, _role, _inside_ok, _outside_ok in _cases(False):
    setattr(PermissionMatrix, f"test_{_action}-{_role}", _cell(_action, _role, _inside_ok, _outside_ok))


if _cases(True):  # websocket connects and threads need committed rows
    # Serialized rollback: what the migrations made (Wagtail's root collection and home page) is back
    # for each case, as granting a coordinator or an animator builds their scope's Wagtail group and
    # collection under it (cms follows the roles).
    @pytest.mark.django_db(transaction=True, serialized_rollback=True)
    @pytest.mark.parametrize(
        "action, role, inside_ok, outside_ok",
        [pytest.param(*case, id=f"{case[0]}-{case[1]}") for case in _cases(True)],
    )
    def test_matrix_transactional(action, role, inside_ok, outside_ok):
        _play(build_world(), action, role, inside_ok, outside_ok)
