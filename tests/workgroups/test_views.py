"""The workgroup pages as a member sees them: the list, joining and leaving, the room, moderation.

Pages are asked for in English (the msgids), so the assertions do not depend on the French catalogue.
"""

import json
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.models import Locale, Page, Site

from portal.members.models import OrganisationKind
from tests.factories import (
    AxisFactory,
    ClubFactory,
    MessageFactory,
    OrganisationFactory,
    PersonFactory,
    UserFactory,
    WorkgroupFactory,
    WorkgroupMembershipFactory,
    make_coordinator,
)
from workgroups import services
from workgroups.models import MembershipPolicy, WorkgroupMembership, WorkgroupMembershipStatus, WorkgroupRole


@pytest.fixture
def client():
    """A browser asking for English: the middleware then leaves English active in this thread, so put it back."""
    language = translation.get_language()
    yield Client(headers={"accept-language": "en"})
    translation.activate(language)


@pytest.fixture
def person(member):
    return member.person


@pytest.fixture
def workgroup(db):
    return WorkgroupFactory(name="Restauration collective", slug="restauration-collective")


@pytest.fixture
def signed_in(client, member):
    client.force_login(member)
    return client


def room_url(workgroup, **query):
    url = reverse("workgroups:room", args=[workgroup.slug])
    return url + ("?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else "")


def page_text(response) -> str:
    return response.content.decode()


def shown_sequences(html: str) -> list[int]:
    return [int(number) for number in re.findall(r'<li class="chat-message[^"]*" id="m(\d+)"', html)]


# --- The list of workgroups -------------------------------------------------------------------------


def test_index_shows_my_workgroups_with_their_unread_counts_and_the_others_to_join(signed_in, person):
    busy = WorkgroupFactory(name="Circuits courts")
    quiet = WorkgroupFactory(name="Covoiturage")
    WorkgroupMembershipFactory(workgroup=busy, person=person)
    WorkgroupMembershipFactory(workgroup=quiet, person=person)
    for _ in range(3):
        MessageFactory(workgroup=busy)
    WorkgroupFactory(name="Rénovation énergétique", membership_policy=MembershipPolicy.OPEN)
    WorkgroupFactory(name="Aide à domicile", membership_policy=MembershipPolicy.APPROVAL)
    club = ClubFactory(name="Club des Tanneries")
    WorkgroupFactory(name="Commission mobilité", axis=None, club=club)
    WorkgroupFactory(name="Ancien groupe", is_archived=True)

    html = page_text(signed_in.get(reverse("workgroups:index")))

    mine, others = html.split('id="others-title"')
    assert "Circuits courts" in mine and "3 unread messages" in mine
    assert "Covoiturage" in mine and "No unread message" in mine
    assert "Rénovation énergétique" in others and ">Join<" in others
    assert "Aide à domicile" in others and "Request to join" in others
    assert "Club: Club des Tanneries" in others and "Commission mobilité" in others
    assert "Ancien groupe" in others and "Archived" in others and "it takes no new member" in others
    assert "Circuits courts" not in others


def test_index_says_so_when_i_have_no_workgroup_yet(signed_in):
    html = page_text(signed_in.get(reverse("workgroups:index")))
    assert "You are not in any workgroup yet." in html
    assert "There is no other workgroup for now." in html


def test_an_account_without_member_profile_sees_the_list_but_cannot_join(client, db):
    workgroup = WorkgroupFactory(name="Circuits courts")
    client.force_login(UserFactory())

    html = page_text(client.get(reverse("workgroups:index")))

    assert "Circuits courts" in html and "has no member profile" in html and ">Join<" not in html
    assert client.post(reverse("workgroups:join", args=[workgroup.slug])).status_code == 403
    assert client.get(room_url(workgroup)).status_code == 403
    assert not WorkgroupMembership.objects.exists()


def test_navigation_links_to_my_workgroups_once_signed_in(client, member):
    assert reverse("workgroups:index") not in page_text(client.get(reverse("members:login")))
    client.force_login(member)
    assert f'href="{reverse("workgroups:index")}"' in page_text(client.get(reverse("members:profile")))


def test_pages_ask_to_sign_in_first(client, workgroup):
    for url in (reverse("workgroups:index"), room_url(workgroup)):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("members:login"))


# --- Joining and leaving ------------------------------------------------------------------------------


