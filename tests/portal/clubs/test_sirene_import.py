"""Import of a zone's firms from an extract of INSEE's business register (SIRENE establishments file).

The extracts are the demo's fictional ones (portal.clubs.demo.sirene_extract): the register's own
columns, thousands of lines, UTF-8 or Latin-1. What an organiser notices: only the zone's open firms
arrive, what was left out is counted, bad lines are listed in French with their line numbers, nothing
is stored on failure unless asked, and the zone's firms-established figure becomes the register's."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.clubs import firm_files
from portal.clubs import services as club_services
from portal.clubs.demo import SIRENE_COLUMNS, sirene_extract
from portal.clubs.models import FirmImport, ImportMode, ImportStatus
from portal.members.demo import fictional_siret
from portal.members.models import Organisation, OrganisationKind
from tests.factories import OrganisationFactory, ZoneFactory

from .conftest import animate

LINES = 2400


def _run(zone, content, *, organiser, mode=ImportMode.ALL_OR_NOTHING, filename="StockEtablissement_extrait.csv"):
    firm_import = FirmImport.objects.create(zone=zone, filename=filename, content=content, mode=mode,
                                            created_by=organiser)  # fmt: skip
    return club_services.firm_import_run(firm_import.pk)


def _expected(content: bytes, encoding: str, commune: str = "ARVIERE") -> dict:
    """What the extract holds, counted straight from its CSV (the oracle the import must agree with)."""
    counts = {"lines": 0, "closed": 0, "other_commune": 0, "protected": 0, "to_import": 0}
    for row in csv.DictReader(io.StringIO(content.decode(encoding))):
        counts["lines"] += 1
        if row["libelleCommuneEtablissement"] != commune:
            counts["other_commune"] += 1
        elif row["etatAdministratifEtablissement"] == "F":
            counts["closed"] += 1
        elif row["statutDiffusionEtablissement"] == "P":
            counts["protected"] += 1
        else:
            counts["to_import"] += 1
    return counts


def _with_lines(content: bytes, changes: dict[int, dict], encoding="utf-8") -> bytes:
    """The extract with some cells of some data lines (line numbers of the file, header = 1) replaced."""
    rows = list(csv.DictReader(io.StringIO(content.decode(encoding))))
    for line, cells in changes.items():
        rows[line - 2].update(cells)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=SIRENE_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


@pytest.mark.parametrize("encoding", ["utf-8", "latin-1"])
def test_an_extract_imports_the_zones_open_firms_and_counts_what_it_left_out(organiser, encoding):
    zone = ZoneFactory(commune="Arvière", firms_established=120, firms_established_on=None)
    content = sirene_extract(LINES, encoding=encoding)
    expected = _expected(content, encoding)
    result = _run(zone, content, organiser=organiser)
    assert result.status == ImportStatus.DONE and result.errors == []
    assert result.created_count == expected["to_import"] == Organisation.objects.filter(zone=zone).count()
    summary = result.register_summary
    assert {key: summary[key] for key in expected} == expected
    assert summary["already_known"] == summary["in_error"] == 0
    # The zone's figure is now the register's: its open establishments, protected ones included.
    zone.refresh_from_db()
    assert zone.firms_established == expected["to_import"] + expected["protected"] == summary["firms_established"]
    assert zone.firms_established_on == timezone.localdate()
    assert summary["counted_on"] == timezone.localdate().isoformat()
    assert result.total_rows == result.processed_rows == LINES


def test_each_firm_arrives_in_the_words_of_the_directory(organiser):
    zone = ZoneFactory(commune="Arvière")
    _run(zone, sirene_extract(60, encoding="latin-1"), organiser=organiser)
    firms = {firm.siret: firm for firm in Organisation.objects.filter(zone=zone)}
    first = firms[fictional_siret(900_000)]  # line 0 of the extract: a repeated street number
    assert (first.name, first.address, first.postcode, first.commune) == (
        "ATELIER DU VAL", "1 BIS RUE DES TANNEURS", "18100", "Arvière"
    )  # fmt: skip
    assert first.kind == OrganisationKind.CLASSIC_FIRM and first.headcount_band == "" and first.naf_code == "25.62B"
    garage = firms[fictional_siret(900_001)]
    assert garage.address == "2 AVENUE DE LA GARE" and garage.headcount_band == "0"
    sole_trader = firms[fictional_siret(900_017)]  # categorie 1000: the person's name, accents read from Latin-1
    assert sole_trader.name == "Jérôme ROBERT" and sole_trader.kind == OrganisationKind.CLASSIC_FIRM
    association = firms[fictional_siret(900_004)]
    assert association.kind == OrganisationKind.ASSOCIATION and association.headcount_band == "6-9"
    scop = firms[fictional_siret(900_005)]
    assert scop.name == "SCOP IMPRIMERIE DU VAL" and scop.kind == OrganisationKind.COOPERATIVE
    assert fictional_siret(900_009) not in firms  # closed
    assert fictional_siret(900_037) not in firms  # protected: never stored
    assert fictional_siret(900_003) not in firms  # in Saint-Aubin
    assert len({firm.slug for firm in firms.values()}) == len(firms)


def test_the_zones_communes_are_told_by_insee_code_when_it_has_them(organiser):
    zone = ZoneFactory(commune="Saint-Aubin", commune_codes="18998")
    content = sirene_extract(300)
    result = _run(zone, content, organiser=organiser)
    expected = _expected(content, "utf-8", commune="SAINT-AUBIN-SUR-ARVIERE")
    assert result.status == ImportStatus.DONE and result.created_count == expected["to_import"] > 0
    assert set(Organisation.objects.filter(zone=zone).values_list("commune", flat=True)) == {"SAINT-AUBIN-SUR-ARVIERE"}


def test_firms_already_in_the_directory_are_counted_not_doubled(organiser):
    zone = ZoneFactory(commune="Arvière")
    known = OrganisationFactory(siret=fictional_siret(900_001), name="Garage du Val (déjà membre)")
    result = _run(zone, sirene_extract(100), organiser=organiser)
    assert result.status == ImportStatus.DONE and result.errors == []
    assert result.register_summary["already_known"] == 1
    assert Organisation.objects.filter(siret=known.siret).count() == 1
    known.refresh_from_db()
    assert known.name == "Garage du Val (déjà membre)"  # the directory's entry is left as it was


def _bad_extract() -> bytes:
    return _with_lines(
        sirene_extract(400),
        {
            3: {"siret": fictional_siret(900_001)[:-1] + "7"},  # a wrong key
            6: {"denominationUniteLegale": ""},  # an association with no name
            9: {"trancheEffectifsEtablissement": "99"},  # no such band
            12: {"codePostalEtablissement": "181"},
            15: {"siret": fictional_siret(900_002)},  # line 4's SIRET again
            5: {"siret": "123"},  # a line of Saint-Aubin: not the zone's, not checked
        },
    )


def test_bad_lines_refuse_the_whole_extract_in_french_and_store_nothing(organiser):
    zone = ZoneFactory(commune="Arvière", firms_established=120)
    before = Organisation.objects.count()
    result = _run(zone, _bad_extract(), organiser=organiser)
    assert result.status == ImportStatus.REFUSED and result.created_count == 0
    assert Organisation.objects.count() == before
    zone.refresh_from_db()
    assert zone.firms_established == 120 and zone.firms_established_on is None
    errors = {item["line"]: " ".join(item["errors"]) for item in result.errors}
    assert sorted(errors) == [3, 6, 9, 12, 15]
    assert "n'est pas valide" in errors[3]
    assert errors[6] == "Le nom manque."
    assert "« 99 »" in errors[9] and "INSEE" in errors[9]
    assert "cinq chiffres" in errors[12]
    assert "ligne 4" in errors[15]
    assert result.register_summary["in_error"] == 5
    page = FirmImport.objects.get(pk=result.pk)
    assert bytes(page.content), "kept so that the correct lines can still be imported"


def test_the_correct_lines_only_when_the_organiser_asks(organiser):
    zone = ZoneFactory(commune="Arvière")
    content = _bad_extract()
    result = _run(zone, content, organiser=organiser, mode=ImportMode.GOOD_ROWS_ONLY)
    expected = _expected(content, "utf-8")
    # Five lines of the zone's open firms left out; line 4 keeps its SIRET (line 15 repeated it).
    assert result.status == ImportStatus.DONE and result.created_count == expected["to_import"] - 5
    assert [item["line"] for item in result.errors] == [3, 6, 9, 12, 15]
    zone.refresh_from_db()
    assert zone.firms_established == result.register_summary["firms_established"]


def test_an_extract_with_nothing_in_the_zone_fails_and_keeps_the_figure(organiser):
    zone = ZoneFactory(commune="Vierzon", firms_established=85)
    result = _run(zone, sirene_extract(50), organiser=organiser)
    assert result.status == ImportStatus.FAILED and Organisation.objects.filter(zone=zone).count() == 0
    assert "Vierzon" in result.errors[0]["errors"][0]
    zone.refresh_from_db()
    assert zone.firms_established == 85


def test_the_file_is_read_twice_as_a_stream_and_written_by_batches(organiser):
    """Memory: the check keeps per line only what it needs (SIRETs, errors); the writing reads the file
    again and hands out one batch of organisations at a time."""
    zone = ZoneFactory(commune="Arvière")
    content = sirene_extract(1600)
    table = firm_files.open_table("extrait.csv", content)
    check, known = firm_files.check_table(table, zone)
    batches = firm_files.organisations_to_write(firm_files.open_table("extrait.csv", content), zone, check, known)
    sizes = [len(batch) for batch in batches]
    assert sum(sizes) == check.to_import and max(sizes) == firm_files.BATCH_SIZE and len(sizes) > 1


def test_the_progress_page_shows_what_the_register_left_out(client, organiser, django_capture_on_commit_callbacks):
    zone = ZoneFactory(commune="Arvière")
    upload = io.BytesIO(sirene_extract(200))
    upload.name = "StockEtablissement_arviere.csv"
    client.force_login(animate(organiser, zone))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("club:zone_import", args=[zone.slug]), {"file": upload, "mode": "all_or_nothing"}
        )
    firm_import = FirmImport.objects.get(zone=zone)
    page = client.get(response["Location"]).content.decode()
    summary = firm_import.register_summary
    assert "Extrait du registre des entreprises" in page
    assert "Établissements fermés (écartés)" in page and f"<td>{summary['closed']}</td>" in page
    assert f"<td>{summary['other_commune']}</td>" in page and f"<td>{summary['protected']}</td>" in page
    assert "compte du registre" in page and timezone.localdate().strftime("%d/%m/%Y") in page
    form = client.get(reverse("club:zone_import", args=[zone.slug])).content.decode()
    assert "clubs/demo/sirene-extrait-val-d-arviere.csv" in form
