"""A table wider than a phone scrolls inside its own box (`.table-scroll`); a keyboard user must be able
to reach that box to scroll it (WCAG 2.1.1, axe-core's scrollable-region-focusable). The browser journeys
found three such boxes the hard way; this checks every template, including screens no journey opens."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WINGS = ("portal", "workgroups", "knowledge", "cms", "search")
BOX = re.compile(r"<div\b[^>]*\bclass=\"table-scroll[\" ][^>]*>")


def test_every_table_scroll_box_is_reachable_by_keyboard():
    unreachable = []
    for wing in WINGS:
        for template in (ROOT / wing).rglob("*.html"):
            for tag in BOX.findall(template.read_text(encoding="utf-8")):
                if 'tabindex="0"' not in tag:
                    unreachable.append(f"{template.relative_to(ROOT)}: {tag}")
    assert not unreachable, "\n".join(unreachable)


def test_the_check_sees_the_boxes():
    # Guards the pattern itself: a change of class name would otherwise make the test above pass on nothing.
    boxes = sum(len(BOX.findall(t.read_text(encoding="utf-8"))) for w in WINGS for t in (ROOT / w).rglob("*.html"))
    assert boxes >= 20
