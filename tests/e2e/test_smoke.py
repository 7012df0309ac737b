"""The portal in a real browser (Debian's Chromium), in French, served by daphne on the test database."""

import re

import pytest
from playwright.sync_api import expect

from portal.members.models import OrganisationKind
from tests.factories import PASSWORD, AxisFactory, MembershipFactory, OrganisationFactory, PersonFactory, ZoneFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def cluster():
    """Two axes and three listed members: a cooperative and an association (ESS), and a classic firm."""
    zone = ZoneFactory(name="Parc des Tanneries", slug="tanneries")
    food = AxisFactory(number=1, title="Alimentation durable", slug="alimentation")
    AxisFactory(number=2, title="Mobilité et accessibilité", slug="mobilite")
    organisations = {
        "scop": OrganisationFactory(
            name="SCOP La Fabrique",
            kind=OrganisationKind.COOPERATIVE,
            zone=zone,
            description="Menuiserie coopérative du parc.",
        ),
        "asso": OrganisationFactory(name="Association Vélo Solidaire", kind=OrganisationKind.ASSOCIATION, siret=""),
        "firm": OrganisationFactory(name="Garage Dupont", kind=OrganisationKind.CLASSIC_FIRM, zone=zone),
    }
    for organisation in organisations.values():
        MembershipFactory(organisation=organisation)
    food.organisations.add(organisations["scop"])
    return organisations


def test_a_visitor_goes_from_the_axes_to_an_organisation_of_the_social_economy(page, cluster, screenshot):
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page).to_have_title(re.compile("Portail PTCE"))
    axes = page.get_by_role("region", name="Nos axes thématiques")
    expect(axes.get_by_role("heading", level=3)).to_have_text(
        ["Axe 1 — Alimentation durable", "Axe 2 — Mobilité et accessibilité"]
    )
    screenshot(page, "home")

    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Annuaire des membres").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Annuaire des membres")
    expect(page.get_by_role("article")).to_have_count(3)

    page.get_by_label("Type").select_option(label="Toutes les structures de l'ESS")
    page.get_by_role("button", name="Filtrer").click()
    expect(page).to_have_url(re.compile(r"/annuaire/\?.*type=sse"))
    expect(page.get_by_text("2 organisations")).to_be_visible()
    expect(page.get_by_role("article").get_by_role("heading", level=2)).to_have_text(
        ["Association Vélo Solidaire", "SCOP La Fabrique"]
    )
    expect(page.get_by_role("link", name="Garage Dupont")).to_have_count(0)
    screenshot(page, "directory-ess")

    page.get_by_role("link", name="SCOP La Fabrique").click()
    expect(page).to_have_url(re.compile(r"/annuaire/" + cluster["scop"].slug + "/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("SCOP La Fabrique")
    card = page.get_by_role("article")
    expect(card).to_contain_text("Économie sociale")
    expect(card).to_contain_text("Coopérative (SCOP, SCIC…)")
    expect(card).to_contain_text("Parc des Tanneries")
    expect(card).to_contain_text("1. Alimentation durable")
    path = screenshot(page, "organisation")
    assert path.stat().st_size > 10_000


def test_a_member_signs_in_through_the_login_form_and_opens_their_profile(page, screenshot):
    person = PersonFactory(
        user__email="camille.martin@example.org",
        user__first_name="Camille",
        user__last_name="Martin",
        organisation=OrganisationFactory(name="SCOP La Fabrique", kind=OrganisationKind.COOPERATIVE),
    )
    MembershipFactory(organisation=person.organisation)

    page.goto("/")
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Se connecter")
    # Addresses are case-insensitive: the form lowercases what the member types.
    page.get_by_label("Adresse e-mail").fill("Camille.Martin@example.org")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()

    # The login redirects to the profile; reach it again from the menu, as a member would.
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon profil")
    page.goto("/")
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Mon profil").click()
    expect(page).to_have_url(re.compile(r"/compte/profil/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon profil")
    expect(page.get_by_role("region", name="Mes informations")).to_contain_text("camille.martin@example.org")
    expect(page.get_by_label("Prénom")).to_have_value("Camille")
    expect(page.get_by_role("region", name="Mon organisation")).to_contain_text("SCOP La Fabrique")
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
    screenshot(page, "profile")
