"""A firm without an account files its sheets through its own link, in Chromium, on a phone (390×844)
and a desktop (1280×800): the organiser printed the link, the firm's contact opens it, files an offer,
sees it counted against the five expected; every screen axe-core clean. A revoked link says so in French."""

import pytest
from playwright.sync_api import expect

from knowledge.exchange import services
from knowledge.exchange.models import ExchangeSession, Registration, ResourceSheet
from portal.members import services as member_services
from portal.members.models import PersonRole
from tests.e2e.test_site import assert_accessible
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_a_firm_without_an_account_files_a_sheet_through_its_link(
    browser, browser_context_args, live_portal, screenshot, device
):
    organiser = UserFactory()
    member_services.person_create(user=organiser, organisation=OrganisationFactory(), role=PersonRole.ORGANISER)
    session = ExchangeSession.objects.create(title="Bourse du printemps", date="2027-03-04", venue="Salle du club")
    firm = OrganisationFactory(name="Menuiserie Durand", email="")
    registration = Registration.objects.create(session=session, organisation=firm)
    token = services.link_issue(registration=registration, by=organiser, base_url=live_portal, send=False)

    context = browser.new_context(**{**browser_context_args, "viewport": VIEWPORTS[device]})
    page = context.new_page()
    page.goto(f"/bourse/entreprise/{token}/")
    expect(page.get_by_role("heading", level=1, name="Menuiserie Durand")).to_be_visible()
    expect(page.get_by_text("0 offre sur 5 attendues")).to_be_visible()
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways"
    assert_accessible(page, f"firm's link page ({device})")
    page.get_by_role("link", name="Déposer ce que nous proposons").click()
    expect(page.get_by_role("heading", level=1, name="Nouvelle fiche ressource")).to_be_visible()
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth"), "the form scrolls sideways"
    assert_accessible(page, f"firm's sheet form ({device})")
    page.locator("#id_category").select_option("materials")
    page.locator("#id_title").fill("Chutes de chêne")
    page.locator("#id_description").fill("Environ deux palettes par mois, propres et triées.")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("1 offre sur 5 attendues")).to_be_visible()
    expect(page.get_by_role("link", name="Chutes de chêne")).to_be_visible()
    screenshot(page, f"exchange-firm-link-{device}")
    sheet = ResourceSheet.objects.get(title="Chutes de chêne")
    assert sheet.organisation == firm and sheet.direction == "offer" and sheet.created_by is None

    services.link_revoke(registration=registration, by=organiser)
    response = page.goto(f"/bourse/entreprise/{token}/")
    assert response.status == 410
    expect(page.get_by_text("Ce lien a été révoqué")).to_be_visible()
    assert_accessible(page, f"revoked link ({device})")
    context.close()
