"""A participatory process as a whole (#20): its page shows the diagnosis (the portal's own figures
and imported tables), its rooms and, to the people running it, the decisions of its workshops."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from portal.members.models import OrganisationKind
from tests.factories import OrganisationFactory, PersonFactory
from workgroups import selectors, services
from workgroups.models import ParticipatoryProcess, ProcessTable, Workgroup, WorkgroupMembership, WorkgroupRole


@pytest.fixture
def process(db):
    process = ParticipatoryProcess.objects.create(title="Plan économique participatif", slug="plan-participatif")
    runner = PersonFactory()
    process.leads.add(runner)
    crafts = Workgroup.objects.create(process=process, theme="Artisanat", name="Suite : atelier artisanat", slug="a1")
    WorkgroupMembership.objects.create(workgroup=crafts, person=runner, role=WorkgroupRole.COORDINATOR)
    for kind in (OrganisationKind.COOPERATIVE, OrganisationKind.CLASSIC_FIRM, OrganisationKind.CLASSIC_FIRM):
        WorkgroupMembership.objects.create(
            workgroup=crafts, person=PersonFactory(organisation=OrganisationFactory(kind=kind))
        )
    return {"process": process, "runner": runner, "crafts": crafts}


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_page_shows_the_figures_of_the_portal_and_the_rooms(process):
    figures = selectors.process_figures(process["process"])
    assert figures["rooms"] == 1 and figures["people"] == 4
    # The runner's own organisation is a classic firm too (the factory's default).
    assert figures["sse"] == 1 and figures["classic"] == 3
    page = signed_in(PersonFactory().user).get(reverse("workgroups:process", args=["plan-participatif"]))
    html = page.content.decode()
    assert page.status_code == 200 and "Suite : atelier artisanat" in html and "Artisanat" in html
    assert 'style="' not in html  # strict CSP: bars sized by classes
    assert Client().get(reverse("workgroups:process", args=["plan-participatif"])).status_code == 302


def test_a_csv_table_is_imported_and_a_bad_file_stores_nothing_with_a_french_error(process):
    client = signed_in(process["runner"].user)
    url = reverse("workgroups:process_table_import", args=["plan-participatif"])
    csv = "Secteur;Entreprises;Emplois\nArtisanat;120;340\nSanté;45;610\n".encode("cp1252")
    client.post(url, {"title": "Tissu économique", "file": SimpleUploadedFile("tissu.csv", csv)})
    table = ProcessTable.objects.get()
    assert table.columns == ["Secteur", "Entreprises", "Emplois"] and table.rows[1] == ["Santé", "45", "610"]

    bad = SimpleUploadedFile("faux.xlsx", b"ceci n'est pas un classeur")
    response = client.post(url, {"file": bad}, follow=True)
    assert ProcessTable.objects.count() == 1
    assert "Ce fichier ne peut pas être lu comme un classeur Excel (.xlsx)." in response.content.decode()
    page = client.get(reverse("workgroups:process", args=["plan-participatif"])).content.decode()
    assert "Tissu économique" in page and "610" in page


def test_an_xlsx_table_is_imported_by_the_runner_only(process):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Besoin", "Réponses"])
    sheet.append(["Mobilité", 18])
    content = io.BytesIO()
    workbook.save(content)
    upload = SimpleUploadedFile("besoins.xlsx", content.getvalue())
    url = reverse("workgroups:process_table_import", args=["plan-participatif"])
    assert signed_in(PersonFactory().user).post(url, {"file": upload}).status_code == 403
    upload.seek(0)
    signed_in(process["runner"].user).post(url, {"file": upload})
    assert ProcessTable.objects.get().rows == [["Mobilité", "18"]]


def test_the_decisions_of_the_workshops_are_the_runners_to_see(process):
    services.decision_record(workgroup=process["crafts"], by=process["runner"].user, text="Créer une boutique partagée")
    assert [d.text for d in selectors.decisions_of(process["crafts"])] == ["Créer une boutique partagée"]
    url = reverse("workgroups:process", args=["plan-participatif"])
    assert "Créer une boutique partagée" in signed_in(process["runner"].user).get(url).content.decode()
    assert "Créer une boutique partagée" not in signed_in(PersonFactory().user).get(url).content.decode()
