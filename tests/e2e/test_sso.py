"""Single sign-on in Chromium, on a phone and a desktop: the sign-in page's button leads to the loopback
OpenID provider's own sign-in form (tests/oidc/provider.mjs), and back to the portal signed in; an
address the provider did not verify opens nothing and says so in French; signing out ends the
provider's session too (a new sign-in asks for the password again). The portal's pages are
checked by axe (the provider's form is the provider's, not the portal's)."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.conftest import _free_port
from tests.e2e.test_site import assert_accessible
from tests.e2e.test_two_factor import DEVICES, fits
from tests.oidc.server import OidcProvider, callback_path, missing_reason

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(missing_reason() is not None, reason=missing_reason() or ""),
]


@pytest.fixture
def daphne_server(daphne, monkeypatch):
    """The portal on a port chosen first, so that the provider knows the portal's callback address; the
    portal configured for the provider through PTCE_OIDC_*, as in production."""
    port = _free_port()
    provider = OidcProvider(
        _free_port(), [f"http://127.0.0.1:{port}{callback_path()}"], [f"http://127.0.0.1:{port}/"]
    ).start()
    for name, value in provider.environment().items():
        monkeypatch.setenv(name, value)
    yield daphne(port).base_url
    provider.stop()


def open_sign_in(page):
    page.goto("/")
    menu_toggle = page.get_by_role("button", name="Menu")
    if menu_toggle.is_visible():
        menu_toggle.click()
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Se connecter")


def at_the_provider(page, login):
    """The provider's own form: a login, and any password."""
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("peu-importe")
    page.get_by_role("button", name="Sign-in").click()


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_a_person_signs_in_through_their_organisations_identity_provider(page, screenshot, device):
    from django.contrib.auth import get_user_model

    page.set_viewport_size(DEVICES[device])
    open_sign_in(page)
    button = page.get_by_role("button", name="Se connecter avec ProConnect")
    expect(button).to_be_visible()
    expect(page.get_by_label("Mot de passe")).to_be_visible()  # the password form stays
    assert fits(page), f"{device}: the sign-in page scrolls sideways"
    assert_accessible(page, f"{device}: sign-in with single sign-on")
    screenshot(page, f"sso-{device}-1-sign-in")

    # Someone whose address the provider never checked: nothing opens, said in French.
    button.click()
    at_the_provider(page, "usurpateur")
    expect(page.get_by_role("heading", level=1)).to_have_text("Se connecter")
    expect(page.get_by_role("status")).to_contain_text("n’a pas confirmé votre adresse e-mail")
    assert fits(page), f"{device}: the refusal scrolls sideways"
    assert_accessible(page, f"{device}: single sign-on refused")
    screenshot(page, f"sso-{device}-2-refused")
    assert not get_user_model().objects.filter(email="paul.girard@example.org").exists()

    # Claire, whose address the provider verified: a new account, signed in, on her profile.
    page.context.clear_cookies()  # the provider's session of the first person ends
    open_sign_in(page)
    page.get_by_role("button", name="Se connecter avec ProConnect").click()
    at_the_provider(page, "claire")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon profil")
    expect(page.get_by_role("textbox", name="Prénom")).to_have_value("Claire")  # her name, from the provider
    expect(page.get_by_role("textbox", name="Nom :", exact=True)).to_have_value("Martin")
    assert fits(page), f"{device}: the profile scrolls sideways"
    assert_accessible(page, f"{device}: profile after single sign-on")
    screenshot(page, f"sso-{device}-3-profile")
    assert get_user_model().objects.filter(email="claire.martin@example.org").count() == 1

    # Signing out ends the provider's session too: its confirmation, then back on the portal signed out,
    # and the next sign-in through the provider asks for the password again.
    menu_toggle = page.get_by_role("button", name="Menu")
    if menu_toggle.is_visible():
        menu_toggle.click()
    page.get_by_role("navigation", name="Menu principal").get_by_role("button", name="Se déconnecter").click()
    page.get_by_role("button", name="Yes, sign me out").click()  # the provider's page
    expect(page.get_by_role("status")).to_contain_text("Vous êtes déconnecté")
    assert urlsplit(page.url).path == "/", page.url  # the portal's home page, not the provider's
    assert_accessible(page, f"{device}: back from signing out at the provider")
    open_sign_in(page)
    page.get_by_role("button", name="Se connecter avec ProConnect").click()
    expect(page.locator("input[name=password]")).to_be_visible()
