"""Journey of a member organisation: Léa signs in, joins a workgroup, chats with Paul (a second
browser); Paul's connection drops and comes back while both keep writing; both screens end with
every message once, in order; Léa turns the thread into a best-practice draft that quotes it.
Paul is on his phone (390×844); each of Léa's screens is checked at her desktop (1280×800) and at phone
size (tests/e2e/sizes.py: no sideways scroll, the action reachable, axe-core clean)."""

import re

import pytest
from playwright.sync_api import expect

from knowledge.models import BestPractice
from tests.e2e.conftest import sign_in_through_the_form, signed_in_context
from tests.e2e.sizes import DESKTOP, PHONE, at_phone_too, check_screen
from tests.factories import PASSWORD, AxisFactory, OrganisationFactory, PersonFactory
from workgroups.models import Message, Workgroup, WorkgroupMembership

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def kitchen():
    workgroup = Workgroup.objects.create(
        axis=AxisFactory(title="Alimentation durable"),
        name="Restauration collective",
        slug="restauration-collective",
        description="Approvisionner les cantines du Val en produits locaux.",
    )
    lea = PersonFactory(
        user__first_name="Léa", user__last_name="Fontaine", user__email="lea.fontaine@example.org",
        handle="lea-fontaine", organisation=OrganisationFactory(name="Recyclerie du Val"),
    )  # fmt: skip
    paul = PersonFactory(
        user__first_name="Paul", user__last_name="Marceau", handle="paul-marceau",
        organisation=OrganisationFactory(name="Ferme des Trois Chênes"),
    )  # fmt: skip
    WorkgroupMembership.objects.create(workgroup=workgroup, person=paul)
    return workgroup, lea, paul


def send(page, text):
    page.get_by_label("Votre message").fill(text)
    page.get_by_label("Votre message").press("Enter")


def bodies(page) -> list[str]:
    return page.locator("#message-list .chat-message .chat-body").all_inner_texts()


