"""The lock files that ./run, CI and the Dockerfile install from agree with the hand-written pins:
a package pinned in requirements/NAME.txt is locked at the same version, with hashes, in
requirements/lock/NAME.txt (else: run requirements/compile)."""

import re
from pathlib import Path

import pytest

REQUIREMENTS = Path(__file__).resolve().parents[1] / "requirements"
PIN = re.compile(r"^([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?==([^\s;#\\]+)", re.MULTILINE)


def normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(text: str) -> dict[str, str]:
    return {normalised(name): version for name, version in PIN.findall(text)}


@pytest.mark.parametrize("name", ["base", "prod", "dev"])
def test_every_pin_is_locked_at_its_version_with_hashes(name):
    wanted = {}
    for source in (name, *{"prod": ["base"], "dev": ["prod", "base"]}.get(name, [])):
        wanted |= pins((REQUIREMENTS / f"{source}.txt").read_text())
    lock = (REQUIREMENTS / "lock" / f"{name}.txt").read_text()
    locked = pins(lock)
    assert {package: locked.get(package) for package in wanted} == wanted, "run requirements/compile"
    entries = re.split(r"\n(?=[A-Za-z0-9])", lock.split("\n\n", 1)[-1])
    unhashed = [entry.split("==")[0] for entry in entries if "==" in entry and "--hash=sha256:" not in entry]
    assert unhashed == []
