"""Journey of the cluster's administrator: the membership dashboard of a zone (members, firms,
target), then the zone's firms imported from a CSV as French Excel saves it (Windows-1252,
semicolons, French headers, accents, decimal commas), then a second file saved as "CSV UTF-8"
(with a byte-order mark): the dashboard's figures follow each import. Then the club's animator, on
her phone and her desktop, chooses last year: the members of that year (by their membership dates)
against that year's target, zone by zone and club by club; a year that is no year is refused in
French. axe-core clean. The administrator's screens, seen at desktop size (1280×800), are checked again at phone size
(tests/e2e/sizes.py: no sideways scroll, the action reachable, axe-core clean)."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from portal.clubs.models import GrowthTarget
from portal.members import services as member_services
from portal.members.demo import fictional_siret
from portal.members.models import MembershipStatus, Organisation, OrganisationKind, PersonRole, Role
from portal.members.scopes import ScopeKind
from tests.e2e.conftest import sign_in_through_the_form, signed_in_context
from tests.e2e.sizes import DESKTOP, at_phone_too
from tests.e2e.test_site import assert_accessible
from tests.factories import (
    PASSWORD,
    ClubFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    UserFactory,
    ZoneFactory,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

HEADER = "Raison sociale;N° SIRET;Adresse;Code postal;Commune;Code NAF;Effectif;Forme juridique"


def line(name, siret, address, naf, headcount, kind):
    return f"{name};{siret};{address};69100;Villeurbanne;{naf};{headcount};{kind}"


def excel_csv(lines: list[str], *, encoding: str) -> bytes:
    """What Excel writes: CRLF line ends, "CSV (séparateur : point-virgule)" in Windows-1252, or
    "CSV UTF-8" with a byte-order mark."""
    text = "\r\n".join([HEADER, *lines]) + "\r\n"
    return text.encode("utf-8-sig") if encoding == "utf-8-sig" else text.encode(encoding)


@pytest.fixture
def tanneries():
    administrator = UserFactory(first_name="Hélène", last_name="Roussel", email="helene.roussel@example.org")
    member_services.person_create(user=administrator, role=PersonRole.ADMINISTRATOR)
    zone = ZoneFactory(name="Parc des Tanneries", slug="tanneries", firms_established=6)
    members = [
        OrganisationFactory(name="SCOP La Fabrique", kind=OrganisationKind.COOPERATIVE, zone=zone),
        OrganisationFactory(name="Garage Dupont", kind=OrganisationKind.CLASSIC_FIRM, zone=zone),
    ]
    for organisation in members:
        MembershipFactory(organisation=organisation)
    OrganisationFactory(name="Imprimerie Vasseur", zone=zone)  # registered, not a member
    GrowthTarget.objects.create(zone=zone, year=datetime.date.today().year, target_members=10)
    return zone


def zone_row(page):
    # The zone's row of the zone by zone table (the club by club table names the zone too, further on).
    return page.get_by_role("row", name=re.compile(r"^Parc des Tanneries\b"))


def expect_figures(page, *, established, registered, members, target, to_go):
    cells = zone_row(page).get_by_role("cell")
    expect(cells.nth(0)).to_have_text(str(established))
    expect(cells.nth(1)).to_have_text(str(registered))
    expect(cells.nth(2)).to_have_text(str(members))
    expect(cells.nth(4)).to_have_text(str(target))
    expect(cells.nth(5)).to_have_text(str(to_go))


def open_dashboard(page):
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Clubs d'entreprises").click()
    page.get_by_role("link", name="Tableau de bord des adhésions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Croissance des adhésions")


def import_file(page, name: str, content: bytes, mime: str = "text/csv"):
    """From the zone's import page: upload, then wait for the progress page to say it is over."""
    expect(page.get_by_role("heading", level=1)).to_have_text("Importer les entreprises de Parc des Tanneries")
    page.get_by_label("Tableur (CSV ou XLSX)").set_input_files(
        files=[{"name": name, "mimeType": mime, "buffer": content}]
    )
    page.get_by_role("button", name="Vérifier et importer").click()
    expect(page.locator("progress")).to_have_count(0, timeout=20_000)  # the page refreshes itself until done