def test_joining_an_open_workgroup_opens_its_room_at_once(signed_in, person, workgroup):
    response = signed_in.post(reverse("workgroups:join", args=[workgroup.slug]), follow=True)

    assert response.redirect_chain == [(room_url(workgroup), 302)]
    assert "Welcome to “Restauration collective”" in page_text(response)
    assert WorkgroupMembership.objects.get(workgroup=workgroup, person=person).status == "active"


def test_joining_a_workgroup_on_approval_sends_a_request_that_waits(signed_in, person):
    workgroup = WorkgroupFactory(name="Aide à domicile", membership_policy=MembershipPolicy.APPROVAL)

    response = signed_in.post(reverse("workgroups:join", args=[workgroup.slug]), follow=True)

    assert response.redirect_chain == [(reverse("workgroups:index"), 302)]
    html = page_text(response)
    assert "now waits for a coordinator" in html
    assert "Waiting for approval" in html and "Withdraw my request" in html
    assert WorkgroupMembership.objects.get(workgroup=workgroup, person=person).status == "pending"
    room = signed_in.get(room_url(workgroup))
    assert room.status_code == 403 and "Your request to join is waiting" in page_text(room)


def test_join_and_leave_only_answer_posts(signed_in, workgroup):
    assert signed_in.get(reverse("workgroups:join", args=[workgroup.slug])).status_code == 405
    assert signed_in.get(reverse("workgroups:leave", args=[workgroup.slug])).status_code == 405
    assert not WorkgroupMembership.objects.exists()


def test_join_is_csrf_protected(member, workgroup):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    assert client.post(reverse("workgroups:join", args=[workgroup.slug])).status_code == 403
    assert not WorkgroupMembership.objects.exists()


def test_an_archived_workgroup_takes_no_new_member(signed_in):
    workgroup = WorkgroupFactory(name="Ancien groupe", is_archived=True)
    response = signed_in.post(reverse("workgroups:join", args=[workgroup.slug]), follow=True)
    assert "archived" in page_text(response)
    assert not WorkgroupMembership.objects.exists()


def test_leaving_a_workgroup_closes_its_room(signed_in, person, workgroup):
    WorkgroupMembershipFactory(workgroup=workgroup, person=person)

    response = signed_in.post(reverse("workgroups:leave", args=[workgroup.slug]), follow=True)

    assert "You have left “Restauration collective”." in page_text(response)
    assert not WorkgroupMembership.objects.filter(person=person).exists()
    assert signed_in.get(room_url(workgroup)).status_code == 403


def test_withdrawing_a_request_that_waits(signed_in, person):
    workgroup = WorkgroupFactory(name="Aide à domicile", membership_policy=MembershipPolicy.APPROVAL)
    WorkgroupMembershipFactory(workgroup=workgroup, person=person, status=WorkgroupMembershipStatus.PENDING)
    response = signed_in.post(reverse("workgroups:leave", args=[workgroup.slug]), follow=True)
    assert "has been withdrawn" in page_text(response)
    assert not WorkgroupMembership.objects.exists()


# --- The room: who gets in -------------------------------------------------------------------------


def test_a_non_member_gets_403_with_the_way_in_and_no_word_of_the_discussion(signed_in, workgroup):
    MessageFactory(workgroup=workgroup, body="Le budget confidentiel est de 12 000 €")

    response = signed_in.get(room_url(workgroup))

    html = page_text(response)
    assert response.status_code == 403
    assert "Restauration collective" in html and "Join this workgroup" in html
    assert "confidentiel" not in html and "room-config" not in html
    fragment = signed_in.get(room_url(workgroup, before=99, fragment=1))
    assert fragment.status_code == 403 and "confidentiel" not in page_text(fragment)
    posted = signed_in.post(room_url(workgroup), {"body": "Je m'invite"})
    assert posted.status_code == 403 and workgroup.messages.count() == 1


# --- The room: messages -------------------------------------------------------------------------------


@pytest.fixture
def my_room(person, workgroup):
    WorkgroupMembershipFactory(workgroup=workgroup, person=person)
    return workgroup