def test_a_member_joins_chats_through_a_dropped_connection_and_turns_the_thread_into_a_draft(
    browser, browser_context_args, live_portal, kitchen, screenshot
):
    workgroup, lea_person, paul_person = kitchen
    lea = browser.new_context(**{**browser_context_args, "viewport": DESKTOP}).new_page()
    sign_in_through_the_form(lea, "lea.fontaine@example.org", PASSWORD)
    lea.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Mes groupes").click()
    expect(lea.get_by_role("heading", level=1)).to_have_text("Groupes de travail")
    screenshot(lea, "journey-member-1-workgroups")
    at_phone_too(lea, "journey-member-1-workgroups", screenshot,
               action=lea.get_by_role("button", name="Rejoindre — Restauration collective"))  # fmt: skip
    lea.get_by_role("button", name="Rejoindre — Restauration collective").click()
    expect(lea).to_have_url(re.compile(rf"/groupes/{workgroup.slug}/$"))
    expect(lea.locator("body")).to_have_attribute("data-connection", "connected")
    assert WorkgroupMembership.objects.filter(workgroup=workgroup, person=lea_person).exists()

    paul = signed_in_context(browser, browser_context_args, live_portal, paul_person, viewport=PHONE).new_page()
    paul.goto(f"/groupes/{workgroup.slug}/")
    expect(paul.locator("body")).to_have_attribute("data-connection", "connected")

    send(lea, "Bonjour Paul, votre ferme pourrait-elle livrer la cantine du collège ?")
    expect(paul.locator("#message-list .chat-message")).to_have_count(1)
    send(paul, "Oui, le jeudi matin : 40 kg de légumes par semaine.")
    expect(lea.locator("#message-list .chat-message")).to_have_count(2)
    screenshot(lea, "journey-member-2-chat")
    check_screen(paul, "journey-member-2-chat-paul", screenshot, action=paul.get_by_label("Votre message"))

    # Paul's connection drops just as he sends (the frame may or may not have left), and he writes
    # again while offline; meanwhile Léa writes twice.
    send(paul, "Il faudrait une chambre froide côté cantine.")
    paul.context.set_offline(True)
    expect(paul.locator("body")).to_have_attribute("data-connection", "reconnecting")
    send(paul, "Je peux aussi fournir des œufs, si besoin.")
    send(lea, "La chambre froide existe, elle est vide le jeudi.")
    send(lea, "Je propose un essai sur trois mois.")
    expect(lea.locator("#message-list .chat-message").last).to_contain_text("Je propose un essai sur trois mois.")
    screenshot(paul, "journey-member-3-offline")
    paul.wait_for_timeout(1000)  # long enough for a message to arrive, were the connection still up
    assert "Je propose un essai sur trois mois." not in bodies(paul), "the connection did not drop"

    paul.context.set_offline(False)
    expect(paul.locator("body")).to_have_attribute("data-connection", "connected")
    for page in (lea, paul):
        expect(page.locator("#message-list .chat-message")).to_have_count(6)
        expect(page.locator("#message-list")).to_have_attribute("data-last-sequence", "6")
    screenshot(paul, "journey-member-4-back-online")
    assert bodies(lea) == bodies(paul)
    stored = list(Message.objects.filter(workgroup=workgroup).order_by("sequence").values_list("sequence", "body"))
    assert [sequence for sequence, _ in stored] == [1, 2, 3, 4, 5, 6]
    assert [body for _, body in stored] == bodies(lea)
    assert len(set(bodies(lea))) == 6  # nothing doubled
    expect(paul.locator("#pending-list .chat-message")).to_have_count(0)  # no "pending" copy left

    # Léa turns the thread into a best-practice draft for her organisation.
    lea.get_by_role("link", name="En faire une bonne pratique").click()
    expect(lea.get_by_role("heading", level=1)).to_have_text("Faire de la discussion une bonne pratique")
    lea.locator("input[name=title]").fill("Une ferme livre la cantine du collège")
    checkboxes = lea.get_by_role("group", name="Messages à citer").get_by_role("checkbox")
    expect(checkboxes).to_have_count(6)
    for index in range(6):
        checkboxes.nth(index).check()
    screenshot(lea, "journey-member-5-promote")
    at_phone_too(
        lea, "journey-member-5-promote", screenshot, action=lea.get_by_role("button", name="Créer le brouillon")
    )
    lea.get_by_role("button", name="Créer le brouillon").click()
    record = BestPractice.objects.get(title="Une ferme livre la cantine du collège")
    assert (record.status, record.organisation.name) == ("draft", "Recyclerie du Val")
    lea.get_by_role("button", name="Enregistrer").click()  # the author looks at the draft, then saves it
    draft = lea.locator("main")
    expect(lea.get_by_role("heading", level=1)).to_have_text("Une ferme livre la cantine du collège")
    for author, text in [
        ("Léa Fontaine (Recyclerie du Val)", "Bonjour Paul, votre ferme pourrait-elle livrer la cantine du collège ?"),
        ("Paul Marceau (Ferme des Trois Chênes)", "Oui, le jeudi matin : 40 kg de légumes par semaine."),
        ("Paul Marceau (Ferme des Trois Chênes)", "Je peux aussi fournir des œufs, si besoin."),
        ("Léa Fontaine (Recyclerie du Val)", "Je propose un essai sur trois mois."),
    ]:
        expect(draft.locator("p:not(.lead)", has_text=text)).to_contain_text(author)
    expect(draft).to_contain_text(
        "Issu de la discussion du groupe de travail « Restauration collective ». Contributeurs et contributrices : "
        "Léa Fontaine (Recyclerie du Val), Paul Marceau (Ferme des Trois Chênes)."
    )
    screenshot(lea, "journey-member-6-draft")
    at_phone_too(lea, "journey-member-6-draft", screenshot)
