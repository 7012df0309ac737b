"""A member fills her organisation's form from the company register, in the browser: a name typed, the
firms listed, one chosen with the keyboard, the form filled (its point on the map included) and saved;
the register down said in French. On a phone (390×844) and a desktop (1280×800), axe-core clean.
The register answers from recorded files on loopback (tests/portal/outside/recorded.py)."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import signed_in_context
from tests.e2e.test_site import assert_accessible
from tests.factories import OrganisationFactory, PersonFactory
from tests.portal.outside.recorded import ADDRESS_PREFIX, REGISTER_PREFIX

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


@pytest.fixture
def register(recorded_outside):
    """The recorded register and address base that the daphne under test reaches."""
    recorded_outside.answer(REGISTER_PREFIX + "/search", "company_register_name.json", q="repair")
    recorded_outside.answer(REGISTER_PREFIX + "/search", status=503, body="", q="panne")
    return recorded_outside


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_a_member_fills_her_organisation_from_the_register_with_the_keyboard(
    register, browser, browser_context_args, live_portal, screenshot, device
):
    organisation = OrganisationFactory(name="Atelier à compléter", address="", postcode="", commune="")
    member = PersonFactory(organisation=organisation)
    context = signed_in_context(browser, browser_context_args, live_portal, member, viewport=VIEWPORTS[device])
    page = context.new_page()
    page.goto(f"/compte/organisations/{organisation.slug}/modifier/")
    lookup = page.get_by_role("region", name="Remplir à partir du registre des entreprises")
    expect(lookup).to_be_visible()
    query = lookup.get_by_label("SIRET ou nom de l'entreprise")
    query.fill("repair")
    query.press("Enter")
    expect(lookup.get_by_role("status")).to_have_text("Choisissez l'entreprise pour remplir le formulaire :")
    choices = lookup.get_by_role("list", name="Entreprises trouvées dans le registre").get_by_role("button")
    expect(choices).to_have_count(2)
    expect(choices.nth(1)).to_contain_text("SIRET 998 100 036 00016")
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways"
    assert_accessible(page, f"register lookup ({device})")
    screenshot(page, f"register-lookup-{device}")
    query.press("ArrowDown")
    expect(choices.nth(0)).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(choices.nth(1)).to_be_focused()
    page.keyboard.press("Enter")
    expect(lookup.get_by_role("status")).to_have_text(
        "Le formulaire a été rempli à partir du registre : vérifiez-le, puis enregistrez."
    )
    expect(page.get_by_label("Nom :", exact=True)).to_be_focused()
    expect(page.get_by_label("Nom :", exact=True)).to_have_value("SCOP REPARATION ELECTROMENAGER DU VAL")
    expect(page.get_by_label("SIRET :", exact=True)).to_have_value("99810003600016")
    expect(page.get_by_label("Adresse :", exact=True)).to_have_value("22 ROUTE DE VIERZON")
    expect(page.get_by_label("Tranche d'effectif :", exact=True)).to_have_value("20-49")
    expect(page.get_by_label("Type :", exact=True)).to_have_value("cooperative")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_role("heading", level=1, name="Mon profil").wait_for()
    organisation.refresh_from_db()
    assert organisation.name == "SCOP REPARATION ELECTROMENAGER DU VAL" and organisation.naf_code == "95.22Z"
    assert (organisation.latitude, organisation.longitude) == (Decimal("47.198114"), Decimal("2.102455"))
    assert register.asked(ADDRESS_PREFIX + "/search/") == []  # placed by the register: no geocoding
    context.close()


def test_the_register_down_is_said_and_the_form_stays_usable(register, browser, browser_context_args, live_portal):
    organisation = OrganisationFactory(name="Atelier du Pont")
    context = signed_in_context(browser, browser_context_args, live_portal, PersonFactory(organisation=organisation))
    page = context.new_page()
    page.goto(f"/compte/organisations/{organisation.slug}/modifier/")
    lookup = page.get_by_role("region", name="Remplir à partir du registre des entreprises")
    lookup.get_by_label("SIRET ou nom de l'entreprise").fill("panne")
    lookup.get_by_role("button", name="Chercher").click()
    expect(lookup.get_by_role("status")).to_contain_text("ne répond pas pour le moment")
    expect(page.get_by_label("Nom :", exact=True)).to_have_value("Atelier du Pont")
    context.close()