def test_room_shows_the_latest_50_messages_in_order_and_pages_back(signed_in, my_room):
    for number in range(1, 61):
        MessageFactory(workgroup=my_room, body=f"Intervention {number:02d}")

    html = page_text(signed_in.get(room_url(my_room)))

    assert shown_sequences(html) == list(range(11, 61))
    assert html.index("Intervention 11") < html.index("Intervention 60")
    assert "Intervention 10" not in html
    assert 'data-last-sequence="60"' in html
    assert 'href="?before=11"' in html and "Show older messages" in html

    older = page_text(signed_in.get(room_url(my_room, before=11)))
    assert shown_sequences(older) == list(range(1, 11))
    assert "This is the beginning of the discussion." in older and "Back to the latest messages" in older

    fragment = signed_in.get(room_url(my_room, before=11, fragment=1))
    assert shown_sequences(page_text(fragment)) == list(range(1, 11))
    assert 'data-has-older="false"' in page_text(fragment)
    assert "<html" not in page_text(fragment) and "Members" not in page_text(fragment)


def test_room_shows_author_organisation_time_and_edits(signed_in, my_room):
    organisation = OrganisationFactory(name="SCOP La Fabrique", kind=OrganisationKind.COOPERATIVE)
    author = PersonFactory(organisation=organisation, user__first_name="Inès", user__last_name="Roux")
    message = MessageFactory(workgroup=my_room, author=author, body="Premier jet")
    MessageFactory(workgroup=my_room, author=author, body="Version corrigée", edited_at=timezone.now())

    html = page_text(signed_in.get(room_url(my_room)))

    item = html[html.index('id="m1"') : html.index('id="m2"')]
    assert f'data-sequence="{message.sequence}"' in item
    assert "Inès Roux" in item and "SCOP La Fabrique" in item and "<time datetime=" in item
    assert "edited" not in item
    assert "edited" in html[html.index('id="m2"') :]


def test_message_bodies_are_escaped_with_links_and_mentions(signed_in, person, my_room):
    colleague = PersonFactory(handle="ines-roux")
    WorkgroupMembershipFactory(workgroup=my_room, person=colleague)
    MessageFactory(
        workgroup=my_room,
        body=f'<script>alert("x")</script> Voir https://example.org/compte-rendu?a=1&b=2. '
        f"@ines-roux @{person.handle} @inconnu",
    )

    html = page_text(signed_in.get(room_url(my_room)))

    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert (
        '<a href="https://example.org/compte-rendu?a=1&amp;b=2" rel="nofollow noopener" target="_blank">'
        "https://example.org/compte-rendu?a=1&amp;b=2</a>." in html
    )
    assert '<span class="mention" data-handle="ines-roux">@ines-roux</span>' in html
    assert f'<span class="mention mention-me" data-handle="{person.handle}">@{person.handle}</span>' in html
    assert "@inconnu" in html and 'data-handle="inconnu"' not in html


def test_removed_messages_show_who_removed_them_and_not_their_text(signed_in, person, my_room):
    coordinator = PersonFactory()
    WorkgroupMembershipFactory(workgroup=my_room, person=coordinator, role=WorkgroupRole.COORDINATOR)
    regretted = MessageFactory(workgroup=my_room, author=person, body="Phrase regrettée")
    offensive = MessageFactory(workgroup=my_room, body="Propos déplacés")
    services.message_remove(message=regretted, by=person.user)
    services.message_remove(message=offensive, by=coordinator.user)

    html = page_text(signed_in.get(room_url(my_room)))

    assert "Phrase regrettée" not in html and "Propos déplacés" not in html
    assert "Message deleted by its author" in html[html.index('id="m1"') : html.index('id="m2"')]
    assert "Message hidden by the coordination" in html[html.index('id="m2"') :]


def test_opening_the_room_marks_its_messages_read(signed_in, person, my_room):
    for _ in range(4):
        MessageFactory(workgroup=my_room)
    assert "4 unread messages" in page_text(signed_in.get(reverse("workgroups:index")))

    signed_in.get(room_url(my_room))

    assert WorkgroupMembership.objects.get(workgroup=my_room, person=person).last_read_sequence == 4
    assert "No unread message" in page_text(signed_in.get(reverse("workgroups:index")))


def test_an_empty_room_invites_to_write_the_first_message(signed_in, my_room):
    html = page_text(signed_in.get(room_url(my_room)))
    assert "No message yet" in html and 'data-last-sequence="0"' in html


