"""The README's API script, run as a member would: against the running portal, with their token."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cms.pages import add_event
from tests.factories import MessageFactory, WorkgroupFactory, WorkgroupMembershipFactory

README = Path(__file__).resolve().parents[2] / "README.md"


def _script() -> str:
    section = README.read_text(encoding="utf-8").split("## The API", 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # the home page the migrations made
def test_the_readme_script_prints_the_next_events_and_my_unread_messages(live_server, agenda, member, token_of):
    add_event(agenda, days=2, title="Atelier réemploi")
    workgroup = WorkgroupFactory(name="Réemploi")
    MessageFactory(workgroup=workgroup, body="Déjà lu")
    WorkgroupMembershipFactory(workgroup=workgroup, person=member.person, last_read_sequence=1)
    MessageFactory(workgroup=workgroup, body="La benne arrive jeudi")
    environment = {**os.environ, "PTCE_URL": live_server.url, "PTCE_TOKEN": token_of(member)}

    printed = subprocess.run(
        [sys.executable, "-c", _script()], env=environment, capture_output=True, text=True, timeout=60, check=True
    ).stdout

    assert "Atelier réemploi" in printed
    assert "[Réemploi]" in printed and "La benne arrive jeudi" in printed
    assert "Déjà lu" not in printed
