"""Who may import whom (docs/ARCHITECTURE.md): a rule broken today is a tangle to undo tomorrow.

Each Django app of the portal may import only the apps named in IMPORT_RULES (and itself, the
shared kits of the `portal` package and third-party libraries). Imports inside functions count too:
a lazy import is still a dependency. Migrations are history and are not read.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PORTAL_APPS = {"portal.members", "portal.clubs", "portal.privacy"}
# app -> the other apps it may import. Nested apps are apps of their own: `cms` may not import
# `cms.events`, and `workgroups` may not import `workgroups.plans`.
IMPORT_RULES = {
    "portal.members": {"portal.privacy", "search"},
    "portal.clubs": {"portal.members", "portal.privacy", "search"},
    "portal.privacy": {"portal.members"},
    "workgroups": PORTAL_APPS | {"search"},
    "workgroups.plans": PORTAL_APPS | {"workgroups", "search"},
    "knowledge": PORTAL_APPS | {"workgroups", "search"},
    "knowledge.exchange": PORTAL_APPS | {"workgroups", "knowledge", "search"},
    "cms": PORTAL_APPS | {"workgroups", "workgroups.plans", "knowledge", "knowledge.exchange", "search"},
    "cms.events": PORTAL_APPS | {"workgroups", "workgroups.plans", "knowledge", "knowledge.exchange", "search", "cms"},
    "cms.newsletters": PORTAL_APPS
    | {"workgroups", "workgroups.plans", "knowledge", "knowledge.exchange", "search", "cms", "cms.events"},
    "search": set(),
    # What the searches tell (the log's report): read with the scopes, registered in the privacy policy.
    "search.insights": PORTAL_APPS | {"workgroups", "search"},
    # The API reads through every app's selectors and permissions, as the site's pages do.
    "portal.api": PORTAL_APPS
    | {"workgroups", "workgroups.plans", "knowledge", "knowledge.exchange", "search", "cms", "cms.events"},
}
# The project package's configuration modules wire every app together: they may import anything.
CONFIGURATION = ("portal.settings", "portal.urls", "portal.asgi", "portal.wsgi", "portal.routing")


def app_of(module: str) -> str | None:
    """The app a dotted module belongs to (the longest app name that prefixes it), or None."""
    matches = [app for app in IMPORT_RULES if module == app or module.startswith(app + ".")]
    return max(matches, key=len) if matches else None


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module) of every import in the file, relative ones resolved."""
    module = module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            # `from knowledge import exchange` imports the nested app: count each name as a module too.
            found += [(node.lineno, f"{target}.{alias.name}") for alias in node.names]
    return found


def source_files():
    for top in ("portal", "workgroups", "knowledge", "cms", "search"):
        for path in sorted((ROOT / top).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def violations() -> list[str]:
    broken = []
    for path in source_files():
        module = module_name(path)
        if module.startswith(CONFIGURATION):
            continue
        own = app_of(module)
        allowed = IMPORT_RULES.get(own, set()) if own else set()
        for line, target in imported_modules(path):
            target_app = app_of(target)
            if target_app is None or target_app == own or target_app in allowed:
                continue
            where = f"{path.relative_to(ROOT)}:{line}"
            who = own or f"the shared kit {module}"
            broken.append(f"{where}: {who} imports {target} (app {target_app})")
    return broken


def test_every_app_imports_only_the_apps_the_architecture_allows():
    assert violations() == []


def test_the_rules_name_every_installed_app_of_the_portal():
    from django.conf import settings

    ours = {app for app in settings.INSTALLED_APPS if app_of(app) == app}
    assert ours == set(IMPORT_RULES), "an app was added or removed: state its import rules here and in the docs"


def test_a_forbidden_import_is_caught(tmp_path, monkeypatch):
    """The checker itself: a lazy import of a nested app from its wing is reported."""
    fake = ROOT / "cms" / "_architecture_probe.py"
    monkeypatch.setattr("tests.test_architecture.source_files", lambda: iter([fake]))
    fake.write_text("def f():\n    from cms.events import services\n    from . import models\n", encoding="utf-8")
    try:
        assert violations() == ["cms/_architecture_probe.py:2: cms imports cms.events.services (app cms.events)"]
    finally:
        fake.unlink()
