"""Membership rules as an administrator runs them."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from portal.members import services
from portal.members.models import Membership, MembershipStatus
from tests.factories import ClubFactory, MembershipFactory, OrganisationFactory


def test_administrator_registers_and_ends_a_membership_keeping_its_history(administrator, organisation):
    membership = services.membership_create(organisation=organisation, by=administrator, fee_paid=True)
    assert membership.status == MembershipStatus.ACTIVE
    services.membership_end(membership=membership, by=administrator, ended_on=datetime.date.today())
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.LEFT and membership.ended_on == datetime.date.today()
    # The organisation may join again later: a new row, the old one stays.
    services.membership_create(organisation=organisation, by=administrator)
    assert Membership.objects.filter(organisation=organisation).count() == 2


def test_an_organisation_has_one_current_membership_per_club_and_in_the_cluster(administrator, organisation):
    services.membership_create(organisation=organisation, by=administrator)
    with pytest.raises(ValidationError) as caught:
        services.membership_create(organisation=organisation, by=administrator)
    assert "déjà membre" in " ".join(caught.value.messages)
    assert Membership.objects.filter(organisation=organisation).count() == 1


def test_club_membership_requires_the_organisation_on_the_club_zone(administrator):
    club = ClubFactory()
    outsider = OrganisationFactory(zone=None)
    with pytest.raises(ValidationError) as caught:
        services.membership_create(organisation=outsider, club=club, by=administrator)
    assert club.zone.name in " ".join(caught.value.messages)
    local = OrganisationFactory(zone=club.zone)
    membership = services.membership_create(organisation=local, club=club, by=administrator)
    # A club membership and a cluster membership coexist.
    services.membership_create(organisation=local, by=administrator)
    assert membership.club == club
    with pytest.raises(ValidationError):
        services.membership_create(organisation=local, club=club, by=administrator)


def test_end_date_before_start_date_is_refused(administrator, organisation):
    membership = services.membership_create(
        organisation=organisation, by=administrator, started_on=datetime.date(2024, 5, 1)
    )
    with pytest.raises(ValidationError) as caught:
        services.membership_end(membership=membership, by=administrator, ended_on=datetime.date(2024, 4, 1))
    assert "date de fin" in " ".join(caught.value.messages)
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.ACTIVE


def test_pending_request_is_approved_by_an_administrator(administrator, member, organisation):
    request = services.membership_request(organisation=organisation, by=member)
    assert request.status == MembershipStatus.PENDING
    with pytest.raises(PermissionDenied):
        services.membership_approve(membership=request, by=member)
    services.membership_approve(membership=request, by=administrator)
    request.refresh_from_db()
    assert request.status == MembershipStatus.ACTIVE
    with pytest.raises(ValidationError):
        services.membership_approve(membership=request, by=administrator)


def test_only_administrators_manage_memberships(member, organisation):
    existing = MembershipFactory(organisation=organisation)
    for attempt in (
        lambda: services.membership_create(organisation=organisation, by=member),
        lambda: services.membership_end(membership=existing, by=member),
        lambda: services.membership_set_fee_paid(membership=existing, fee_paid=True, by=member),
        lambda: services.membership_save(membership=existing, by=member),
    ):
        with pytest.raises(PermissionDenied):
            attempt()
    existing.refresh_from_db()
    assert existing.status == MembershipStatus.ACTIVE and not existing.fee_paid


def test_a_person_cannot_request_membership_for_another_organisation(member, other_organisation):
    with pytest.raises(PermissionDenied):
        services.membership_request(organisation=other_organisation, by=member)
    assert not Membership.objects.filter(organisation=other_organisation).exists()
