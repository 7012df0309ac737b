"""The best-practice records in the Wagtail admin: administrators list, filter, edit and delete them;
saves and deletes go through the services (a revision, the search index)."""

import pytest
from django.test import Client
from django.urls import reverse

import search
from knowledge.models import BestPractice
from portal.members.models import OrganisationKind, PersonRole
from search.models import IndexOutbox
from tests.factories import AxisFactory, BestPracticeFactory, OrganisationFactory, PersonFactory

INDEX = "best_practices:index"


@pytest.fixture
def admin_client(db):
    from portal.members import services as member_services
    from tests.factories import UserFactory

    user = UserFactory()
    member_services.person_create(user=user, role=PersonRole.ADMINISTRATOR)
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


@pytest.fixture
def records(db):
    circular, food = AxisFactory(title="Économie circulaire"), AxisFactory(title="Alimentation")
    scop = OrganisationFactory(name="Scop Bois", kind=OrganisationKind.COOPERATIVE)
    garage = OrganisationFactory(name="Garage Martin", kind=OrganisationKind.CLASSIC_FIRM)
    town = OrganisationFactory(name="Mairie", kind=OrganisationKind.LOCAL_AUTHORITY, siret="")
    return {
        "pallets": BestPracticeFactory(title="Palettes réparées", axis=circular, organisation=scop),
        "bins": BestPracticeFactory(title="Bennes partagées", axis=circular, organisation=garage, status="submitted"),
        "canteen": BestPracticeFactory(title="Cantine communale", axis=food, organisation=town, visibility="members"),
        "circular": circular,
    }


def listed(client, **params) -> set[str]:
    response = client.get(reverse(INDEX), params)
    assert response.status_code == 200
    return {record.title for record in response.context["object_list"]}


def test_administrators_filter_records_by_status_axis_kind_and_visibility(admin_client, records):
    assert listed(admin_client) == {"Palettes réparées", "Bennes partagées", "Cantine communale"}
    assert listed(admin_client, status="submitted") == {"Bennes partagées"}
    assert listed(admin_client, axis=records["circular"].pk) == {"Palettes réparées", "Bennes partagées"}
    assert listed(admin_client, kind="sse") == {"Palettes réparées"}
    assert listed(admin_client, kind="classic_firm") == {"Bennes partagées"}
    assert listed(admin_client, kind="other") == {"Cantine communale"}
    assert listed(admin_client, visibility="members") == {"Cantine communale"}


def test_members_and_coordinators_have_no_access(records):
    for role in (PersonRole.MEMBER, PersonRole.COORDINATOR):
        client = Client()
        client.force_login(PersonFactory(role=role).user)
        response = client.get(reverse(INDEX))
        assert response.status_code in (302, 403)


def test_an_admin_edit_publishes_through_the_service(
    admin_client, records, search_backend, django_capture_on_commit_callbacks
):
    record = records["bins"]
    edit = reverse("best_practices:edit", args=[record.pk])
    form = admin_client.get(edit).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None and not isinstance(value, list)}
    data |= {
        # The rich text editor posts its content as JSON (Draftail's contentstate).
        "body": form.fields["body"].widget.format_value(record.body),
        "title": "Bennes partagées entre voisins",
        "axis": record.axis_id,
        "organisation": record.organisation_id,
        "status": "published",
        "visibility": "public",
        "tags": "déchets, mutualisation",
        "figures-TOTAL_FORMS": "1",
        "figures-INITIAL_FORMS": "0",
        "figures-MIN_NUM_FORMS": "0",
        "figures-MAX_NUM_FORMS": "1000",
        "figures-0-value": "-20 %",
        "figures-0-label": "de tournées de camion",
        "figures-0-ORDER": "1",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(edit, data)
    assert response.status_code == 302

    record.refresh_from_db()
    assert record.status == "published" and record.published_at is not None
    assert [str(figure) for figure in record.figures.all()] == ["-20 % de tournées de camion"]
    assert record.revisions.get().action == "edited"
    search_backend.refresh()
    assert [hit.title for hit in search.query("tournées", user=None).hits] == ["Bennes partagées entre voisins"]
    assert not IndexOutbox.objects.filter(doc_type="best_practice").exists()


def test_an_admin_delete_removes_the_record_from_the_search(admin_client, records, django_capture_on_commit_callbacks):
    record = records["pallets"]
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("best_practices:delete", args=[record.pk]))
    assert response.status_code == 302
    assert not BestPractice.objects.filter(pk=record.pk).exists()
