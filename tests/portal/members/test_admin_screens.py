"""The members directory inside the Wagtail admin, as a cluster administrator uses it."""

from django.urls import reverse

from portal.members.models import Organisation, OrganisationKind
from tests.factories import OrganisationFactory, ZoneFactory


def test_administrator_searches_and_filters_organisations(client, administrator):
    zone = ZoneFactory(name="Parc des Tanneries")
    OrganisationFactory(name="Recyclerie du Parc", kind=OrganisationKind.ESUS_COMPANY, zone=zone)
    OrganisationFactory(name="Garage Central", kind=OrganisationKind.CLASSIC_FIRM)
    client.force_login(administrator)
    index = reverse("organisations:index")
    searched = client.get(index, {"q": "recyclerie"}).content.decode()
    assert "Recyclerie du Parc" in searched and "Garage Central" not in searched
    filtered = client.get(index, {"kind": OrganisationKind.CLASSIC_FIRM}).content.decode()
    assert "Garage Central" in filtered and "Recyclerie du Parc" not in filtered
    by_zone = client.get(index, {"zone": zone.pk}).content.decode()
    assert "Recyclerie du Parc" in by_zone and "Garage Central" not in by_zone


def test_administrator_creates_an_organisation_with_normalised_identifiers(client, administrator):
    client.force_login(administrator)
    response = client.post(
        reverse("organisations:add"),
        {"name": "SCOP Nouvelle", "kind": "cooperative", "siret": "732 829 320 00074", "naf_code": "6201z"},
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    organisation = Organisation.objects.get(name="SCOP Nouvelle")
    assert (organisation.siret, organisation.naf_code) == ("73282932000074", "62.01Z")
    assert organisation.slug == "scop-nouvelle"


def test_admin_form_refuses_a_bad_siret_in_french_and_saves_nothing(client, administrator):
    client.force_login(administrator)
    response = client.post(
        reverse("organisations:add"),
        {"name": "Mauvais SIRET", "kind": OrganisationKind.CLASSIC_FIRM, "siret": "12345678901234"},
    )
    assert response.status_code == 200
    assert "clé de contrôle" in response.content.decode()
    assert not Organisation.objects.filter(name="Mauvais SIRET").exists()


def test_member_has_no_access_to_the_admin(client, member):
    client.force_login(member)
    response = client.get(reverse("organisations:index"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("members:login"))


def test_the_admin_screens_queue_the_directory_entry_of_what_they_change(client, administrator):
    from portal.members.models import Membership
    from search.models import IndexOutbox
    from tests.factories import MembershipFactory

    def queued():
        rows = set(IndexOutbox.objects.values_list("doc_type", "object_id"))
        IndexOutbox.objects.all().delete()
        return rows

    client.force_login(administrator)
    client.post(
        reverse("organisations:add"),
        {"name": "SCOP Nouvelle", "kind": "cooperative", "siret": "732 829 320 00074", "naf_code": "6201z"},
    )
    created = Organisation.objects.get(name="SCOP Nouvelle")
    assert queued() == {("organisation", str(created.pk))}

    membership = MembershipFactory()
    response = client.post(reverse("memberships:delete", args=[membership.pk]))
    assert response.status_code == 302 and not Membership.objects.filter(pk=membership.pk).exists()
    assert queued() == {("organisation", str(membership.organisation_id))}

    response = client.post(reverse("organisations:delete", args=[created.pk]))
    assert response.status_code == 302 and not Organisation.objects.filter(pk=created.pk).exists()
    assert queued() == {("organisation", str(created.pk))}
