"""A prospect joins: the firm the animators have been calling (imported from the business register,
invited by a campaign) asks on the site to join; accepting the request makes that very organisation a
member — no duplicate — and its file and campaigns say it joined."""

import pytest
from django.core.exceptions import ValidationError

from portal.clubs import services as club_services
from portal.clubs.models import CampaignResult, CampaignTarget, ContactStatus, JoinRequest, ProspectContact
from portal.members.demo import fictional_siret
from portal.members.models import Invitation, Membership, MembershipStatus, Organisation
from tests.factories import ClubFactory, MembershipFactory, OrganisationFactory, UserFactory, ZoneFactory

from .test_join_requests import form_data
from .test_prospect_files import another_animator, plan

pytestmark = pytest.mark.django_db

BASE = "https://portail.example"


@pytest.fixture
def park():
    zone = ZoneFactory(name="Parc des Tanneries")
    club = ClubFactory(zone=zone, name="Club des Tanneries")
    animator = another_animator(club)
    prospect = OrganisationFactory(name="Imprimerie Vasseur (SIRENE)", siret=fictional_siret(4242), zone=zone)
    return {"zone": zone, "club": club, "animator": animator, "prospect": prospect}


def submit(park):
    fields = {key: value for key, value in form_data(park).items() if key not in {"zone", "website"}}
    return club_services.join_request_submit(zone=park["zone"], base_url=BASE, **fields)


def test_a_prospect_asks_to_join_and_accepting_makes_it_the_member(park, django_capture_on_commit_callbacks):
    prospect, animator = park["prospect"], park["animator"]
    campaign = club_services.campaign_create(
        club=park["club"], zone=park["zone"], title="Petit-déjeuner de rentrée", kind="phoning", by=animator,
        assignees=[animator],
    )  # fmt: skip
    plan(prospect, animator, "call", __import__("datetime").date.today())
    join_request = submit(park)
    with django_capture_on_commit_callbacks(execute=True):
        club_services.join_request_accept(join_request=join_request, by=animator, base_url=BASE)
    assert Organisation.objects.filter(siret=fictional_siret(4242)).count() == 1  # the prospect, not a copy
    join_request.refresh_from_db()
    assert join_request.organisation == prospect and join_request.status == "accepted"
    membership = Membership.objects.get(organisation=prospect)
    assert (membership.club, membership.status) == (park["club"], MembershipStatus.ACTIVE)
    assert Invitation.objects.filter(organisation=prospect, email="lucie@imprimerie-vasseur.example").exists()
    assert CampaignTarget.objects.get(campaign=campaign, organisation=prospect).result == CampaignResult.JOINED
    latest = ProspectContact.objects.filter(organisation=prospect).first()
    assert latest.status == ContactStatus.JOINED and latest.by == animator
    prospect.prospect_file.refresh_from_db()
    assert prospect.prospect_file.next_action == ""  # nothing more to call about


def test_a_firm_already_member_cannot_ask_again(park):
    MembershipFactory(organisation=park["prospect"], club=park["club"])
    with pytest.raises(ValidationError) as error:
        submit(park)
    assert "siret" in error.value.message_dict and not JoinRequest.objects.exists()


def test_a_firm_that_became_member_meanwhile_is_not_welcomed_twice(park):
    join_request = submit(park)
    MembershipFactory(organisation=park["prospect"], club=park["club"])
    with pytest.raises(ValidationError):
        club_services.join_request_accept(join_request=join_request, by=park["animator"], base_url=BASE)
    join_request.refresh_from_db()
    assert join_request.status == "pending" and Membership.objects.count() == 1


def test_logging_a_prospect_joined_closes_its_campaigns_too(park):
    animator, prospect = park["animator"], park["prospect"]
    campaign = club_services.campaign_create(
        club=park["club"], zone=park["zone"], title="Phoning", kind="phoning", by=animator, assignees=[animator]
    )
    club_services.prospect_contact_record(organisation=prospect, status=ContactStatus.JOINED, by=animator)
    assert CampaignTarget.objects.get(campaign=campaign).result == CampaignResult.JOINED


def test_logging_a_prospect_joined_makes_it_a_member_of_the_zones_club(park):
    animator, prospect = park["animator"], park["prospect"]
    club_services.prospect_contact_record(organisation=prospect, status=ContactStatus.JOINED, by=animator)
    membership = Membership.objects.get(organisation=prospect)
    assert (membership.club, membership.status) == (park["club"], MembershipStatus.ACTIVE)
    club_services.prospect_contact_record(organisation=prospect, status=ContactStatus.JOINED, by=animator)
    assert Membership.objects.filter(organisation=prospect).count() == 1  # logged twice: one membership


def test_a_prospect_of_a_zone_without_club_joined_stays_a_log_line(park):
    lonely = OrganisationFactory(zone=ZoneFactory(name="Zone sans club"))
    admin = UserFactory(is_superuser=True, is_staff=True)
    club_services.prospect_contact_record(organisation=lonely, status=ContactStatus.JOINED, by=admin)
    assert not Membership.objects.filter(organisation=lonely).exists()
    assert ProspectContact.objects.get(organisation=lonely).status == ContactStatus.JOINED
