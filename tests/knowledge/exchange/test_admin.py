"""The Bourse's admin screens write through the services: the search follows and the rules hold."""

import pytest
from django.test import Client
from django.urls import reverse

import search
from knowledge.exchange.models import Direction, ResourceSheet, SheetStatus, Synergy, SynergyStatus
from search.models import IndexOutbox
from tests.factories import OrganisationFactory

from .conftest import SheetFactory


@pytest.fixture
def organiser_client(organiser):
    client = Client(headers={"accept-language": "en"})
    client.force_login(organiser)
    return client


def sheet_form(sheet, **changes) -> dict:
    data = {
        "organisation": sheet.organisation_id,
        "direction": sheet.direction,
        "category": sheet.category,
        "title": sheet.title,
        "description": sheet.description,
        "quantity": "",
        "unit": "",
        "frequency": sheet.frequency,
        "available_from": "",
        "available_until": "",
        "zone": sheet.zone_id or "",
        "tags": "",
        "status": sheet.status,
    }
    return {**data, **changes}


def test_a_sheet_edited_in_the_admin_is_found_under_its_new_title(
    organiser, organiser_client, search_backend, django_capture_on_commit_callbacks
):
    sheet = SheetFactory(title="Palettes en bois", status=SheetStatus.OPEN)
    edit = reverse("resource-sheets:edit", args=[sheet.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = organiser_client.post(edit, sheet_form(sheet, title="Cartons de déménagement"))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert ResourceSheet.objects.get(pk=sheet.pk).title == "Cartons de déménagement"
    search_backend.refresh()
    assert [hit.title for hit in search.query("cartons", user=organiser).hits] == ["Cartons de déménagement"]
    assert not IndexOutbox.objects.filter(doc_type="resource_sheet").exists()


def test_a_sheet_deleted_in_the_admin_leaves_the_search(
    organiser, organiser_client, search_backend, django_capture_on_commit_callbacks
):
    sheet = SheetFactory(title="Chutes de bois", status=SheetStatus.OPEN)
    search_backend.add(search.registry.get("resource_sheet").to_document(sheet))
    search_backend.refresh()
    assert search.query("chutes", user=organiser).total == 1
    with django_capture_on_commit_callbacks(execute=True):
        response = organiser_client.post(reverse("resource-sheets:delete", args=[sheet.pk]))
    assert response.status_code == 302
    search_backend.refresh()
    assert search.query("chutes", user=organiser).total == 0


def test_a_synergy_implemented_in_the_admin_marks_its_sheets_matched(organiser_client):
    provider, beneficiary = OrganisationFactory(), OrganisationFactory()
    offer = SheetFactory(organisation=provider, direction=Direction.OFFER, status=SheetStatus.OPEN)
    need = SheetFactory(organisation=beneficiary, direction=Direction.NEED, status=SheetStatus.OPEN)
    synergy = Synergy.objects.create(offer=offer, need=need, provider=provider, beneficiary=beneficiary)
    data = {
        "offer": offer.pk, "need": need.pk, "provider": provider.pk, "beneficiary": beneficiary.pk,
        "club": "", "session": "", "status": SynergyStatus.IMPLEMENTED, "implemented_on": "2026-11-30",
        "tonnes_per_year": "3", "euros_per_year": "", "notes": "",
    }  # fmt: skip
    response = organiser_client.post(reverse("synergies:edit", args=[synergy.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    synergy.refresh_from_db()
    assert synergy.status == SynergyStatus.IMPLEMENTED
    offer.refresh_from_db()
    need.refresh_from_db()
    assert (offer.status, need.status) == (SheetStatus.MATCHED, SheetStatus.MATCHED)
