"""Plays every cell of the permission matrix (rules.TABLE): each role, inside and outside its scope."""

import pytest

from .kit import PROBES, actor, build_world
from .probes import load_all
from .rules import rows

load_all()

ROWS = rows()


def test_every_action_has_a_probe_and_every_probe_a_line():
    actions = {action for action, *_ in ROWS}
    assert actions - PROBES.keys() == set(), "lines without a probe"
    assert PROBES.keys() - actions == set(), "probes without a line"


def _cases(transactional: bool):
    return [
        pytest.param(action, role, inside_ok, outside_ok, id=f"{action}-{role}")
        for action, role, inside_ok, outside_ok in ROWS
        if action in PROBES and PROBES[action].transactional == transactional
    ]


def _play(action, role, inside_ok, outside_ok):
    world = build_world()
    user = actor(role, world)
    run = PROBES[action].run
    got = (run(world, user, True), run(world, user, False))
    assert got == (inside_ok, outside_ok), (
        f"{role} on {action}: expected inside={inside_ok} outside={outside_ok}, got inside={got[0]} outside={got[1]}"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("action, role, inside_ok, outside_ok", _cases(False))
def test_matrix(action, role, inside_ok, outside_ok):
    _play(action, role, inside_ok, outside_ok)


if _cases(True):  # websocket connects and threads need committed rows
    # Serialized rollback: what the migrations made (Wagtail's root collection and home page) is back
    # for each case, as granting a coordinator or an animator builds their scope's Wagtail group and
    # collection under it (cms follows the roles).
    @pytest.mark.django_db(transaction=True, serialized_rollback=True)
    @pytest.mark.parametrize("action, role, inside_ok, outside_ok", _cases(True))
    def test_matrix_transactional(action, role, inside_ok, outside_ok):
        _play(action, role, inside_ok, outside_ok)
