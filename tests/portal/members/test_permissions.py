"""Who may change what, through services and through the pages a person uses."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from portal.members import services
from portal.members.models import Membership, Organisation, PersonRole
from tests.factories import MembershipFactory


def test_member_edits_own_organisation_but_not_another(client, member, organisation, other_organisation):
    client.force_login(member)
    own = client.post(
        reverse("members:organisation_edit", args=[organisation.slug]),
        {"name": "Nouveau nom", "kind": organisation.kind, "siret": organisation.siret, "naf_code": "62.01Z"},
    )
    assert own.status_code == 302
    organisation.refresh_from_db()
    assert organisation.name == "Nouveau nom"

    before = other_organisation.name
    forbidden = client.post(
        reverse("members:organisation_edit", args=[other_organisation.slug]),
        {"name": "Piraté", "kind": other_organisation.kind, "siret": other_organisation.siret},
    )
    assert forbidden.status_code == 403
    assert client.get(reverse("members:organisation_edit", args=[other_organisation.slug])).status_code == 403
    other_organisation.refresh_from_db()
    assert other_organisation.name == before
    with pytest.raises(PermissionDenied):
        services.organisation_update(organisation=other_organisation, by=member, name="Piraté")


def test_administrator_edits_any_organisation(client, administrator, other_organisation):
    client.force_login(administrator)
    response = client.post(
        reverse("members:organisation_edit", args=[other_organisation.slug]),
        {"name": "Renommée", "kind": other_organisation.kind, "siret": other_organisation.siret},
    )
    assert response.status_code == 302
    assert Organisation.objects.get(pk=other_organisation.pk).name == "Renommée"


def test_bad_input_on_the_organisation_page_shows_french_errors_and_changes_nothing(client, member, organisation):
    client.force_login(member)
    before = Organisation.objects.values().get(pk=organisation.pk)
    response = client.post(
        reverse("members:organisation_edit", args=[organisation.slug]),
        {"name": "Changé", "kind": organisation.kind, "siret": "12345678901234", "naf_code": "99.9"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "clé de contrôle" in body and "NAF" in body
    assert Organisation.objects.values().get(pk=organisation.pk) == before


def test_anonymous_visitor_is_sent_to_sign_in(client, organisation):
    response = client.get(reverse("members:organisation_edit", args=[organisation.slug]))
    assert response.status_code == 302 and reverse("members:login") in response["Location"]


def test_only_administrators_reach_membership_admin_screens(client, administrator, member, organisation):
    MembershipFactory(organisation=organisation)
    index = reverse("memberships:index")
    client.force_login(member)
    assert client.get(index).status_code in (302, 403)
    client.force_login(administrator)
    response = client.get(index)
    assert response.status_code == 200
    assert organisation.name in response.content.decode()


def test_administrator_edits_a_membership_in_the_admin_with_domain_rules(client, administrator, organisation):
    membership = MembershipFactory(organisation=organisation)
    client.force_login(administrator)
    url = reverse("memberships:edit", args=[membership.pk])
    response = client.post(
        url,
        {
            "organisation": organisation.pk,
            "club": "",
            "status": "left",
            "started_on": "2024-05-01",
            "ended_on": "2024-04-01",
        },
    )
    assert response.status_code == 200  # form shown again with the error
    assert "date de fin" in response.content.decode()
    assert Membership.objects.get(pk=membership.pk).status == "active"


def test_roles_map_to_admin_access(db, administrator, member):
    assert administrator.has_perm("wagtailadmin.access_admin")
    assert administrator.has_perm("members.change_membership")
    assert not member.has_perm("wagtailadmin.access_admin")
    coordinator = member
    services.person_update(
        person=coordinator.person, by=administrator, organisation=coordinator.person.organisation,
        job_title="", phone="", role=PersonRole.COORDINATOR,
    )  # fmt: skip
    coordinator = type(coordinator).objects.get(pk=coordinator.pk)  # fresh permission cache
    assert coordinator.has_perm("wagtailadmin.access_admin")
    assert not coordinator.has_perm("members.change_membership")
    with pytest.raises(PermissionDenied):
        services.person_update(
            person=administrator.person,
            by=coordinator,
            organisation=None,
            job_title="",
            phone="",
            role=PersonRole.MEMBER,
        )
