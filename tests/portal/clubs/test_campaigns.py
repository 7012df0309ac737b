"""Campaigns: an animator groups the prospects of a zone her club covers into a phoning (or a
mailing), shares them among the club's animators, records what came of each contact and follows
the funnel (contacted, interested, joined); the prospect's log says it too."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from portal.clubs import selectors as club_selectors
from portal.clubs import services as club_services
from portal.clubs.models import Campaign, CampaignTarget, ContactStatus, ProspectContact
from portal.members.models import MembershipStatus
from tests.factories import ClubFactory, MembershipFactory, OrganisationFactory, ZoneFactory

from .test_prospect_files import another_animator

pytestmark = pytest.mark.django_db


@pytest.fixture
def tanneries():
    """The club of the Tanneries park: two animators, five prospects (one already called), one member."""
    zone = ZoneFactory(name="Parc des Tanneries")
    club = ClubFactory(zone=zone, name="Club des Tanneries")
    claire, nadia = another_animator(club), another_animator(club)
    firms = [OrganisationFactory(zone=zone, name=name, phone=f"04 78 00 00 0{n}") for n, name in enumerate(
        ["Atelier Durand", "Boulangerie Martin", "Garage du Pont", "Imprimerie Roy", "Traiteur du parc"])]  # fmt: skip
    club_services.prospect_contact_record(organisation=firms[2], status=ContactStatus.CALLED, by=claire, kind="call")
    member = OrganisationFactory(zone=zone, name="SCOP La Fabrique")
    MembershipFactory(organisation=member, club=club, status=MembershipStatus.ACTIVE)
    return {"zone": zone, "club": club, "claire": claire, "nadia": nadia, "firms": firms}


def start(t, **extra):
    fields = {"club": t["club"], "zone": t["zone"], "title": "Rentrée 2026", "kind": "phoning",
              "by": t["claire"], "assignees": [t["claire"], t["nadia"]], **extra}  # fmt: skip
    return club_services.campaign_create(**fields)


def test_a_campaign_groups_the_zones_prospects_shared_among_the_animators(tanneries):
    campaign = start(tanneries)
    targets = CampaignTarget.objects.filter(campaign=campaign)
    assert sorted(targets.values_list("organisation__name", flat=True)) == [
        "Atelier Durand", "Boulangerie Martin", "Garage du Pont", "Imprimerie Roy", "Traiteur du parc"]  # fmt: skip
    assert targets.filter(assigned_to=tanneries["claire"]).count() == 3
    assert targets.filter(assigned_to=tanneries["nadia"]).count() == 2
    never = start(tanneries, status="none", title="Jamais appelées")
    assert "Garage du Pont" not in never.targets.values_list("organisation__name", flat=True)
    assert never.targets.count() == 4


def test_only_the_clubs_animators_start_one_on_the_zones_it_covers(tanneries):
    elsewhere = ZoneFactory()
    other_club = ClubFactory(zone=elsewhere)
    stranger = another_animator(other_club)
    OrganisationFactory(zone=elsewhere)
    with pytest.raises(PermissionDenied):
        start(tanneries, by=stranger, assignees=[stranger])
    with pytest.raises(ValidationError):
        start(tanneries, zone=elsewhere)
    with pytest.raises(ValidationError):
        start(tanneries, assignees=[stranger])
    with pytest.raises(ValidationError):
        start(tanneries, status="joined")  # nobody matches: an empty campaign is refused
    assert not Campaign.objects.exists()


def test_recording_results_moves_the_funnel_and_the_prospects_log(tanneries):
    campaign = start(tanneries)
    claire = tanneries["claire"]
    targets = {t.organisation.name: t for t in campaign.targets.select_related("organisation")}
    club_services.campaign_target_record(target=targets["Atelier Durand"], result="called", by=claire)
    club_services.campaign_target_record(target=targets["Boulangerie Martin"], result="interested", by=claire,
                                         note="Viendra au petit-déjeuner")  # fmt: skip
    club_services.campaign_target_record(target=targets["Imprimerie Roy"], result="joined", by=claire)
    club_services.campaign_target_record(target=targets["Traiteur du parc"], result="not_interested", by=claire)
    funnel = club_selectors.campaign_funnel(campaign)
    assert (funnel.total, funnel.contacted, funnel.interested, funnel.joined, funnel.declined) == (5, 4, 2, 1, 1)
    latest = ProspectContact.objects.filter(organisation=targets["Boulangerie Martin"].organisation).first()
    assert (latest.status, latest.kind, latest.by) == ("called", "call", claire)
    assert latest.note == "Rentrée 2026 : Intéressée — Viendra au petit-déjeuner"
    assert (
        ProspectContact.objects.filter(organisation=targets["Imprimerie Roy"].organisation).first().status == "joined"
    )
    with pytest.raises(ValidationError):
        club_services.campaign_target_record(target=targets["Garage du Pont"], result="pending", by=claire)


def test_the_campaign_pages_start_one_and_show_my_firms_left(client, tanneries):
    client.force_login(tanneries["claire"])
    page = client.get(reverse("club:campaigns"))
    assert page.status_code == 200 and "Lancer une campagne" in page.content.decode()
    response = client.post(reverse("club:campaigns"), {
        "title": "Petit-déjeuner de mars", "club": tanneries["club"].pk, "zone": tanneries["zone"].pk,
        "kind": "phoning", "status": "", "assignees": [tanneries["claire"].pk, tanneries["nadia"].pk],
    })  # fmt: skip
    campaign = Campaign.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("club:campaign_detail", args=[campaign.pk])
    mine = client.get(response["Location"]).content.decode()
    assert mine.count('class="call-card"') == 3 and "Entreprises" in mine
    everyone = client.get(response["Location"] + "?qui=tous").content.decode()
    assert everyone.count('class="call-card"') == 5
    target = campaign.targets.filter(assigned_to=tanneries["claire"]).first()
    client.post(reverse("club:campaign_record", args=[campaign.pk, target.pk]), {"result": "interested", "note": ""})
    target.refresh_from_db()
    assert target.result == "interested"
    listing = client.get(reverse("club:campaigns")).content.decode()
    assert "Petit-déjeuner de mars" in listing


def test_another_clubs_animator_gets_nothing_of_the_campaign(client, tanneries):
    campaign = start(tanneries)
    stranger = another_animator(ClubFactory(zone=ZoneFactory()))
    client.force_login(stranger)
    target = campaign.targets.first()
    assert client.get(reverse("club:campaign_detail", args=[campaign.pk])).status_code == 403
    response = client.post(reverse("club:campaign_record", args=[campaign.pk, target.pk]), {"result": "joined"})
    assert response.status_code == 403
    target.refresh_from_db()
    assert target.result == "pending"
    assert "Rentrée 2026" not in client.get(reverse("club:campaigns")).content.decode()


# --- Beyond the zone's prospects: its members, a past event's participants (#18) -------------------


@pytest.fixture
def past_breakfast(tanneries):
    """The club's breakfast of last week on its own agenda: three firms registered, one cancelled."""
    from cms.events.models import EventIndexPage, EventRegistration, RegistrationStatus
    from cms.models import ClubPage, HomePage
    from tests.cms.pages import add_event, add_page

    club_page = add_page(
        HomePage.objects.get(), ClubPage, title="Club des Tanneries", slug="club-tanneries", club=tanneries["club"]
    )
    agenda = add_page(club_page, EventIndexPage, title="Agenda du club", slug="agenda")
    event = add_event(agenda, days=-7, title="Petit-déjeuner de novembre", capacity=30)
    elsewhere = OrganisationFactory(name="Menuiserie d'ailleurs")  # another park's firm came too
    came = [tanneries["firms"][0], tanneries["firms"][1], elsewhere]
    for n, firm in enumerate([*came, tanneries["firms"][3]]):
        EventRegistration.objects.create(
            event=event, name=f"Camille {n}", email=f"camille{n}@example.org", organisation=firm,
            status=RegistrationStatus.CANCELLED if n == 3 else RegistrationStatus.CONFIRMED,
            cancel_token_hash=f"past-{n}",
        )  # fmt: skip
    return event


