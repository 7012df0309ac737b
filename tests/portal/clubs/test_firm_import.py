"""Import of a zone's firms from French Excel exports: every line checked, all or nothing."""

import io

import pytest
from django.urls import reverse
from django.utils.translation import gettext
from openpyxl import Workbook

from portal.clubs import services as club_services
from portal.clubs.models import FirmImport, ImportMode, ImportStatus
from portal.members.demo import fictional_siret
from portal.members.models import HeadcountBand, Organisation, OrganisationKind
from tests.factories import OrganisationFactory, ZoneFactory

from .conftest import animate

HEADER = "Raison sociale;N° SIRET;Adresse;Code postal;Commune;Code NAF;Effectif;Forme juridique"
GOOD = [
    f"Boulangerie Dorée;{fictional_siret(700001)};3 rue des Tanneurs;18100;Arvière;10.71A;12,5;SARL",
    f"Association Tiers-Lieu;{fictional_siret(700002)};;18100;Arvière;;0;Association loi 1901",
    f"Scop Électricité Générale;{fictional_siret(700003)};5 allée du Moulin;18100;Arvière;43.21A;10-19;SCOP",
]


def _csv(lines, encoding="cp1252") -> bytes:
    text = "\r\n".join([HEADER, *lines]) + "\r\n"
    return ("\ufeff" + text).encode("utf-8") if encoding == "utf-8-sig" else text.encode(encoding)


def _run(zone, content, *, mode=ImportMode.ALL_OR_NOTHING, organiser, filename="entreprises.csv"):
    firm_import = FirmImport.objects.create(zone=zone, filename=filename, content=content, mode=mode,
                                            created_by=organiser)  # fmt: skip
    return club_services.firm_import_run(firm_import.pk)


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8-sig"])
def test_excel_csv_imports_with_accents_semicolons_and_decimal_commas(organiser, encoding):
    zone = ZoneFactory(commune="Arvière")
    result = _run(zone, _csv(GOOD, encoding), organiser=organiser)
    assert result.status == ImportStatus.DONE and result.created_count == 3 and result.errors == []
    bakery = Organisation.objects.get(siret=fictional_siret(700001))
    assert bakery.name == "Boulangerie Dorée" and bakery.zone == zone
    assert bakery.headcount_band == HeadcountBand.B10_19  # 12,5 full-time equivalents
    assert bakery.kind == OrganisationKind.CLASSIC_FIRM and bakery.naf_code == "10.71A"
    assert Organisation.objects.get(name="Scop Électricité Générale").kind == OrganisationKind.COOPERATIVE
    assert Organisation.objects.get(name="Association Tiers-Lieu").kind == OrganisationKind.ASSOCIATION
    assert len({org.slug for org in Organisation.objects.filter(zone=zone)}) == 3


