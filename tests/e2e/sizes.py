"""One screen checked at both sizes a journey is tried at, without running the journey twice.

`both_sizes(page, name, screenshot)` checks the screen at the page's current size, switches the viewport
to the other size (phone 390×844 ⇄ desktop 1280×800), checks it again, and switches back: each time
nothing scrolls sideways, the screen's main action is visible within the width, axe-core finds no
serious or critical violation, and a full-page screenshot is kept (test-artifacts/e2e/<name>-<size>.png).
"""

from playwright.sync_api import expect

from tests.e2e.conftest import settle_animations
from tests.e2e.test_journey_scoped_editors import assert_accessible as assert_admin_accessible
from tests.e2e.test_site import assert_accessible

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


def size_name(page) -> str:
    return "phone" if page.viewport_size["width"] <= PHONE["width"] else "desktop"


def fits(page) -> bool:
    return page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth + 1")


def check_screen(page, name, screenshot, *, action=None, admin=False, axe=True):
    """The screen at the page's current size: no sideways scroll, `action` (a locator) reachable, axe clean."""
    size = size_name(page)
    assert fits(page), f"{name} ({size}): the page scrolls sideways"
    if action is not None:
        action.scroll_into_view_if_needed()
        expect(action).to_be_in_viewport()
        box = action.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"] + 1, (
            f"{name} ({size}): the main action sticks out of the screen: {box}"
        )
    if axe:
        settle_animations(page)  # a message fading in, a button's hover: axe reads the final colours
        (assert_admin_accessible if admin else assert_accessible)(page, f"{name} ({size})")
    screenshot(page, f"{name}-{size}")


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
