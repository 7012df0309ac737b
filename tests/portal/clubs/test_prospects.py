"""Prospects: the zone's firms that are not members yet, and the contacts made with them."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from portal.clubs import selectors as club_selectors
from portal.clubs import services as club_services
from portal.clubs.models import ContactStatus, ProspectContact
from portal.members.models import MembershipStatus
from tests.dates import local_today
from tests.factories import MembershipFactory, OrganisationFactory, ZoneFactory

from .conftest import animate


def test_prospects_are_the_zone_firms_without_a_current_membership_with_their_latest_contact(organiser):
    zone = ZoneFactory()
    member = OrganisationFactory(zone=zone, name="Déjà membre")
    MembershipFactory(organisation=member)
    former = OrganisationFactory(zone=zone, name="Ancien membre")
    MembershipFactory(organisation=former, status=MembershipStatus.LEFT, ended_on=local_today())
    called = OrganisationFactory(zone=zone, name="Appelée")
    OrganisationFactory(zone=zone, name="Jamais contactée")
    OrganisationFactory(name="Autre zone")
    animate(organiser, zone)
    club_services.prospect_contact_record(organisation=called, status=ContactStatus.INVITED, by=organiser,
                                      contacted_on=local_today() - datetime.timedelta(days=10))  # fmt: skip
    club_services.prospect_contact_record(organisation=called, status=ContactStatus.CALLED, by=organiser)
    names = {org.name: org.contact_status for org in club_selectors.zone_prospects(zone)}
    assert names == {"Ancien membre": None, "Appelée": "called", "Jamais contactée": None}
    assert [o.name for o in club_selectors.zone_prospects(zone, status="called")] == ["Appelée"]
    assert [o.name for o in club_selectors.zone_prospects(zone, status="invited")] == []
    assert len(club_selectors.zone_prospects(zone, status="none")) == 2
    counts = club_selectors.prospect_status_counts(zone)
    assert counts["none"] == 2 and counts["called"] == 1 and sum(counts.values()) == 3


def _recorder(by):
    """Logs a contact of `by` with a firm, `ago` days ago."""

    def record(firm, status, ago=0):
        on = local_today() - datetime.timedelta(days=ago)
        return club_services.prospect_contact_record(organisation=firm, status=status, by=by, contacted_on=on)

    return record


def test_the_counts_by_status_agree_with_the_latest_contact_the_list_shows_for_each_firm(organiser):
    zone = ZoneFactory()
    animate(organiser, zone)
    record = _recorder(organiser)

    firms = {name: OrganisationFactory(zone=zone, name=name) for name in "ABCDEF"}
    record(firms["A"], ContactStatus.INVITED, ago=10)
    record(firms["A"], ContactStatus.CALLED, ago=2)  # a later date wins
    record(firms["B"], ContactStatus.CALLED)
    record(firms["B"], ContactStatus.INVITED, ago=5)  # recorded after, but of an earlier date
    record(firms["C"], ContactStatus.VISITED, ago=1)
    record(firms["C"], ContactStatus.DECLINED, ago=1)  # the same date: the one recorded last wins
    first = record(firms["D"], ContactStatus.CALLED, ago=3)
    last = record(firms["D"], ContactStatus.VISITED, ago=3)
    ProspectContact.objects.filter(pk=first.pk).update(created_at=last.created_at)  # the same instant too
    member = OrganisationFactory(zone=zone, name="Membre")  # E and F: never contacted
    record(member, ContactStatus.JOINED)
    MembershipFactory(organisation=member)
    elsewhere = ZoneFactory()
    animate(organiser, elsewhere)
    record(OrganisationFactory(zone=elsewhere, name="Autre zone"), ContactStatus.VISITED)

    listed = {firm.name: firm.contact_status for firm in club_selectors.zone_prospects(zone)}
    assert listed == {"A": "called", "B": "called", "C": "declined", "D": "visited", "E": None, "F": None}
    counts = club_selectors.prospect_status_counts(zone)
    assert counts == {"none": 2, "invited": 0, "called": 2, "visited": 1, "joined": 0, "declined": 1}
    for status, count in counts.items():
        assert len(club_selectors.zone_prospects(zone, status=status)) == count, status


def test_the_status_filter_lists_exactly_the_firms_whose_latest_contact_has_that_status(organiser):
    zone = ZoneFactory()
    animate(organiser, zone)
    record = _recorder(organiser)

    firms = {name: OrganisationFactory(zone=zone, name=name) for name in ("Alpha", "Bravo", "Charlie", "Delta", "Écho")}
    record(firms["Alpha"], ContactStatus.INVITED, ago=9)
    record(firms["Alpha"], ContactStatus.CALLED, ago=4)  # a later contact changed its status
    record(firms["Bravo"], ContactStatus.CALLED, ago=1)
    record(firms["Bravo"], ContactStatus.INVITED, ago=1)  # the same day, recorded after: it wins
    first = record(firms["Charlie"], ContactStatus.INVITED, ago=2)
    last = record(firms["Charlie"], ContactStatus.CALLED, ago=2)
    ProspectContact.objects.filter(pk=first.pk).update(created_at=last.created_at)  # the same instant: the last row
    record(firms["Delta"], ContactStatus.CALLED, ago=3)  # Écho: never contacted
    member = OrganisationFactory(zone=zone, name="Adhérente")
    record(member, ContactStatus.CALLED)
    MembershipFactory(organisation=member)
    elsewhere = ZoneFactory()
    animate(organiser, elsewhere)
    record(OrganisationFactory(zone=elsewhere, name="Ailleurs"), ContactStatus.CALLED)

    def listed(status):
        return [(firm.name, firm.contact_status) for firm in club_selectors.zone_prospects(zone, status=status)]

    assert listed("called") == [("Alpha", "called"), ("Charlie", "called"), ("Delta", "called")]
    assert listed("invited") == [("Bravo", "invited")]
    assert listed("none") == [("Écho", None)]
    assert listed("visited") == []
    assert [firm.name for firm in club_selectors.zone_prospects(zone, status="called", text="ta")] == ["Delta"]
    assert [firm.contacted_on for firm in club_selectors.zone_prospects(zone, status="invited")] == [
        local_today() - datetime.timedelta(days=1)
    ]
    record(firms["Écho"], ContactStatus.VISITED)
    record(firms["Delta"], ContactStatus.DECLINED)
    assert listed("called") == [("Alpha", "called"), ("Charlie", "called")]
    assert listed("none") == []
    assert listed("visited") == [("Écho", "visited")]
    assert listed("declined") == [("Delta", "declined")]


def test_contacts_need_an_animator_of_the_zone_and_a_past_date(member, organiser):
    firm = OrganisationFactory(zone=ZoneFactory())
    animate(organiser, ZoneFactory())
    for someone in (member, organiser):  # the organiser animates the club of another zone
        with pytest.raises(PermissionDenied):
            club_services.prospect_contact_record(organisation=firm, status="visited", by=someone)
    animate(organiser, firm.zone)
    with pytest.raises(ValidationError):
        club_services.prospect_contact_record(organisation=firm, status="visited", by=organiser,
                                          contacted_on=local_today() + datetime.timedelta(days=2))  # fmt: skip
    with pytest.raises(ValidationError):
        club_services.prospect_contact_record(organisation=firm, status="teleported", by=organiser)
    assert ProspectContact.objects.count() == 0


def test_prospects_page_records_a_contact(client, organiser, member):
    zone = ZoneFactory()
    firm = OrganisationFactory(zone=zone, name="Traiteur du parc")
    url = reverse("club:prospects", args=[zone.slug])
    client.force_login(member)
    assert client.get(url).status_code == 403
    client.force_login(animate(organiser, ZoneFactory()))
    assert client.get(url).status_code == 403  # another zone's animator
    animate(organiser, zone)
    assert "Traiteur du parc" in client.get(url).content.decode()
    contact_url = reverse("club:prospect_contact", args=[zone.slug, firm.pk])
    response = client.post(contact_url, {"status": "visited", "contacted_on": "31/02/2020", "next": "?statut="})
    assert response.status_code == 302 and ProspectContact.objects.count() == 0
    client.post(contact_url, {"status": "visited", "contacted_on": local_today().isoformat(), "note": "Intéressé"})
    assert ProspectContact.objects.get().status == "visited"
    page = client.get(url + "?statut=visited", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Traiteur du parc" in page
    # The row names the latest status and its form offers every status and comes back to this filter.
    assert '<span class="status status-visited">Visitée</span>' in page
    options = "".join(f'<option value="{value}">{label}</option>' for value, label in (
        ("invited", "Invitée"), ("called", "Appelée"), ("visited", "Visitée"), ("joined", "Adhérente"),
        ("declined", "Pas intéressée")))  # fmt: skip
    assert f'<select id="status-{firm.pk}" name="status">{options}</select>' in page
    assert '<input type="hidden" name="next" value="?statut=visited">' in page
    assert client.get(url + "?statut=called&page=abc").status_code == 200
    # A firm of another zone cannot be reached through this zone's address.
    other = OrganisationFactory()
    assert (
        client.post(reverse("club:prospect_contact", args=[zone.slug, other.pk]), {"status": "called"}).status_code
        == 404
    )
