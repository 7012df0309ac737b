"""The portal's ES modules in Chromium: the header's search suggestions (search/autocomplete.js,
loaded on every page with <script type="module">) run, and no script of the page fails."""

import pytest
from playwright.sync_api import expect

from search import indexing as search_indexing
from tests.factories import BestPracticeFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def indexed_practice(search_index):
    record = BestPracticeFactory(title="Une cantine sans gaspillage")
    search_indexing.schedule_index(record)  # the factory skips the service, which queues it
    # Searchable before the first keystroke: the browser keeps a suggestions answer for 60 s
    # (Cache-Control), so an empty answer to a query typed before the index's refresh would be the
    # answer to every retry of that query.
    search_indexing.drain(backend=search_index)
    search_index.refresh()
    return record


def test_the_search_box_suggests_titles_as_a_visitor_types(indexed_practice, page):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto("/")
    box = page.locator("#header-search-q")
    expect(box).to_have_attribute("aria-autocomplete", "list")  # the module ran

    suggestion = page.locator("#header-search-q-suggestions").get_by_role("link", name="Une cantine sans gaspillage")
    box.press_sequentially("gaspi")
    expect(suggestion).to_be_visible()
    box.press("ArrowDown")
    expect(suggestion).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.locator("#header-search-q-suggestions")).to_be_hidden()
    assert errors == []