def test_room_lists_members_with_their_organisation_and_its_kind(signed_in, my_room):
    cooperative = OrganisationFactory(name="SCOP La Fabrique", kind=OrganisationKind.COOPERATIVE)
    firm = OrganisationFactory(name="Garage Dupont", kind=OrganisationKind.CLASSIC_FIRM)
    WorkgroupMembershipFactory(workgroup=my_room, person=PersonFactory(organisation=cooperative))
    WorkgroupMembershipFactory(workgroup=my_room, person=PersonFactory(organisation=firm))

    html = page_text(signed_in.get(room_url(my_room)))
    members = html[html.index('id="members-title"') :]

    assert "3 members" in members
    assert re.search(r"SCOP La Fabrique</span>\s*<abbr class=\"badge badge-sse\"[^>]*>SSE</abbr>", members)
    assert re.search(r"Garage Dupont</span>\s*<span class=\"badge badge-classic\">Classic firm</span>", members)


def test_room_gives_the_client_its_translated_texts_and_socket(signed_in, person, my_room):
    response = signed_in.get(room_url(my_room))
    html = page_text(response)
    config = json.loads(re.search(r'<script id="room-config" type="application/json">(.*?)</script>', html).group(1))
    assert config["socketPath"] == f"/ws/workgroups/{my_room.slug}/"
    assert config["me"]["id"] == person.pk and config["live"] is True
    assert config["strings"]["closed"]["4403"].startswith("You are not")
    assert config["editWindowSeconds"] == 15 * 60 and config["maxLength"] == 4000
    assert 'src="/static/workgroups/room.js"' in html and 'maxlength="4000"' in html


def _room_with(person, size: int):
    """A room `person` belongs to, with `size` other members (of organisations) who each wrote, one
    message in two answering the one before, and one removed."""
    room = WorkgroupFactory()
    WorkgroupMembershipFactory(workgroup=room, person=person)
    others = [PersonFactory(organisation=OrganisationFactory()) for _ in range(size)]
    for other in others:
        WorkgroupMembershipFactory(workgroup=room, person=other)
    previous = None
    for index in range(3 * size):
        previous = MessageFactory(workgroup=room, author=others[index % size], reply_to=previous if index % 2 else None)
    previous.removed_at, previous.removed_by = timezone.now(), previous.author
    previous.save()
    return room


def _a_default_site():
    """The default site the migrations make, which the menu reads; a test that flushed the database
    before this one (a transactional test) took it away."""
    if Site.objects.filter(is_default_site=True).exists():
        return
    locale, _created = Locale.objects.get_or_create(language_code="fr")
    root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Racine", slug="root", locale=locale))
    Site.objects.create(hostname="localhost", root_page=root, is_default_site=True)


def test_the_room_reads_in_the_same_queries_whatever_it_holds(signed_in, person, django_assert_num_queries):
    _a_default_site()
    signed_in.get(room_url(_room_with(person, 2)))  # the process's caches (site, settings) are warm
    small, large = _room_with(person, 3), _room_with(person, 25)  # 9 and 75 messages (a page is 50)
    # The session, its user, the room, the person, the membership, the page of messages (authors,
    # organisations and parents joined), the last sequence and the reading mark's UPDATE, the members,
    # the user's role assignments (read once: leading the axis, moderating), the room role, the
    # person's organisation, the site and its sections (menu), the user's two permission reads
    # (menus): 16, none per message or member.
    for room in (small, large):
        with django_assert_num_queries(16):
            assert signed_in.get(room_url(room)).status_code == 200


def test_posting_without_javascript_sends_the_message(signed_in, my_room):
    response = signed_in.post(room_url(my_room), {"body": "Bonjour\r\nà tous"})

    message = my_room.messages.get()
    assert response.status_code == 302 and response["Location"] == room_url(my_room) + f"#m{message.sequence}"
    assert message.body == "Bonjour\nà tous"
    assert "Bonjour\nà tous" in page_text(signed_in.get(response["Location"]))


def test_posting_an_empty_message_shows_the_reason(signed_in, my_room):
    response = signed_in.post(room_url(my_room), {"body": "   "})
    assert response.status_code == 200 and "The message is empty." in page_text(response)
    assert not my_room.messages.exists()


def test_an_archived_room_stays_readable_without_a_composer(signed_in, my_room):
    MessageFactory(workgroup=my_room, body="Compte rendu final")
    my_room.is_archived = True
    my_room.save()
    html = page_text(signed_in.get(room_url(my_room)))
    assert "Compte rendu final" in html and "archived" in html
    assert 'id="composer"' not in html


# --- Join requests: coordinators only -----------------------------------------------------------------


