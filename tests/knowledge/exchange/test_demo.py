"""The demo's Bourse d'échanges: a past session with answers and synergies, the next one seated."""

from knowledge.exchange import selectors
from knowledge.exchange.demo import NEXT_TITLE, PAST_TITLE, load_exchange
from knowledge.exchange.models import ExchangeSession, Interest, ResourceSheet, SessionStatus, Synergy
from portal.clubs.demo import load_clubs
from portal.members.demo import load_members


def test_the_demo_has_sheets_a_held_session_with_interests_and_synergies_and_a_seated_next_one(db):
    members = load_members()
    members.update(load_clubs(members))
    load_exchange(people=members["people"], clubs=members["clubs"])

    past, upcoming = ExchangeSession.objects.get(title=PAST_TITLE), ExchangeSession.objects.get(title=NEXT_TITLE)
    assert past.status == SessionStatus.DONE and upcoming.status == SessionStatus.PLANNED
    assert ResourceSheet.objects.count() >= 80
    assert Interest.objects.filter(session=past, interested=True).count() >= 6
    # Closing the session opened a potential synergy for each YES; six of them were followed up.
    synergies = Synergy.objects.filter(session=past)
    assert synergies.count() == Interest.objects.filter(session=past, interested=True).count()
    assert synergies.exclude(status="idea").count() == 4
    for session in (past, upcoming):
        tables = selectors.seating(session)
        assert all(3 <= len(table.registrations.all()) <= 5 for table in tables)
        assert all(table.secretary_id and table.facilitator_id for table in tables)
    # The field example's history for the cluster.
    history = {row["year"]: row for row in selectors.objectives_dashboard(None)}
    assert history[2016]["synergies_implemented"] == 5 and history[2017]["synergies_implemented"] == 3
    assert history[2017]["synergies_planned"] == 5

    # Loading again adds nothing.
    load_exchange(people=members["people"], clubs=members["clubs"])
    assert ExchangeSession.objects.count() == 4
