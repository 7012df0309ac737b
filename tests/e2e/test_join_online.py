"""A firm joins online, end to end in the browser: the manager fills the public form on her phone
(390×844), the club's animator accepts the request on her desktop (1280×800) and the firm is a member
with its people invited; the animator's campaign page too. axe-core clean on each screen."""

import pytest
from playwright.sync_api import expect

from portal.clubs import services as club_services
from portal.clubs.models import JoinRequest
from portal.members import services as member_services
from portal.members.demo import fictional_siret
from portal.members.models import Invitation, Membership, PersonRole, Role
from portal.members.scopes import ScopeKind
from tests.e2e.conftest import signed_in_context
from tests.e2e.test_site import assert_accessible
from tests.factories import ClubFactory, OrganisationFactory, PersonFactory, UserFactory, ZoneFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture
def tanneries():
    administrator = UserFactory(is_superuser=True, is_staff=True)
    zone = ZoneFactory(name="Parc des Tanneries")
    club = ClubFactory(zone=zone, name="Club des Tanneries")
    claire = PersonFactory(role=PersonRole.MEMBER, user__first_name="Claire", user__last_name="Morel")
    member_services.role_grant(
        person=claire, role=Role.ANIMATOR, scope_kind=ScopeKind.CLUB, scope_id=club.pk, by=administrator
    )
    for name in ("Atelier Durand", "Boulangerie Martin", "Garage du Pont"):
        OrganisationFactory(zone=zone, name=name)
    return {"zone": zone, "club": club, "claire": claire}


def test_a_firm_joins_online_and_the_animator_accepts(tanneries, browser, browser_context_args, live_portal):
    visitor = browser.new_context(**{**browser_context_args, "viewport": PHONE})
    page = visitor.new_page()
    page.goto("/clubs/adherer/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Adhérer à un club d’entreprises")
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways"
    assert_accessible(page, "join form (phone)")
    page.get_by_label("Parc d'activités").select_option(label="Parc des Tanneries")
    page.get_by_label("Nom de l’entreprise").fill("Imprimerie Vasseur")
    page.get_by_label("SIRET :", exact=True).fill(fictional_siret(4343))
    page.get_by_label("Type").select_option("classic_firm")
    page.get_by_label("Prénom").fill("Lucie")
    page.get_by_label("Nom :", exact=True).fill("Vasseur")
    page.get_by_label("E-mail :", exact=True).fill("lucie@imprimerie-vasseur.example")
    page.get_by_role("button", name="Envoyer la demande").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Demande envoyée")
    visitor.close()

    context = signed_in_context(browser, browser_context_args, live_portal, tanneries["claire"], viewport=DESKTOP)
    page = context.new_page()
    page.goto("/clubs/demandes/")
    assert_accessible(page, "membership requests (desktop)")
    page.get_by_role("button", name="Accepter Imprimerie Vasseur").click()
    expect(page.get_by_text("Imprimerie Vasseur est membre de « Club des Tanneries »")).to_be_visible()
    join_request = JoinRequest.objects.get()
    assert join_request.status == "accepted"
    assert Membership.objects.get(organisation=join_request.organisation).club == tanneries["club"]
    assert Invitation.objects.filter(email="lucie@imprimerie-vasseur.example").exists()

    campaign = club_services.campaign_create(
        club=tanneries["club"], zone=tanneries["zone"], title="Petit-déjeuner de mars", kind="phoning",
        by=tanneries["claire"].user, assignees=[tanneries["claire"].user],
    )  # fmt: skip
    page.goto(f"/clubs/campagnes/{campaign.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Petit-déjeuner de mars")
    assert_accessible(page, "campaign (desktop)")
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways"
    assert_accessible(page, "campaign (phone)")
    context.close()


@pytest.fixture
def register(recorded_outside):
    """The recorded register that the daphne under test reaches."""
    from tests.portal.outside.recorded import REGISTER_PREFIX

    recorded_outside.answer(REGISTER_PREFIX + "/search", "company_register_siret.json", q="99810001000029")
    return recorded_outside


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_firm_fills_the_join_form_from_its_siret(
    register, tanneries, browser, browser_context_args, live_portal, viewport
):
    """The manager types her SIRET, the register's entry fills the form; she completes it and sends."""
    page = browser.new_context(**{**browser_context_args, "viewport": viewport}).new_page()
    page.goto(live_portal + "/clubs/adherer/")
    lookup = page.get_by_role("region", name="Remplir à partir du registre des entreprises")
    query = lookup.get_by_label("Le SIRET de votre entreprise (14 chiffres)")
    query.fill("998 100 010 00029")
    query.press("Enter")
    lookup.get_by_role("button", name="MENUISERIE DU VAL").click()
    expect(page.get_by_label("Nom de l’entreprise")).to_have_value("MENUISERIE DU VAL")
    expect(page.get_by_label("SIRET :", exact=True)).to_have_value("99810001000029")
    expect(page.get_by_label("Code postal :", exact=True)).to_have_value("18100")
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth"), "scrolls sideways"
    assert_accessible(page, "join form filled from the register")
    page.get_by_label("Parc d'activités").select_option(label="Parc des Tanneries")
    page.get_by_label("Prénom").fill("Paul")
    page.get_by_label("Nom :", exact=True).fill("Menuisier")
    page.get_by_label("E-mail :", exact=True).fill("paul@menuiserie-du-val.example")
    page.get_by_role("button", name="Envoyer la demande").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Demande envoyée")
    join_request = JoinRequest.objects.get()
    assert (join_request.name, join_request.siret, join_request.naf_code) == (
        "MENUISERIE DU VAL", "99810001000029", "16.23Z"
    )  # fmt: skip
    page.context.close()