@pytest.fixture
def requests_room(person):
    """An approval workgroup where `person` coordinates and two people wait."""
    workgroup = WorkgroupFactory(name="Aide à domicile", membership_policy=MembershipPolicy.APPROVAL)
    WorkgroupMembershipFactory(workgroup=workgroup, person=person, role=WorkgroupRole.COORDINATOR)
    waiting = [
        WorkgroupMembershipFactory(
            workgroup=workgroup,
            person=PersonFactory(user__first_name=first, user__last_name="Candidat"),
            status=WorkgroupMembershipStatus.PENDING,
        )
        for first in ("Yanis", "Zoé")
    ]
    return workgroup, waiting


def test_a_coordinator_approves_and_refuses_requests_from_the_room(signed_in, requests_room):
    workgroup, (yanis, zoe) = requests_room
    html = page_text(signed_in.get(room_url(workgroup)))
    assert "Requests to join" in html and "Yanis Candidat" in html and "Zoé Candidat" in html

    approved = signed_in.post(reverse("workgroups:approve", args=[yanis.pk]), follow=True)
    assert "Yanis Candidat is now a member of the workgroup." in page_text(approved)
    refused = signed_in.post(reverse("workgroups:refuse", args=[zoe.pk]), follow=True)
    assert "The request of Zoé Candidat has been refused." in page_text(refused)

    yanis.refresh_from_db()
    assert yanis.status == "active" and not WorkgroupMembership.objects.filter(pk=zoe.pk).exists()
    html = page_text(signed_in.get(room_url(workgroup)))
    assert "No request is waiting." in html


def test_a_plain_member_can_neither_see_nor_handle_requests(client, requests_room):
    workgroup, (yanis, zoe) = requests_room
    plain = PersonFactory()
    WorkgroupMembershipFactory(workgroup=workgroup, person=plain)
    client.force_login(plain.user)

    assert "Yanis Candidat" not in page_text(client.get(room_url(workgroup)))
    assert client.post(reverse("workgroups:approve", args=[yanis.pk])).status_code == 403
    assert client.post(reverse("workgroups:refuse", args=[zoe.pk])).status_code == 403
    assert set(WorkgroupMembership.objects.filter(pk__in=[yanis.pk, zoe.pk]).values_list("status", flat=True)) == {
        "pending"
    }


def test_approving_twice_says_the_request_was_already_handled(signed_in, requests_room):
    workgroup, (yanis, _zoe) = requests_room
    signed_in.post(reverse("workgroups:approve", args=[yanis.pk]))
    response = signed_in.post(reverse("workgroups:approve", args=[yanis.pk]), follow=True)
    assert "This request has already been handled." in page_text(response)


def test_an_axis_coordinator_handles_requests_without_reading_the_discussion(client, db):
    coordinator = PersonFactory()
    axis = AxisFactory()
    make_coordinator(coordinator, axis)
    workgroup = WorkgroupFactory(axis=axis, membership_policy=MembershipPolicy.APPROVAL)
    MessageFactory(workgroup=workgroup, body="Entre membres seulement")
    waiting = WorkgroupMembershipFactory(
        workgroup=workgroup, person=PersonFactory(user__first_name="Yanis"), status=WorkgroupMembershipStatus.PENDING
    )
    client.force_login(coordinator.user)

    response = client.get(room_url(workgroup))
    html = page_text(response)
    assert response.status_code == 403 and "Entre membres seulement" not in html
    assert "Requests to join" in html and "Yanis" in html

    client.post(reverse("workgroups:approve", args=[waiting.pk]))
    waiting.refresh_from_db()
    assert waiting.status == "active"


# --- The mention e-mail -------------------------------------------------------------------------------


def test_a_mention_is_e_mailed_with_the_message_and_a_link_to_it(person, my_room, django_capture_on_commit_callbacks):
    named = PersonFactory(handle="ines-roux")
    named.user.email = "ines@example.org"
    named.user.save()
    WorkgroupMembershipFactory(workgroup=my_room, person=named)

    with django_capture_on_commit_callbacks(execute=True):
        message = services.message_send(
            workgroup=my_room, by=person.user, body="@ines-roux peux-tu relire l'ordre du jour & le <budget> ?"
        )

    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["ines@example.org"]
    body = mail.outbox[0].body
    assert "@ines-roux peux-tu relire l'ordre du jour & le <budget> ?" in body  # plain text: not HTML-escaped
    assert str(person) in body and "Restauration collective" in body
    assert f"{room_url(my_room)}#m{message.sequence}" in body
