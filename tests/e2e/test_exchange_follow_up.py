"""An organiser follows up the synergies of a morning in Chromium, on a phone (390×844) and a desktop
(1280×800): the session's list filtered by status, one synergy put in contact with its next step, a
dated note, then done with 3 tonnes diverted; every screen axe-core clean, nothing scrolls sideways."""

import datetime

import pytest
from playwright.sync_api import expect

from knowledge.exchange.models import (
    ExchangeSession,
    Interest,
    Registration,
    ResourceSheet,
    SessionStatus,
    Synergy,
    SynergyStatus,
)
from portal.members import services as member_services
from portal.members.models import PersonRole
from tests.e2e.conftest import signed_in_context
from tests.e2e.test_site import assert_accessible
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


def _no_sideways_scroll(page, what):
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth"), f"{what} scrolls sideways"


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_an_organiser_follows_a_synergy_to_done_on_the_sessions_list(
    browser, browser_context_args, live_portal, screenshot, device
):
    organiser = UserFactory()
    member_services.person_create(user=organiser, organisation=OrganisationFactory(), role=PersonRole.ORGANISER)
    session = ExchangeSession.objects.create(
        title="Bourse d'automne", date="2026-10-08", venue="Salle du club", status=SessionStatus.DONE
    )
    joinery, farm, printer = (
        OrganisationFactory(name=name) for name in ("Menuiserie Durand", "Ferme Vidal", "Imprimerie Roux")
    )
    for firm in (joinery, farm, printer):
        Registration.objects.create(session=session, organisation=firm)
    offer = ResourceSheet.objects.create(
        organisation=joinery, direction="offer", category="materials", title="Chutes de chêne",
        description="Deux palettes par mois.",
    )  # fmt: skip
    for firm in (farm, printer):
        interest = Interest.objects.create(
            session=session, round=1, sheet=offer, organisation=firm, interested=True,
            recorded_at=datetime.datetime(2026, 10, 8, 9, 30, tzinfo=datetime.UTC),
        )  # fmt: skip
        Synergy.objects.create(
            offer=offer, provider=joinery, beneficiary=firm, session=session, interest=interest,
            status=SynergyStatus.IDEA if firm == farm else SynergyStatus.IN_PROGRESS,
        )  # fmt: skip

    context = signed_in_context(browser, browser_context_args, live_portal, organiser, viewport=VIEWPORTS[device])
    page = context.new_page()
    page.goto(f"/bourse/sessions/{session.pk}/synergies/")
    expect(page.get_by_role("heading", level=1, name="Synergies à suivre")).to_be_visible()
    expect(page.locator(".synergy-card")).to_have_count(2)
    _no_sideways_scroll(page, "the list")
    assert_accessible(page, f"session's synergies ({device})")

    filters = page.get_by_role("navigation", name="Filtrer par statut")
    filters.get_by_role("link", name="À contacter").click()
    expect(page.locator(".synergy-card")).to_have_count(1)
    card = page.locator(".synergy-card")
    expect(card.get_by_text("De Menuiserie Durand vers Ferme Vidal")).to_be_visible()
    card.get_by_role("link", name="Suivre").click()

    expect(page.get_by_role("heading", level=1, name="Chutes de chêne")).to_be_visible()
    _no_sideways_scroll(page, "the follow-up form")
    assert_accessible(page, f"synergy follow-up ({device})")
    page.locator("#id_status").select_option("in_contact")
    page.locator("#id_next_step").fill("Visiter la ferme")
    page.locator("#id_next_step_on").fill("2026-12-15")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Prochaine étape : Visiter la ferme")).to_be_visible()

    page.get_by_role("link", name="Suivre — Chutes de chêne").first.click()
    page.locator("#id_text").fill("Appel au gérant : intéressé.")
    page.get_by_role("button", name="Ajouter la note").click()
    expect(page.get_by_text("Appel au gérant : intéressé.")).to_be_visible()
    page.locator("#id_status").select_option("implemented")
    page.locator("#id_tonnes_per_year").fill("3")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_role("navigation", name="Filtrer par statut").get_by_role("link", name="Réalisée").click()
    expect(page.get_by_text("3 t détournées")).to_be_visible()
    screenshot(page, f"exchange-follow-up-{device}")
    synergy = Synergy.objects.get(beneficiary=farm)
    assert synergy.status == SynergyStatus.IMPLEMENTED and synergy.tonnes_per_year == 3
    assert synergy.follow_up_notes.get().text == "Appel au gérant : intéressé."
    context.close()
