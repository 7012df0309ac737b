"""Bulk writes of the clubs reach the search explicitly: a firm import creates organisations with
bulk_create and a merger moves memberships with a queryset update, past the save signals."""

from portal.clubs import services as club_services
from portal.clubs.models import FirmImport, ImportMode
from portal.members.demo import fictional_siret
from portal.members.models import Membership, MembershipStatus, Organisation
from search.models import IndexOutbox, OutboxAction
from tests.factories import ClubFactory, MembershipFactory, OrganisationFactory, ZoneFactory


def _queued_organisations() -> set[int]:
    rows = IndexOutbox.objects.filter(action=OutboxAction.INDEX, doc_type="organisation")
    return {int(object_id) for object_id in rows.values_list("object_id", flat=True)}


def test_firms_imported_in_bulk_are_queued_for_the_search(organiser):
    zone = ZoneFactory(commune="Arvière")
    lines = ["Raison sociale;N° SIRET", f"Boulangerie Dorée;{fictional_siret(710001)}",
             f"Garage du Pont;{fictional_siret(710002)}"]  # fmt: skip
    firm_import = FirmImport.objects.create(zone=zone, filename="parc.csv", content="\r\n".join(lines).encode(),
                                            mode=ImportMode.ALL_OR_NOTHING, created_by=organiser)  # fmt: skip
    IndexOutbox.objects.all().delete()
    result = club_services.firm_import_run(firm_import.pk)
    assert result.created_count == 2
    assert _queued_organisations() == set(Organisation.objects.filter(zone=zone).values_list("pk", flat=True))


def test_a_merger_queues_the_firms_whose_memberships_moved(administrator):
    into, absorbed = ClubFactory(), ClubFactory()
    moved = OrganisationFactory(zone=absorbed.zone, in_public_directory=True)
    in_both = OrganisationFactory(zone=absorbed.zone, in_public_directory=True)
    bystander = OrganisationFactory(zone=into.zone, in_public_directory=True)
    into.other_zones.add(absorbed.zone)
    MembershipFactory(organisation=moved, club=absorbed)
    MembershipFactory(organisation=in_both, club=absorbed)
    MembershipFactory(organisation=in_both, club=into)
    MembershipFactory(organisation=bystander, club=into)
    IndexOutbox.objects.all().delete()
    club_services.club_merge(absorbed=absorbed, into=into, by=administrator)
    assert Membership.objects.get(organisation=moved).club == into
    assert Membership.objects.filter(organisation=in_both, status=MembershipStatus.LEFT).count() == 1
    assert _queued_organisations() == {moved.pk, in_both.pk}
