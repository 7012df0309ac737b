"""The check each step of a release journey (#23) makes of its screen, at both sizes.

A step is done at one size (the phone's when the journey puts it on a phone). Its screen is then
checked there and at the other size, the same page resized rather than opened twice: it fits the width
(no sideways scroll), the step's main action is on screen and inside the width, axe-core finds nothing
serious or critical, and a screenshot of each size is kept as
test-artifacts/e2e/journey-<n>-<step>-<name>-<desktop|phone>.png. The page is left at the size the step
was done at."""

from playwright.sync_api import expect

from tests.e2e.conftest import settle_animations
from tests.e2e.test_site import assert_accessible

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
SIZES = {"desktop": DESKTOP, "phone": PHONE}


# The innermost elements that reach past the width (five at most): what to fix when a screen scrolls sideways.
_OVERFLOWING = """() => {
    const past = element => element.getBoundingClientRect().right > window.innerWidth + 1;
    return [...document.body.querySelectorAll("*")]
        .filter(element => past(element) && ![...element.children].some(past))
        .slice(0, 5)
        .map(element => `${element.tagName.toLowerCase()}.${element.className}`
            + ` (${Math.round(element.getBoundingClientRect().right)} px): ${element.textContent.trim().slice(0, 60)}`);
}"""


def no_sideways_scroll(page, what):
    if not page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"):
        raise AssertionError(f"{what} scrolls sideways: " + "; ".join(page.evaluate(_OVERFLOWING)))


def assert_reachable(page, action, what):
    """The step's main action shows, and once scrolled to, lies inside the width (not cut off, not off-screen)."""
    expect(action).to_be_visible()
    action.scroll_into_view_if_needed()
    box = action.bounding_box()
    width = page.evaluate("window.innerWidth")
    inside = box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width + 1
    assert inside, f"{what}: its main action is outside the width"


class Journey:
    """`journey.check(page, "calls", action=page.get_by_role(...))` after each step."""

    def __init__(self, number, screenshot):
        self.number, self.screenshot, self.steps = number, screenshot, 0

    def check(self, page, name, *, action=None, accessible=assert_accessible):
        """Checks the screen at the size it is at, then at the other one. `action` is the locator of the
        step's main action (or a function of the page that returns it); `accessible(page, what)` is the
        axe-core check (the admin's leaves out two of Wagtail's own widgets)."""
        self.steps += 1
        done_at = page.viewport_size
        first = "phone" if done_at["width"] == PHONE["width"] else "desktop"
        for size in (first, "desktop" if first == "phone" else "phone"):
            what = f"journey {self.number}, step {self.steps} ({name}, {size})"
            if size != first:
                page.set_viewport_size(SIZES[size])
            settle_animations(page)
            self.screenshot(page, f"journey-{self.number}-{self.steps:02d}-{name}-{size}")
            no_sideways_scroll(page, what)
            if action is not None:
                assert_reachable(page, action(page) if callable(action) else action, what)
            accessible(page, what)
        page.set_viewport_size(done_at)
