"""Resource sheets: members file and edit their own firm's, organisers edit all, lists filter."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from knowledge.exchange import services
from knowledge.exchange.models import Category, Direction, ResourceSheet
from search.models import IndexOutbox
from tests.factories import OrganisationFactory, PersonFactory, ZoneFactory

from .conftest import SheetFactory

pytestmark = pytest.mark.django_db


def sheet_data(**overrides):
    data = {
        "direction": "need",
        "category": "logistics",
        "title": "Transport de colis vers la gare",
        "description": "Deux livraisons par semaine.",
        "quantity": "3",
        "unit": "colis",
        "frequency": "recurring",
        "available_from": "",
        "available_until": "",
        "zone": "",
        "status": "open",
        "tags": "transport, colis",
    }
    return {**data, **overrides}


def test_a_member_files_a_sheet_for_their_firm_and_it_is_queued_for_the_search(client, member, organisation):
    client.force_login(member)
    response = client.post(reverse("exchange:sheet_create"), sheet_data())
    sheet = ResourceSheet.objects.get()
    assert response.status_code == 302 and response.url == sheet.get_absolute_url()
    assert sheet.organisation == organisation and sheet.direction == Direction.NEED
    assert sorted(sheet.tags.names()) == ["colis", "transport"]
    assert IndexOutbox.objects.filter(doc_type="resource_sheet", object_id=str(sheet.pk)).exists()


def test_the_form_says_a_firms_own_commercial_offer_is_not_a_resource(client, member):
    client.force_login(member)
    page = client.get(reverse("exchange:sheet_create")).content.decode()
    assert "commercial offer" in page or "offre commerciale" in page


def test_dates_out_of_order_are_refused_with_a_message_and_nothing_saved(client, member):
    client.force_login(member)
    response = client.post(
        reverse("exchange:sheet_create"), sheet_data(available_from="2026-12-01", available_until="2026-11-01")
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not ResourceSheet.objects.exists()


def test_a_member_cannot_edit_another_firms_sheet_but_an_organiser_can(client, member, organiser):
    other = SheetFactory()
    client.force_login(member)
    assert client.post(reverse("exchange:sheet_edit", args=[other.pk]), sheet_data()).status_code == 403
    with pytest.raises(PermissionDenied):
        services.sheet_update(sheet=other, by=member, title="Piraté")
    client.force_login(organiser)
    response = client.post(reverse("exchange:sheet_edit", args=[other.pk]), sheet_data(title="Corrigé"))
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.title == "Corrigé"


def test_a_member_cannot_file_for_another_organisation(member):
    with pytest.raises(PermissionDenied):
        services.sheet_create(
            by=member,
            organisation=OrganisationFactory(),
            direction="offer",
            category="waste",
            title="x",
            description="y",
        )


def test_a_negative_quantity_is_refused(member, organisation):
    with pytest.raises(ValidationError):
        services.sheet_create(
            by=member, organisation=organisation, direction="offer", category="waste", title="x", description="y",
            quantity=-2,
        )  # fmt: skip


def test_the_list_filters_by_direction_category_zone_and_words(client, member):
    zone = ZoneFactory()
    SheetFactory(title="Palettes bois", direction="offer", category=Category.MATERIALS, zone=zone)
    SheetFactory(title="Chariot élévateur", direction="offer", category=Category.EQUIPMENT)
    SheetFactory(title="Besoin de palettes", direction="need", category=Category.MATERIALS)
    client.force_login(member)

    def titles(**query):
        response = client.get(reverse("exchange:sheets"), query)
        assert response.status_code == 200
        return sorted(sheet.title for sheet in response.context["page"].object_list)

    assert titles() == ["Besoin de palettes", "Chariot élévateur", "Palettes bois"]
    assert titles(sens="offer", categorie="materials") == ["Palettes bois"]
    assert titles(zone=zone.pk) == ["Palettes bois"]
    assert titles(q="palettes") == ["Besoin de palettes", "Palettes bois"]
    # Nonsense in the query string is ignored, never an error page.
    assert titles(sens="sideways", categorie="x", zone="abc", page="zzz") == [
        "Besoin de palettes", "Chariot élévateur", "Palettes bois"
    ]  # fmt: skip


def test_closed_sheets_of_other_firms_are_not_listed(client, member, organisation):
    SheetFactory(title="Fermée", status="closed")
    SheetFactory(title="La mienne, fermée", status="closed", organisation=organisation)
    client.force_login(member)
    listed = [s.title for s in client.get(reverse("exchange:sheets")).context["page"].object_list]
    assert listed == ["La mienne, fermée"]


def test_anonymous_visitors_are_sent_to_sign_in_and_people_without_a_profile_are_refused(client, django_user_model):
    sheet = SheetFactory()
    assert client.get(reverse("exchange:sheet", args=[sheet.pk])).status_code == 302
    client.force_login(django_user_model.objects.create_user("sans-profil", password="x"))
    assert client.get(reverse("exchange:sheets")).status_code == 403


def test_the_list_paginates(client, member):
    for _ in range(25):
        SheetFactory()
    client.force_login(member)
    response = client.get(reverse("exchange:sheets"), {"page": 2})
    assert len(response.context["page"].object_list) == 5


def test_the_admin_lists_the_sheets_for_an_organiser(client, organiser):
    SheetFactory(title="Palettes de l'admin")
    client.force_login(organiser)
    response = client.get(reverse("resource-sheets:index"))
    assert response.status_code == 200
    assert "Palettes de l&#x27;admin" in response.content.decode() or "Palettes de l'admin" in response.content.decode()


def test_a_person_of_the_firm_edits_its_sheet(client, organisation):
    colleague = PersonFactory(organisation=organisation).user
    sheet = SheetFactory(organisation=organisation)
    client.force_login(colleague)
    assert client.get(reverse("exchange:sheet_edit", args=[sheet.pk])).status_code == 200
