"""A participatory process's page gathers what other apps know of it (its events, their attendance):
those apps register a section here from their AppConfig.ready(), so this app never imports them."""

from collections.abc import Callable

# name → callable(process, user) -> the section's HTML (rendered by its own app's template, escaped
# there), or "" (nothing to show)
_sections: dict[str, Callable] = {}


def register_section(name: str, build: Callable) -> None:
    _sections[name] = build


def sections(process, user) -> list[str]:
    built = []
    for name in sorted(_sections):
        section = _sections[name](process, user)
        if section:
            built.append(section)
    return built
