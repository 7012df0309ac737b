"""After the morning: each YES is a potential synergy the club's organisers follow up to the end."""

import datetime

import pytest
from django.urls import reverse

from knowledge.exchange import services
from knowledge.exchange.models import Direction, ResourceSheet, SessionStatus, Synergy, SynergyStatus
from tests.factories import PersonFactory

from .conftest import seated

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_session_with_yes(session_with_tables, organiser):
    """Round 1 ran: at table 1 two firms said YES to an offer and one said NO; the session is closed."""
    session, tables, secretaries = session_with_tables
    session = services.round_advance(session=session, by=organiser)
    firms = seated(tables[0])
    offer = ResourceSheet.objects.filter(direction=Direction.OFFER, organisation_id=firms[0]).get()
    for firm, answer in ((firms[1], True), (firms[2], True), (firms[3], False)):
        services.interest_record(
            table=tables[0], sheet_id=offer.pk, organisation_id=firm, interested=answer, by=secretaries[0]
        )
    session = services.session_close(session=session, by=organiser)
    return session, offer, firms


def test_closing_the_session_opens_one_synergy_to_contact_per_yes_and_only_once(
    client, organiser, closed_session_with_yes
):
    session, offer, firms = closed_session_with_yes
    synergies = Synergy.objects.filter(session=session)
    assert synergies.count() == 2
    assert {s.status for s in synergies} == {SynergyStatus.IDEA}
    assert {(s.provider_id, s.beneficiary_id) for s in synergies} == {(firms[0], firms[1]), (firms[0], firms[2])}
    client.force_login(organiser)
    response = client.post(reverse("exchange:session_synergies", args=[session.pk]), follow=True)
    assert Synergy.objects.filter(session=session).count() == 2
    assert "0 OUI est devenu une synergie potentielle." in response.content.decode()
    page = client.get(reverse("exchange:session_synergies", args=[session.pk]))
    content = page.content.decode()
    assert content.count('class="card synergy-card"') == 2 and "À contacter" in content


def test_an_organiser_follows_a_synergy_from_contact_to_done_with_dated_notes(
    client, organiser, closed_session_with_yes
):
    session, _offer, _firms = closed_session_with_yes
    synergy, other = Synergy.objects.filter(session=session).order_by("pk")
    client.force_login(organiser)
    url = reverse("exchange:synergy", args=[synergy.pk])
    response = client.post(
        url,
        {"status": "in_contact", "next_step": "Visiter le site", "next_step_on": "2031-02-03", "abandon_reason": ""},
    )
    assert response.status_code == 302 and response.url == reverse("exchange:session_synergies", args=[session.pk])
    client.post(
        reverse("exchange:synergy_note", args=[synergy.pk]), {"written_on": "2026-11-20", "text": "Premier appel."}
    )
    client.post(reverse("exchange:synergy_note", args=[synergy.pk]), {"text": "Devis reçu."})
    page = client.get(url).content.decode()
    assert page.index("Devis reçu.") < page.index("Premier appel.")  # the latest note first
    assert "20/11/2026" in page

    client.post(
        url,
        {"status": "implemented", "implemented_on": "", "tonnes_per_year": "3", "euros_per_year": "1200", "jobs": "1"},
    )
    synergy.refresh_from_db()
    assert synergy.status == SynergyStatus.IMPLEMENTED and synergy.implemented_on == datetime.date.today()
    assert (synergy.tonnes_per_year, synergy.euros_per_year, synergy.jobs) == (3, 1200, 1)
    assert synergy.follow_up_notes.count() == 2

    # Abandoning needs a reason, said in French.
    refused = client.post(reverse("exchange:synergy", args=[other.pk]), {"status": "abandoned", "abandon_reason": " "})
    assert refused.status_code == 200 and "Indiquez pourquoi la synergie est abandonnée." in refused.content.decode()
    client.post(reverse("exchange:synergy", args=[other.pk]), {"status": "abandoned", "abandon_reason": "Trop loin"})
    other.refresh_from_db()
    assert (other.status, other.abandon_reason) == (SynergyStatus.ABANDONED, "Trop loin")

    # The list filters by status.
    listing = client.get(reverse("exchange:session_synergies", args=[session.pk]), {"statut": "abandoned"})
    content = listing.content.decode()
    assert content.count('class="card synergy-card"') == 1 and "Trop loin" in content
    done = client.get(reverse("exchange:session_synergies", args=[session.pk]), {"statut": "implemented"})
    assert "3 t détournées" in done.content.decode()


def test_the_firms_read_their_synergy_but_only_the_clubs_organisers_follow_it_up(client, closed_session_with_yes):
    session, offer, _firms = closed_session_with_yes
    synergy = Synergy.objects.filter(session=session).first()
    member = PersonFactory(organisation=offer.organisation).user
    client.force_login(member)
    listing = client.get(reverse("exchange:synergies"))
    assert offer.title in listing.content.decode()
    assert reverse("exchange:synergy", args=[synergy.pk]) not in listing.content.decode()
    assert client.get(reverse("exchange:synergy", args=[synergy.pk])).status_code == 403
    client.post(reverse("exchange:synergy_note", args=[synergy.pk]), {"text": "Pas le droit"})
    assert not synergy.follow_up_notes.exists()
    assert client.get(reverse("exchange:session_synergies", args=[session.pk])).status_code == 403
    assert session.status == SessionStatus.DONE
