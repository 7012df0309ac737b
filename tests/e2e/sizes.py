"""One screen checked at both sizes without running a journey twice: the first release's journeys and
journeys 4-6 of #23 call these per screen; journeys 1-3 number their steps with `journeys.Journey`. Both
make the same checks (`journeys.no_sideways_scroll`, `journeys.assert_reachable`, axe-core after the
animations settle) and keep a screenshot per size (test-artifacts/e2e/<name>-<size>.png).
"""

from tests.e2e.conftest import settle_animations
from tests.e2e.journeys import DESKTOP, PHONE, assert_reachable, no_sideways_scroll
from tests.e2e.test_journey_scoped_editors import assert_accessible as assert_admin_accessible
from tests.e2e.test_site import assert_accessible

__all__ = ["DESKTOP", "PHONE", "at_phone_too", "both_sizes", "check_screen"]


def size_name(page) -> str:
    return "phone" if page.viewport_size["width"] <= PHONE["width"] else "desktop"


def check_screen(page, name, screenshot, *, action=None, admin=False, axe=True):
    """The screen at the page's current size: no sideways scroll, `action` (a locator) reachable, axe clean."""
    what = f"{name} ({size_name(page)})"
    no_sideways_scroll(page, what)
    if action is not None:
        assert_reachable(page, action, what)
    if axe:
        settle_animations(page)  # a message fading in, a button's hover: axe reads the final colours
        (assert_admin_accessible if admin else assert_accessible)(page, what)
    screenshot(page, f"{name}-{size_name(page)}")


def both_sizes(page, name, screenshot, *, action=None, admin=False):
    """`check_screen` at the current size, then at the other one; the page is left at its first size."""
    first = dict(page.viewport_size)
    check_screen(page, name, screenshot, action=action, admin=admin)
    page.set_viewport_size(DESKTOP if size_name(page) == "phone" else PHONE)
    check_screen(page, name, screenshot, action=action, admin=admin)
    page.set_viewport_size(first)


def at_phone_too(page, name, screenshot, *, action=None, admin=False):
    """The screen a desktop journey just reached, checked again at phone size (`check_screen`), then the
    page is put back at its size: the first release's journeys pass at 390×844 without running twice."""
    first = dict(page.viewport_size)
    page.set_viewport_size(PHONE)
    check_screen(page, name, screenshot, action=action, admin=admin)
    page.set_viewport_size(first)
