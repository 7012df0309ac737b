"""Two members chat in a workgroup from two browsers; a third person, not a member, is kept out."""

import re
import threading

import pytest
from django.db import connections
from playwright.sync_api import expect

from tests.e2e.conftest import signed_in_context
from tests.factories import AxisFactory, PersonFactory
from workgroups.models import Message, Workgroup, WorkgroupMembership

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


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


def remove_and_close(message_pk, user):
    from workgroups import services

    try:
        services.message_remove(message=Message.objects.get(pk=message_pk), by=user)
    finally:
        connections.close_all()


def test_an_edit_whose_broadcast_was_lost_shows_without_a_reload(
    browser, browser_context_args, live_portal, chat_room, screenshot
):
    """Changes are numbered like messages: the next change to arrive reveals a gap, and the page
    resumes the missing one from the database instead of showing stale text until a reload."""
    from django.utils import timezone

    from workgroups import services

    workgroup, people = chat_room
    paul = signed_in_context(browser, browser_context_args, live_portal, people["paul"]).new_page()
    lea = people["lea"]
    first = services.message_send(workgroup=workgroup, by=lea.user, body="Livraison jeudi")
    second = services.message_send(workgroup=workgroup, by=lea.user, body="Message à retirer")
    paul.goto(f"/groupes/{workgroup.slug}/")
    expect(paul.locator("body")).to_have_attribute("data-connection", "connected")
    messages = paul.locator("#message-list .chat-message")
    expect(messages).to_have_count(2)

    # An edit stored, but whose broadcast never reached Paul (as if the channel layer dropped it).
    Message.objects.filter(pk=first.pk).update(body="Livraison vendredi", edited_at=timezone.now(), change=1)
    Workgroup.objects.filter(pk=workgroup.pk).update(last_change=1)
    # The next change is broadcast as usual: Paul's page sees change 2 after 0 and resumes. (From another
    # thread: Playwright's sync API keeps an event loop in this one, where async_to_sync refuses to run.)
    remover = threading.Thread(target=remove_and_close, args=(second.pk, lea.user))
    remover.start()
    remover.join(timeout=30)

    expect(messages.first.locator(".chat-body")).to_have_text("Livraison vendredi")
    expect(paul.locator("#message-list")).to_have_attribute("data-last-change", "2")
    expect(messages.last).not_to_contain_text("Message à retirer")
    screenshot(paul, "chat-resumed-edit")
