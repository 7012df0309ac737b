"""Matching suggestions between offers and needs, confirmed or dismissed by either firm through its
link or by an organiser; a confirmed one becomes a potential synergy."""

import pytest
from django.urls import reverse

from knowledge.exchange import services
from knowledge.exchange.models import Direction, MatchSuggestion, Registration, Synergy, SynergyStatus
from tests.factories import OrganisationFactory

from .conftest import SessionFactory, SheetFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def firms_with_links(organiser):
    session = SessionFactory()
    durand, vidal, roux = (OrganisationFactory(name=n) for n in ("Menuiserie Durand", "Ferme Vidal", "Imprimerie Roux"))
    offer = SheetFactory(organisation=durand, direction=Direction.OFFER, category="materials", title="Chutes de chêne")
    need = SheetFactory(organisation=vidal, direction=Direction.NEED, category="materials", title="Bois de paillage")
    SheetFactory(organisation=vidal, direction=Direction.NEED, category="energy", title="Chaleur")  # other category
    links = {}
    for firm in (durand, vidal, roux):
        registration = Registration.objects.create(session=session, organisation=firm)
        links[firm.name] = reverse(
            "exchange:firm",
            args=[services.link_issue(registration=registration, by=organiser, base_url="http://t/", send=False)],
        )
    return session, offer, need, links


def test_a_firm_confirms_a_suggestion_through_its_link_and_it_becomes_a_synergy(client, firms_with_links):
    session, offer, need, links = firms_with_links
    page = client.get(links["Ferme Vidal"]).content.decode()
    page = page.split("Suggestions entre offres et besoins")[1].split("<h2>")[0]  # the suggestions' section
    assert "Chutes de chêne" in page and "Bois de paillage" in page and "Chaleur" not in page
    response = client.post(
        links["Ferme Vidal"] + "suggestions/", {"offer": offer.pk, "need": need.pk, "action": "confirm"}
    )
    assert response.status_code == 302
    synergy = Synergy.objects.get()
    assert (synergy.offer, synergy.need, synergy.provider, synergy.beneficiary) == (
        offer, need, offer.organisation, need.organisation
    )  # fmt: skip
    assert synergy.status == SynergyStatus.IDEA and synergy.session == session
    assert MatchSuggestion.objects.get().decided_by_firm == need.organisation
    # Decided: neither firm sees it again, and it cannot be decided twice.
    durand_page = client.get(links["Menuiserie Durand"]).content.decode()
    assert "Aucune suggestion pour l'instant" in durand_page.replace("&#x27;", "'")
    client.post(links["Menuiserie Durand"] + "suggestions/", {"offer": offer.pk, "need": need.pk, "action": "dismiss"})
    assert MatchSuggestion.objects.count() == 1 and Synergy.objects.count() == 1


def test_another_firms_link_cannot_decide_and_a_dismissed_one_opens_no_synergy(client, organiser, firms_with_links):
    _session, offer, need, links = firms_with_links
    refused = client.post(
        links["Imprimerie Roux"] + "suggestions/", {"offer": offer.pk, "need": need.pk, "action": "confirm"}
    )
    assert refused.status_code == 404 and not MatchSuggestion.objects.exists()
    client.force_login(organiser)
    client.post(reverse("exchange:suggestion_decide"), {"offer": offer.pk, "need": need.pk, "action": "dismiss"})
    suggestion = MatchSuggestion.objects.get()
    assert suggestion.decision == "dismissed" and suggestion.synergy is None and not Synergy.objects.exists()
