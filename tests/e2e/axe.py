"""axe-core in the page under test, loaded once per document.

axe_playwright_python's `Axe().run(page)` sends the whole axe.min.js (570 kB) to Chromium and
evaluates it before every run, even in a document that already has it: Journey.check and
sizes.both_sizes check one document at two sizes, and many tests check one page more than once.
Here the script goes in only when the document does not have it yet (a navigation starts a new
document, without it; a page's own axe-core, such as Wagtail's userbar may bring, is not ours and is
replaced, as the package does), then `axe.run` checks the document as it is now: axe-core empties its own
caches at the end of each run (its teardown), so a second run on the same document reads the
current layout, colours and DOM like the first.

The violations are those of `Axe().run`: the same script, the same options (resultTypes: violations),
wrapped in the same AxeResults for its report; the rest of axe-core's results, which no test reads,
stays in the browser.
"""

from axe_playwright_python.base import AXE_SCRIPT, AxeResults
from axe_playwright_python.sync_playwright import DEFAULT_OPTIONS

# Impacts axe-core rates as blocking for some visitors: none is accepted.
BLOCKING = {"serious", "critical"}

# The script sets window.axe; the copy under our own name tells ours from any other.
_LOADED = "() => window.axe !== undefined && window.axe === window.__testsAxe"
_MARK = "() => { window.__testsAxe = window.axe; }"
# Only the violations come back: the passes, the incomplete and the inapplicable rules (with every
# rule's metadata) are what Chromium and Playwright would otherwise serialise for nothing.
_RUN = """([context, options]) => axe.run(context ?? document, options)
    .then(results => ({violations: results.violations}))"""


def run_axe(page, context=None) -> AxeResults:
    """axe-core's results for the page's current document (`context`: axe's, e.g. {"exclude": [...]})."""
    if not page.evaluate(_LOADED):
        page.evaluate(AXE_SCRIPT)
        page.evaluate(_MARK)
    return AxeResults(page.evaluate(_RUN, [context, DEFAULT_OPTIONS]))


def assert_no_blocking_violation(page, name, context=None) -> None:
    """Fails with axe-core's report when it finds a serious or critical violation."""
    results = run_axe(page, context)
    blocking = [violation for violation in results.response["violations"] if violation["impact"] in BLOCKING]
    assert not blocking, f"{name}: " + results.generate_report()
