"""The API in the browser: its docs page (Swagger UI from the portal's static files) renders under the
site's Content-Security-Policy, and a member creates, copies and revokes a token from the profile on a
phone and a desktop, axe-core clean."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import signed_in_context
from tests.e2e.test_site import assert_accessible
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


def test_the_api_docs_render_without_a_policy_violation(page):
    # The autouse fixture of the e2e kit fails the test on any violation Chromium reports.
    page.goto("/api/v1/docs")
    expect(page.get_by_text("/api/v1/events").first).to_be_visible(timeout=15000)


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_a_member_creates_and_revokes_a_token_from_the_profile(
    browser, browser_context_args, live_portal, screenshot, device
):
    member = PersonFactory()
    context = signed_in_context(browser, browser_context_args, live_portal, member, viewport=VIEWPORTS[device])
    page = context.new_page()
    page.goto("/compte/profil/")
    page.get_by_role("link", name="Mes jetons d'API").click()
    page.get_by_label("Nom du jeton").fill("Mon agenda")
    page.get_by_role("button", name="Créer le jeton").click()

    secret = page.get_by_label("Jeton", exact=True).input_value()
    assert secret.startswith("ptce_")
    expect(page.get_by_text("il ne sera plus affiché")).to_be_visible()
    assert_accessible(page, f"token page ({device})")
    screenshot(page, f"api-token-{device}")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # nothing overflows
    answer = context.request.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert answer.status == 200

    page.get_by_role("button", name="Révoquer « Mon agenda »").click()
    expect(page.get_by_text("est révoqué")).to_be_visible()
    assert context.request.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status == 401
    context.close()