def names(campaign):
    return sorted(campaign.targets.values_list("organisation__name", flat=True))


def test_a_campaign_may_target_the_zones_members(tanneries):
    campaign = start(tanneries, audience="members", title="Adhérents : assemblée")
    assert names(campaign) == ["SCOP La Fabrique"]
    new_park = ClubFactory(zone=ZoneFactory())
    OrganisationFactory(zone=new_park.zone)  # a prospect, no member yet
    animator = another_animator(new_park)
    with pytest.raises(ValidationError, match="aucune entreprise adhérente"):
        start({"club": new_park, "zone": new_park.zone, "claire": animator, "nadia": animator}, audience="members")


def test_a_campaign_may_target_the_participants_of_a_past_event_of_the_club(tanneries, past_breakfast):
    campaign = start(tanneries, audience="participants", past_event=past_breakfast.pk, title="Merci d'être venus")
    assert names(campaign) == ["Atelier Durand", "Boulangerie Martin", "Menuiserie d'ailleurs"]  # not the cancelled
    with pytest.raises(ValidationError) as refused:
        start(tanneries, audience="participants", past_event=None)
    assert "Choisissez un des événements passés du club." in str(refused.value)
    other_club = ClubFactory(zone=ZoneFactory())
    stranger = another_animator(other_club)
    with pytest.raises(ValidationError):  # the Tanneries' breakfast is no past event of another club
        club_services.campaign_create(
            club=other_club, zone=other_club.zone, title="x", kind="phoning", by=stranger, assignees=[stranger],
            audience="participants", past_event=past_breakfast.pk,
        )  # fmt: skip


def test_the_campaign_form_offers_the_members_and_the_past_events(client, tanneries, past_breakfast):
    client.force_login(tanneries["claire"])
    page = client.get(reverse("club:campaigns")).content.decode()
    assert "Les participants d’un événement passé du club" in page or "événement passé" in page
    assert "Petit-déjeuner de novembre" in page
    fields = {"title": "Merci d'être venus", "club": tanneries["club"].pk, "zone": tanneries["zone"].pk,
              "kind": "mailing", "assignees": [tanneries["claire"].pk]}  # fmt: skip
    refused = client.post(reverse("club:campaigns"), {**fields, "audience": "participants"})
    assert refused.status_code == 200 and "Choisissez un des événements passés du club." in refused.content.decode()
    assert not Campaign.objects.exists()
    response = client.post(reverse("club:campaigns"), {**fields, "audience": "participants",
                                                       "past_event": past_breakfast.pk})  # fmt: skip
    assert response.status_code == 302
    assert names(Campaign.objects.get()) == ["Atelier Durand", "Boulangerie Martin", "Menuiserie d'ailleurs"]
