"""What nobody found, as its people use it (#24): a visitor's misspelt search proposes the close
spelling, the result followed is told by the page's beacon, and the coordinator of the axis reads it
all in the report, on a phone (390×844) and a desktop (1280×800), without a serious or critical axe
violation nor a page scrolling sideways."""

import time

import pytest
from playwright.sync_api import expect

from knowledge.indexing import best_practice_document
from search.models import SearchLog
from tests.e2e.conftest import signed_in_context
from tests.e2e.test_site import assert_accessible
from tests.factories import BestPracticeFactory
from tests.matrix.kit import actor, build_world

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


def wait_for(condition, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the beacon never arrived"
        time.sleep(0.2)


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_a_misspelt_search_proposes_the_word_and_its_coordinator_reads_what_was_searched(
    search_index, browser, browser_context_args, live_portal, screenshot, device
):
    world = build_world()
    for n in range(2):
        record = BestPracticeFactory(title=f"Plateforme de compost partagée n°{n}", axis=world.axis_in)
        search_index.add(best_practice_document(record))
    search_index.refresh()
    coordinator = actor("coordinator", world)

    visitor = browser.new_context(**{**browser_context_args, "viewport": VIEWPORTS[device]}).new_page()
    # Narrowed to the axis, then a misspelt word typed again (the form keeps the filter): a search
    # that finds nothing, of that axis.
    visitor.goto(f"/recherche/?q=compost+partag%C3%A9e&axis={world.axis_in}")
    visitor.get_by_role("searchbox", name="Mots à rechercher").fill("kompost")
    visitor.get_by_role("searchbox", name="Mots à rechercher").press("Enter")
    expect(visitor.get_by_text("Aucun résultat pour « kompost »", exact=False)).to_be_visible()
    visitor.get_by_role("link", name="compost", exact=True).click()
    expect(visitor.locator(".search-count")).to_contain_text("2 résultats pour « compost »")
    visitor.get_by_role("link", name="Plateforme de compost partagée n°1").click()
    visitor.wait_for_load_state()
    wait_for(lambda: SearchLog.objects.filter(query="compost", clicked_rank__isnull=False).exists())
    visitor.context.close()

    page = signed_in_context(
        browser, browser_context_args, live_portal, coordinator, viewport=VIEWPORTS[device]
    ).new_page()
    page.goto("/recherche/rapport/")
    expect(page.get_by_role("heading", level=1, name="Ce que disent les recherches")).to_be_visible()
    nothing = page.get_by_role("region", name="Recherches qui n'ont rien trouvé")
    expect(nothing.get_by_role("rowheader", name="kompost")).to_be_visible()
    most = page.get_by_role("region", name="Les plus cherchées")
    compost = most.get_by_role("row").filter(has=page.get_by_role("rowheader", name="compost", exact=True))
    expect(compost).to_contain_text("1 (100 %)")
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")
    screenshot(page, f"search-report-{device}")
    assert_accessible(page, f"search report ({device})")
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger (XLSX)").click()
    assert download.value.suggested_filename.startswith("recherches-")
