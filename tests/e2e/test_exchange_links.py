"""A firm without an account takes part through its own link, in Chromium, on a phone (390×844) and a
desktop (1280×800): before the morning it files an offer and sees it counted against the five expected
(a revoked link then says so in French); after it, the same link confirms a matching suggestion, which
becomes a synergy for the organisers, and answers the satisfaction questionnaire. Every screen
axe-core clean, nothing scrolls sideways."""

import pytest
from playwright.sync_api import expect

from knowledge.exchange import services
from knowledge.exchange.models import (
    Direction,
    ExchangeSession,
    Registration,
    ResourceSheet,
    SatisfactionResponse,
    SessionStatus,
    Synergy,
    SynergyStatus,
)
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


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_after_the_morning_a_firm_confirms_a_suggestion_and_answers_the_questionnaire_through_its_link(
    browser, browser_context_args, live_portal, screenshot, device
):
    organiser = UserFactory()
    member_services.person_create(user=organiser, organisation=OrganisationFactory(), role=PersonRole.ORGANISER)
    session = ExchangeSession.objects.create(title="Bourse d'automne", date="2026-10-08", venue="Salle du club")
    farm, joinery = OrganisationFactory(name="Ferme Vidal", email=""), OrganisationFactory(name="Menuiserie Durand")
    offer = ResourceSheet.objects.create(
        organisation=joinery, direction=Direction.OFFER, category="materials", title="Chutes de chêne",
        description="Deux palettes par mois.",
    )  # fmt: skip
    need = ResourceSheet.objects.create(
        organisation=farm, direction=Direction.NEED, category="materials", title="Bois de paillage",
        description="Pour les allées du verger.",
    )  # fmt: skip
    Registration.objects.create(session=session, organisation=joinery)
    registration = Registration.objects.create(session=session, organisation=farm)
    token = services.link_issue(registration=registration, by=organiser, base_url=live_portal, send=False)
    ExchangeSession.objects.filter(pk=session.pk).update(status=SessionStatus.DONE)  # the morning is over

    context = browser.new_context(**{**browser_context_args, "viewport": VIEWPORTS[device]})
    page = context.new_page()
    page.goto(f"/bourse/entreprise/{token}/")
    suggestion = page.locator(".suggestion-list li", has_text="Chutes de chêne")
    expect(suggestion).to_contain_text("Bois de paillage")
    suggestion.get_by_role("button", name="Confirmer").click()
    expect(page.get_by_text("La suggestion est confirmée")).to_be_visible()
    expect(page.locator(".suggestion-list")).to_have_count(0)
    synergy = Synergy.objects.get()
    assert (synergy.offer, synergy.need, synergy.provider, synergy.beneficiary) == (offer, need, joinery, farm)
    assert synergy.status == SynergyStatus.IDEA and synergy.session == session

    page.get_by_role("link", name="Répondre au questionnaire de satisfaction").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Questionnaire de satisfaction")
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth"), "the form scrolls sideways"
    assert_accessible(page, f"firm's questionnaire ({device})")
    for field, score in (("logistics", "4"), ("method", "5"), ("atmosphere", "3")):
        page.locator(f"input[name={field}][value='{score}']").check()
    page.get_by_label("Commentaire").fill("Des rencontres utiles, un peu court.")
    page.get_by_role("button", name="Envoyer").click()
    expect(page.get_by_text("Votre entreprise a répondu au questionnaire")).to_be_visible()
    screenshot(page, f"exchange-firm-link-after-{device}")
    answer = SatisfactionResponse.objects.get(session=session)
    assert answer.organisation == farm and (answer.logistics, answer.method, answer.atmosphere) == (4, 5, 3)
    assert answer.comment == "Des rencontres utiles, un peu court."
    context.close()