def test_an_administrator_imports_a_zone_s_firms_from_french_excel_and_the_dashboard_follows(
    page, tanneries, screenshot
):
    zone = tanneries
    page.set_viewport_size(DESKTOP)
    sign_in_through_the_form(page, "helene.roussel@example.org", PASSWORD)
    open_dashboard(page)
    expect_figures(page, established=6, registered=3, members=2, target=10, to_go=8)
    screenshot(page, "journey-growth-1-dashboard")
    at_phone_too(
        page, "journey-growth-1-dashboard", screenshot, action=zone_row(page).get_by_role("link", name="Importer")
    )

    # First export: Excel had opened the SIRET column as numbers, and one came out rounded.
    rounded = excel_csv(
        [
            line("Société Générale de Tôlerie", fictional_siret(80001), "12, rue Tanneurs", "25.11Z", "12,5", "SAS"),
            line("Boulangerie Lefèvre & Fils", "7,32829E+13", "3 av. Édouard-Herriot", "10.71C", "3", "SARL"),
        ],
        encoding="cp1252",
    )  # fmt: skip
    zone_row(page).get_by_role("link", name="Importer").click()
    import_file(page, "entreprises-tanneries.csv", rounded)
    expect(page.get_by_role("status")).to_contain_text("Rien d'importé : erreurs dans le fichier")
    errors = page.get_by_role("table")
    expect(errors.get_by_role("row").nth(1)).to_contain_text("3")
    expect(errors).to_contain_text("7,32829E+13")
    # The French of this message waits in portal/locale/pending/ for the catalogue: either language will do.
    expect(errors).to_contain_text(re.compile("format the SIRET column as Text|au format Texte"))
    screenshot(page, "journey-growth-2-refused")
    at_phone_too(page, "journey-growth-2-refused", screenshot,
               action=page.get_by_role("link", name="Importer un autre fichier"))  # fmt: skip
    assert Organisation.objects.filter(zone=zone).count() == 3

    # The corrected export: SIRET column as Text.
    cp1252 = excel_csv(
        [
            line("Société Générale de Tôlerie", fictional_siret(80001), "12, rue Tanneurs", "25.11Z", "12,5", "SAS"),
            line("Boulangerie Lefèvre & Fils", fictional_siret(80002), "3 av. Édouard-Herriot", "10.71C", "3", "SARL"),
            line("Crèche « Les Petits Pas »", fictional_siret(80003), "Allée des Mûriers", "88.91A", "10 à 19", "Asso"),
            line("Coopérative Œuvre Bâtie", fictional_siret(80004), "5 impasse du Moulin", "41.20A", "25", "SCOP"),
            line("Pâtisserie Noël", fictional_siret(80005), "8 place de l'Église", "10.71D", "0", "EI"),
        ],
        encoding="cp1252",
    )  # fmt: skip
    page.get_by_role("link", name="Importer un autre fichier").click()
    import_file(page, "entreprises-tanneries.csv", cp1252)
    expect(page.get_by_role("status")).to_contain_text("Importé")
    expect(page.get_by_role("status")).to_contain_text("5 entreprises ajoutées à la zone.")
    screenshot(page, "journey-growth-3-imported")
    at_phone_too(page, "journey-growth-3-imported", screenshot)
    imported = Organisation.objects.filter(zone=zone, name__in=["Crèche « Les Petits Pas »", "Coopérative Œuvre Bâtie"])
    assert sorted(imported.values_list("name", "kind")) == [
        ("Coopérative Œuvre Bâtie", OrganisationKind.COOPERATIVE),
        ("Crèche « Les Petits Pas »", OrganisationKind.ASSOCIATION),
    ]
    assert Organisation.objects.get(name="Boulangerie Lefèvre & Fils").address == "3 av. Édouard-Herriot"

    open_dashboard(page)
    # 8 firms registered now, more than the 6 declared: the established count follows.
    expect_figures(page, established=8, registered=8, members=2, target=10, to_go=8)

    utf8 = excel_csv(
        [
            line("Menuiserie Aubépine", fictional_siret(80006), "Chemin des Saules", "16.23Z", "7", "SARL"),
            line("Brasserie de l'Ourcq", fictional_siret(80007), "2 rue Émile-Zola", "11.05Z", "4,5", "SAS"),
        ],
        encoding="utf-8-sig",
    )
    zone_row(page).get_by_role("link", name="Importer").click()
    import_file(page, "entreprises-tanneries-utf8.csv", utf8)
    expect(page.get_by_role("status")).to_contain_text("2 entreprises ajoutées à la zone.")
    open_dashboard(page)
    expect_figures(page, established=10, registered=10, members=2, target=10, to_go=8)
    screenshot(page, "journey-growth-4-dashboard-after")
    assert Organisation.objects.filter(zone=zone).count() == 10


VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


@pytest.fixture
def last_year(tanneries):
    """The Tanneries' club and its animator; a joinery was a member from 2020 to the first of January
    (a member at the end of last year, not now); the two members of today joined today."""
    this_year = timezone.localdate().year
    club = ClubFactory(zone=tanneries, name="Club des Tanneries")
    GrowthTarget.objects.create(zone=tanneries, year=this_year - 1, target_members=5)
    GrowthTarget.objects.create(club=club, year=this_year - 1, target_members=3)
    joinery = OrganisationFactory(name="Menuiserie Ancienne", zone=tanneries)
    MembershipFactory(organisation=joinery, club=club, status=MembershipStatus.LEFT,
                      started_on=datetime.date(2020, 1, 1), ended_on=datetime.date(this_year, 1, 1))  # fmt: skip
    claire = PersonFactory(role=PersonRole.MEMBER, user__first_name="Claire", organisation=OrganisationFactory())
    member_services.role_grant(
        person=claire,
        role=Role.ANIMATOR,
        scope_kind=ScopeKind.CLUB,
        scope_id=club.pk,
        by=UserFactory(is_superuser=True, is_staff=True),
    )
    return claire


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_an_animator_chooses_last_year_and_sees_that_year_s_members_against_its_target(
    last_year, browser, browser_context_args, live_portal, screenshot, device
):
    year = timezone.localdate().year - 1
    context = signed_in_context(browser, browser_context_args, live_portal, last_year, viewport=VIEWPORTS[device])
    page = context.new_page()
    page.goto("/clubs/croissance/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Croissance des adhésions")
    expect_figures(page, established=6, registered=4, members=2, target=10, to_go=8)

    page.get_by_label("Année").select_option(str(year))
    page.get_by_role("button", name="Afficher").click()
    expect(page.get_by_text(f"Adhérents comptés au 31 décembre {year}")).to_be_visible()
    expect_figures(page, established=6, registered=4, members=1, target=5, to_go=4)
    club = page.get_by_role("row", name="Club des Tanneries").get_by_role("cell")
    expect(club.nth(0)).to_have_text("Parc des Tanneries")
    expect(club.nth(2)).to_have_text("1")
    expect(club.nth(4)).to_have_text("3")
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways"
    assert_accessible(page, f"growth dashboard, last year ({device})")
    screenshot(page, f"journey-growth-5-last-year-{device}")

    page.goto("/clubs/croissance/?annee=deux-mille")
    expect(page.get_by_text("« deux-mille » n’est pas une année du tableau de bord")).to_be_visible()
    expect_figures(page, established=6, registered=4, members=2, target=10, to_go=8)
    assert_accessible(page, f"growth dashboard, a bad year ({device})")
