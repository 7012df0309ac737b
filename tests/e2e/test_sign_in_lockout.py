"""A member's account in Chromium, on a phone and a desktop, every screen checked by axe: too many
wrong passwords lock it with a French message and the way out; once in, the password is changed
from the profile."""

import re

import pytest
from playwright.sync_api import expect

from portal.members.services import account_email_ensure
from tests.e2e.test_site import assert_accessible
from tests.e2e.test_two_factor import DEVICES, fits, sign_in
from tests.factories import PASSWORD, PersonFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_a_locked_account_says_why_and_a_member_changes_their_password(page, screenshot, device):
    user = PersonFactory(user__email="lea.fontaine@example.org", user__first_name="Léa").user
    account_email_ensure(user=user)
    page.set_viewport_size(DEVICES[device])

    for _ in range(5):
        sign_in(page, user.email, "pas-le-bon-mot-de-passe")
        expect(page.get_by_role("alert")).to_contain_text("incorrects")
    sign_in(page, user.email, PASSWORD)
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Trop de tentatives échouées")
    expect(alert).to_contain_text("même avec le bon mot de passe")
    expect(page.locator("main").get_by_role("link", name="Mot de passe oublié ?")).to_be_visible()
    assert fits(page), f"{device}: the sign-in page scrolls sideways"
    assert_accessible(page, f"{device}: locked sign-in")
    screenshot(page, f"accounts-{device}-1-locked")

    # Another day (here: another member's account, from the same browser), the password is changed.
    other = PersonFactory(user__email="paul.girard@example.org").user
    account_email_ensure(user=other)
    sign_in(page, other.email, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon profil")
    security = page.get_by_role("region", name="Connexion et sécurité")
    security.get_by_role("link", name="Changer mon mot de passe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Changer mon mot de passe")
    assert fits(page), f"{device}: the password page scrolls sideways"
    assert_accessible(page, f"{device}: password change")
    page.get_by_label("Mot de passe actuel").fill(PASSWORD)
    page.get_by_label(re.compile(r"^Nouveau mot de passe\W*$")).fill("Une-phrase-neuve-2026")
    page.get_by_label("Nouveau mot de passe (confirmation)").fill("Une-phrase-neuve-2026")
    screenshot(page, f"accounts-{device}-2-password-change")
    page.get_by_role("button", name="Enregistrer le nouveau mot de passe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon profil")
    expect(page.get_by_role("status")).to_contain_text("Mot de passe modifié")