def test_xlsx_with_sirets_typed_as_numbers(organiser):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Nom", "SIRET", "Adresse", "CP", "Ville", "Secteur", "Effectif"])
    sheet.append(["Menuiserie Alu", int(fictional_siret(700010)), "1 rue", 18100, "Arvière", "25.12Z", 30])
    sheet.append(["Pépinières", fictional_siret(700011), "2 rue", "18100", "Arvière", "01.30Z", "7"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = _run(ZoneFactory(), buffer.getvalue(), organiser=organiser, filename="firms.xlsx")
    assert result.status == ImportStatus.DONE and result.created_count == 2
    assert Organisation.objects.get(name="Menuiserie Alu").headcount_band == HeadcountBand.B20_49


def _bad_file():
    existing = OrganisationFactory(siret=fictional_siret(700020))
    return _csv(
        [
            GOOD[0],  # line 2
            f"Garage Central;{fictional_siret(700021)[:-1]}9;;18100;Arvière;45.20A;8;SAS",  # line 3: bad key
            f";{fictional_siret(700022)};;18100;Arvière;;3;",  # line 4: no name
            f"Boulangerie bis;{fictional_siret(700001)};;18100;Arvière;;3;",  # line 5: duplicate of line 2
            GOOD[2],  # line 6
            f"Déjà connue;{existing.siret};;18100;Arvière;;3;",  # line 7: already in the directory
            f"Effectif flou;{fictional_siret(700023)};;18100;Arvière;;beaucoup;",  # line 8: headcount
        ]
    )


def test_bad_lines_refuse_the_whole_file_and_are_listed(organiser):
    content = _bad_file()
    before = Organisation.objects.count()
    result = _run(ZoneFactory(), content, organiser=organiser)
    assert result.status == ImportStatus.REFUSED and result.created_count == 0
    assert Organisation.objects.count() == before
    assert [item["line"] for item in result.errors] == [3, 4, 5, 7, 8]
    assert all(item["errors"] for item in result.errors)
    assert "5" in " ".join(result.errors[2]["errors"]) or "2" in " ".join(result.errors[2]["errors"])
    assert bytes(result.content), "the file is kept so the correct lines can still be imported"


@pytest.mark.parametrize("written", ["7,32829E+13", "7,33E+13", "73283E+9"])
def test_a_siret_excel_rounded_into_scientific_notation_is_explained(organiser, written):
    """Regression: a SIRET column opened as numbers in French Excel is saved as "7,32829E+13"; the
    error said "a SIRET contains only digits", which the person who typed digits could not act on."""
    content = _csv([GOOD[0], f"Garage Central;{written};;18100;Arvière;45.20A;8;SAS"])
    result = _run(ZoneFactory(), content, organiser=organiser)
    assert result.status == ImportStatus.REFUSED
    [error] = result.errors
    assert error["line"] == 3
    assert error["errors"] == [
        gettext(
            "SIRET %(value)s: Excel turned it into a rounded number and its last digits are lost. In Excel, "
            "format the SIRET column as Text, paste the numbers again, then save as CSV."
        )
        % {"value": written}
    ]


def test_good_rows_only_imports_the_correct_lines_and_lists_the_others(organiser):
    content = _bad_file()
    before = set(Organisation.objects.values_list("pk", flat=True))
    result = _run(ZoneFactory(), content, mode=ImportMode.GOOD_ROWS_ONLY, organiser=organiser)
    assert result.status == ImportStatus.DONE and result.created_count == 2
    created = Organisation.objects.exclude(pk__in=before)
    assert sorted(created.values_list("name", flat=True)) == ["Boulangerie Dorée", "Scop Électricité Générale"]
    assert [item["line"] for item in result.errors] == [3, 4, 5, 7, 8]


def test_a_file_that_is_not_a_spreadsheet_fails_with_one_message(organiser):
    result = _run(ZoneFactory(), b"\x00\x01\x02binary", organiser=organiser)
    assert result.status == ImportStatus.FAILED and result.errors[0]["line"] == 0
    result = _run(ZoneFactory(), "Adresse;Commune\n1 rue;Arvière\n".encode(), organiser=organiser)
    assert result.status == ImportStatus.FAILED  # no name nor SIRET column


def test_upload_runs_in_the_background_and_the_progress_page_reports_thousands_of_lines(
    client, organiser, member, django_capture_on_commit_callbacks
):
    zone = ZoneFactory()
    lines = [f"Entreprise {n};{fictional_siret(710000 + n)};{n} rue;18100;Arvière;62.01Z;{n % 60},5;SAS"
             for n in range(3000)]  # fmt: skip
    upload = io.BytesIO(_csv(lines))
    upload.name = "zone.csv"
    url = reverse("club:zone_import", args=[zone.slug])
    client.force_login(member)
    assert client.get(url).status_code == 403
    client.force_login(animate(organiser, ZoneFactory()))
    assert client.get(url).status_code == 403  # another zone's animator
    animate(organiser, zone)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"file": upload, "mode": ImportMode.ALL_OR_NOTHING})
    assert response.status_code == 302
    firm_import = FirmImport.objects.get(zone=zone)
    assert response["Location"] == reverse("club:import_progress", args=[firm_import.pk])
    assert firm_import.status == ImportStatus.DONE
    assert firm_import.total_rows == firm_import.processed_rows == 3000
    assert Organisation.objects.filter(zone=zone).count() == 3000
    page = client.get(response["Location"])
    assert page.status_code == 200 and "3000" in page.content.decode().replace("\u202f", "").replace(" ", "")


def test_refused_import_offers_the_correct_lines_only(client, organiser, django_capture_on_commit_callbacks):
    zone = ZoneFactory()
    upload = io.BytesIO(_bad_file())
    upload.name = "zone.csv"
    client.force_login(animate(organiser, zone))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("club:zone_import", args=[zone.slug]), {"file": upload, "mode": "all_or_nothing"})
    refused = FirmImport.objects.get(zone=zone)
    assert refused.status == ImportStatus.REFUSED
    page = client.get(reverse("club:import_progress", args=[refused.pk])).content.decode()
    assert reverse("club:import_good_rows", args=[refused.pk]) in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("club:import_good_rows", args=[refused.pk]))
    rerun = FirmImport.objects.exclude(pk=refused.pk).get(zone=zone)
    assert response["Location"] == reverse("club:import_progress", args=[rerun.pk])
    assert rerun.status == ImportStatus.DONE and rerun.created_count == 2


def test_upload_form_refuses_other_files_without_storing_anything(client, organiser):
    zone = ZoneFactory()
    upload = io.BytesIO(b"%PDF-1.4")
    upload.name = "scan.pdf"
    client.force_login(animate(organiser, zone))
    response = client.post(reverse("club:zone_import", args=[zone.slug]), {"file": upload, "mode": "all_or_nothing"})
    assert response.status_code == 200 and FirmImport.objects.count() == 0


def test_a_csv_the_csv_module_cannot_read_fails_cleanly(organiser):
    huge_cell = "x" * 200_000  # over the csv module's field size limit
    content = f'Nom;SIRET\r\n"{huge_cell}";{fictional_siret(700040)}\r\n'.encode()
    result = _run(ZoneFactory(), content, organiser=organiser)
    assert result.status == ImportStatus.FAILED and result.errors[0]["line"] == 0
