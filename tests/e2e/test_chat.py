"""Two members chat in a workgroup from two browsers; a third person, not a member, is kept out."""

import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from tests.factories import AxisFactory, PersonFactory
from workgroups.models import Message, Workgroup, WorkgroupMembership

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def signed_in_context(browser, browser_context_args, live_portal, person):
    """A browser context carrying the person's session cookie, as after the login form."""
    client = Client()
    client.force_login(person.user)
    context = browser.new_context(**browser_context_args)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_portal}])
    return context


@pytest.fixture
def chat_room():
    workgroup = Workgroup.objects.create(
        axis=AxisFactory(title="Alimentation durable"), name="Restauration collective", slug="restauration-collective"
    )
    people = {
        "lea": PersonFactory(user__first_name="Léa", user__last_name="Fontaine", handle="lea-fontaine"),
        "paul": PersonFactory(user__first_name="Paul", user__last_name="Marceau", handle="paul-marceau"),
        "nina": PersonFactory(user__first_name="Nina", user__last_name="Petit", handle="nina-petit"),
    }
    for name in ("lea", "paul"):
        WorkgroupMembership.objects.create(workgroup=workgroup, person=people[name])
    return workgroup, people


def send(page, text):
    page.get_by_label("Votre message").fill(text)
    page.get_by_label("Votre message").press("Enter")


def test_two_members_chat_live_and_an_outsider_cannot_open_the_room(
    browser, browser_context_args, live_portal, chat_room, screenshot
):
    workgroup, people = chat_room
    room_url = f"/groupes/{workgroup.slug}/"
    lea = signed_in_context(browser, browser_context_args, live_portal, people["lea"]).new_page()
    paul = signed_in_context(browser, browser_context_args, live_portal, people["paul"]).new_page()
    for page in (lea, paul):
        page.goto(room_url)
        expect(page.locator("body")).to_have_attribute("data-connection", "connected")

    send(lea, "Bonjour Paul, on parle des livraisons ? @paul-marceau")
    paul_messages = paul.locator("#message-list .chat-message")
    expect(paul_messages).to_have_count(1)
    expect(paul_messages.last).to_contain_text("Bonjour Paul, on parle des livraisons ?")
    expect(paul_messages.last).to_contain_text("Léa Fontaine")

    send(paul, "Oui : notre camion passe le jeudi, <b>pas</b> le mardi.")
    lea_messages = lea.locator("#message-list .chat-message")
    expect(lea_messages).to_have_count(2)
    # The text arrives as typed: markup is shown, never interpreted.
    expect(lea_messages.last.locator(".chat-body")).to_have_text(
        "Oui : notre camion passe le jeudi, <b>pas</b> le mardi."
    )
    expect(lea.locator("#message-list")).to_have_attribute("data-last-sequence", "2")
    screenshot(lea, "chat-lea")

    # Each message is stored once, in order, and both screens show the same sequence.
    assert list(Message.objects.order_by("sequence").values_list("sequence", "author__handle")) == [
        (1, "lea-fontaine"),
        (2, "paul-marceau"),
    ]
    expect(paul_messages).to_have_count(2)

    nina = signed_in_context(browser, browser_context_args, live_portal, people["nina"]).new_page()
    response = nina.goto(room_url)
    assert response.status == 403
    expect(nina.get_by_role("heading", level=1)).to_contain_text("Restauration collective")
    expect(nina.locator("body")).not_to_contain_text("livraisons")
    expect(nina.get_by_role("button", name=re.compile("Rejoindre"))).to_be_visible()
    screenshot(nina, "chat-outsider")
