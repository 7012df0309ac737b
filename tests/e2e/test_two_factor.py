"""Two-factor authentication in Chromium, on a phone (390×844) and a desktop (1280×800), every screen
checked by axe: an administrator of a portal that requires it signs in, confirms the password, scans
(here: reads) the key, types the app's code, keeps the recovery codes, then signs in again with a
code, and once more with a recovery code."""

import re
import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from playwright.sync_api import expect

from portal.members import services
from portal.members.models import PersonRole
from tests.e2e.test_site import assert_accessible
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

DEVICES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


@pytest.fixture
def two_factor_required(monkeypatch):
    """The daphne under test runs as in production: two-factor authentication required of administrators.
    Request it before `page`."""
    monkeypatch.setenv("PORTAL_REQUIRE_TWO_FACTOR", "1")


def app_code(secret: str) -> str:
    """What the phone's authenticator app shows now (allauth's own HOTP helper, 30-second steps)."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def fits(page) -> bool:
    return page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")


def sign_in(page, email, password):
    page.goto("/")
    menu_toggle = page.get_by_role("button", name="Menu")
    if menu_toggle.is_visible():
        menu_toggle.click()
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Se connecter").click()
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()


def sign_out(page):
    page.goto("/compte/deconnexion/")
    page.locator("main").get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("status")).to_contain_text("Vous êtes déconnecté")


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_an_administrator_sets_up_two_factor_and_signs_in_with_it(two_factor_required, page, screenshot, device):
    user = UserFactory(email="helene.roussel@example.org", first_name="Hélène", last_name="Roussel")
    services.person_create(user=user, role=PersonRole.ADMINISTRATOR)
    services.account_email_ensure(user=user)  # as the migration and invitations record every address
    page.set_viewport_size(DEVICES[device])

    # The password alone leads to the setup, which first asks for the password again.
    sign_in(page, user.email, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirmez que c'est bien vous")
    expect(page.get_by_role("status")).to_contain_text("activez la double authentification pour continuer")
    assert_accessible(page, f"{device}: confirm the password")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Confirmer").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Activer la double authentification")
    expect(page.get_by_role("img", name="QR code à scanner avec votre application d'authentification")).to_be_visible()
    assert fits(page), f"{device}: the setup page scrolls sideways"
    assert_accessible(page, f"{device}: setup")
    screenshot(page, f"two-factor-{device}-1-setup")
    secret = page.locator(".totp-secret").inner_text().strip()
    page.get_by_label("Code affiché par l'application").fill("000000" if app_code(secret) != "000000" else "111111")
    page.get_by_role("button", name="Activer la double authentification").click()
    expect(page.locator(".form-errors, .errorlist").first).to_contain_text("Code incorrect")
    page.get_by_label("Code affiché par l'application").fill(app_code(secret))
    page.get_by_role("button", name="Activer la double authentification").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Codes de secours")
    codes = page.get_by_role("list", name="Codes de secours non utilisés").get_by_role("listitem").all_inner_texts()
    assert len(codes) == 10
    assert fits(page), f"{device}: the recovery codes scroll sideways"
    assert_accessible(page, f"{device}: recovery codes")
    screenshot(page, f"two-factor-{device}-2-recovery-codes")
    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/admin/$"))
    sign_out(page)

    # Next time: the password, then the app's code.
    sign_in(page, user.email, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Deuxième étape : votre code")
    assert fits(page), f"{device}: the second step scrolls sideways"
    assert_accessible(page, f"{device}: second step")
    screenshot(page, f"two-factor-{device}-3-second-step")
    page.get_by_label("Code de votre application d'authentification, ou code de secours").fill(app_code(secret))
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon profil")
    security = page.get_by_role("region", name="Connexion et sécurité")
    expect(security).to_contain_text("La double authentification est activée")
    assert_accessible(page, f"{device}: profile")
    sign_out(page)

    # Without the phone: a recovery code, once.
    sign_in(page, user.email, PASSWORD)
    page.get_by_label("Code de votre application d'authentification, ou code de secours").fill(codes[0].strip())
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon profil")
    page.goto("/compte/double-authentification/")
    expect(page.locator("main")).to_contain_text("Il reste 9 codes de secours")
    assert_accessible(page, f"{device}: two-factor overview")
    screenshot(page, f"two-factor-{device}-4-overview")
