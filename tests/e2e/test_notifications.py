"""Notification choices in the browser (#21): a member reaches them from the profile, chooses
"mentions only" in general and "nothing" for one workgroup, on a phone and a desktop, axe-core clean."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import signed_in_context
from tests.e2e.test_site import assert_accessible
from tests.factories import AxisFactory, PersonFactory
from workgroups.models import Workgroup, WorkgroupMembership

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_a_member_chooses_what_the_portal_emails_them(browser, browser_context_args, live_portal, screenshot, device):
    member = PersonFactory()
    axis = AxisFactory()
    for name, slug in (("Restauration collective", "restauration"), ("Mobilité douce", "mobilite")):
        workgroup = Workgroup.objects.create(axis=axis, name=name, slug=slug)
        WorkgroupMembership.objects.create(workgroup=workgroup, person=member)
    context = signed_in_context(browser, browser_context_args, live_portal, member, viewport=VIEWPORTS[device])
    page = context.new_page()
    page.goto("/compte/profil/")
    page.get_by_role("link", name="Choisir ce que le portail m’envoie par e-mail").click()
    expect(page.get_by_role("heading", name="Mes notifications")).to_be_visible()

    page.get_by_label("Mentions de mon nom seulement").check()
    page.get_by_label("Récapitulatif quotidien par e-mail").uncheck()
    page.get_by_label("Restauration collective").select_option("none")
    assert_accessible(page, f"notification settings ({device})")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # nothing overflows
    screenshot(page, f"notifications-{device}")
    page.get_by_role("button", name="Enregistrer mes choix").click()
    expect(page.get_by_text("Vos choix de notification ont été enregistrés.")).to_be_visible()
    expect(page.get_by_label("Mentions de mon nom seulement")).to_be_checked()
    expect(page.get_by_label("Restauration collective")).to_have_value("none")
    expect(page.get_by_label("Mobilité douce")).to_have_value("")

    member.refresh_from_db()
    assert member.message_notifications == "mentions" and not member.receives_daily_digest
    context.close()


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_a_member_makes_and_renews_the_address_of_their_calendar(
    browser, browser_context_args, live_portal, screenshot, device
):
    member = PersonFactory()
    context = signed_in_context(browser, browser_context_args, live_portal, member, viewport=VIEWPORTS[device])
    page = context.new_page()
    page.goto("/compte/profil/")
    page.get_by_role("link", name="Mon agenda (une adresse pour mon application d'agenda)").click()
    page.get_by_role("button", name="Créer l'adresse de mon agenda").click()
    first = page.get_by_label("Adresse de mon agenda").input_value()
    assert "/flux/agenda-personnel/" in first
    assert_accessible(page, f"calendar address ({device})")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # nothing overflows
    screenshot(page, f"calendar-address-{device}")
    assert context.request.get(first).status == 200

    page.get_by_role("button", name="Renouveler l'adresse (l'ancienne cesse de fonctionner)").click()
    second = page.get_by_label("Adresse de mon agenda").input_value()
    assert second != first
    assert context.request.get(first).status == 404
    assert context.request.get(second).status == 200
    context.close()
