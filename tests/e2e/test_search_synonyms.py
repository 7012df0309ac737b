"""The synonyms' screen as an administrator uses it (#24), on a phone (390×844) and a desktop
(1280×800): a word members type ("fablab") finds nothing; she adds the rule in the admin's settings,
a mistyped rule is refused in French with her text kept, and the very next search on the public site
finds the workshop, with no rebuild; no serious or critical axe violation on the screens."""

import pytest
from playwright.sync_api import expect

from portal.members import services as member_services
from portal.members.models import PersonRole
from search.documents import PUBLIC, SearchDocument
from search.models import SynonymRule
from tests.e2e.conftest import settle_animations, signed_in_context
from tests.e2e.test_journey_scoped_editors import assert_accessible
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_an_administrator_adds_a_synonym_and_the_next_search_finds_the_document(
    search_index, browser, browser_context_args, live_portal, screenshot, device
):
    search_index.add(
        SearchDocument(
            type="best_practice", id="1", title="Atelier partagé de réparation", url="/", visibility=[PUBLIC]
        )
    )
    search_index.refresh()
    administrator = member_services.person_create(user=UserFactory(), role=PersonRole.ADMINISTRATOR).user
    page = signed_in_context(
        browser, browser_context_args, live_portal, administrator, viewport=VIEWPORTS[device]
    ).new_page()

    page.goto("/recherche/?q=fablab")
    expect(page.get_by_text("Aucun résultat pour « fablab »", exact=False)).to_be_visible()

    page.goto("/admin/search-synonyms/")
    expect(page.get_by_role("heading", level=1, name="Synonymes de la recherche")).to_be_visible()
    assert_accessible(page, f"the synonyms' list ({device})")
    page.goto("/admin/search-synonyms/new/")
    page.get_by_label("Mots").fill("fablab; atelier partagé")
    page.get_by_label("Note").fill("Demandé par le club des Tanneries")
    page.get_by_role("button", name="Créer").first.click()
    expect(page.get_by_text("ne peut contenir que des lettres", exact=False)).to_be_visible()
    expect(page.get_by_label("Note")).to_have_value("Demandé par le club des Tanneries")
    # Wagtail fades its error counter in: judged once the animation is over, as a person reads it.
    settle_animations(page)
    assert_accessible(page, f"the synonym form with its error ({device})")
    assert not SynonymRule.objects.filter(rule__contains="fablab").exists()

    page.get_by_label("Mots").fill("FabLab, atelier partagé")
    page.get_by_role("button", name="Créer").first.click()
    expect(page.get_by_role("link", name="fablab, atelier partagé")).to_be_visible()
    screenshot(page, f"search-synonyms-{device}")

    # The same search as before, on the public results page: the rule applies at once (no rebuild).
    page.goto("/recherche/?q=fablab")
    expect(page.locator("main").get_by_role("link", name="Atelier partagé de réparation")).to_be_visible()
    page.context.close()
