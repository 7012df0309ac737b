"""Workgroup rules as members and coordinators meet them."""

import datetime
import json
import threading

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal import realtime
from search import registry
from search.models import IndexOutbox
from tests.factories import AxisFactory, MessageFactory, PersonFactory, make_coordinator
from workgroups import services
from workgroups.digests import send_daily_digests
from workgroups.models import (
    MembershipPolicy,
    Mention,
    Message,
    Workgroup,
    WorkgroupMembership,
    WorkgroupMembershipStatus,
    WorkgroupRole,
)
from workgroups.serializers import message_frame

User = get_user_model()


@pytest.fixture
def workgroup(db):
    return Workgroup.objects.create(axis=AxisFactory(), name="Groupe", slug="groupe")


def member_of(workgroup, **person_fields):
    person = PersonFactory(**person_fields)
    WorkgroupMembership.objects.create(workgroup=workgroup, person=person)
    return person


def test_open_workgroup_joins_at_once_approval_waits_for_a_coordinator(workgroup):
    walker = PersonFactory()
    assert services.workgroup_join(workgroup=workgroup, by=walker.user).status == WorkgroupMembershipStatus.ACTIVE
    gated = Workgroup.objects.create(
        axis=workgroup.axis, name="Sur demande", slug="sur-demande", membership_policy=MembershipPolicy.APPROVAL
    )
    request = services.workgroup_join(workgroup=gated, by=walker.user)
    assert request.status == WorkgroupMembershipStatus.PENDING
    with pytest.raises(PermissionDenied):
        services.message_send(workgroup=gated, by=walker.user, body="je peux ?")
    plain = member_of(gated)
    with pytest.raises(PermissionDenied):
        services.workgroup_approve(membership=request, by=plain.user)
    coordinator = PersonFactory()
    WorkgroupMembership.objects.create(workgroup=gated, person=coordinator, role=WorkgroupRole.COORDINATOR)
    services.workgroup_approve(membership=request, by=coordinator.user)
    request.refresh_from_db()
    assert request.status == WorkgroupMembershipStatus.ACTIVE


def test_axis_coordinators_moderate_the_axis_workgroups(workgroup):
    axis_coordinator = PersonFactory()
    make_coordinator(axis_coordinator, workgroup.axis)
    author = member_of(workgroup)
    message = services.message_send(workgroup=workgroup, by=author.user, body="à modérer")
    services.message_remove(message=message, by=axis_coordinator.user)
    message.refresh_from_db()
    assert message.removed_by == axis_coordinator and message.body == "à modérer"


def test_archived_workgroup_takes_no_message_and_no_member(workgroup):
    author = member_of(workgroup)
    workgroup.is_archived = True
    workgroup.save()
    with pytest.raises(ValidationError):
        services.message_send(workgroup=workgroup, by=author.user, body="trop tard")
    with pytest.raises(ValidationError):
        services.workgroup_join(workgroup=workgroup, by=PersonFactory().user)
    assert not Message.objects.exists()


def test_edit_is_allowed_for_fifteen_minutes_only(workgroup):
    author = member_of(workgroup)
    message = services.message_send(workgroup=workgroup, by=author.user, body="v1")
    services.message_edit(message=message, by=author.user, body="v2")
    Message.objects.filter(pk=message.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=16))
    message.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        services.message_edit(message=message, by=author.user, body="v3")
    assert "15 minutes" in " ".join(caught.value.messages)
    message.refresh_from_db()
    assert message.body == "v2" and message.edited_at is not None


def test_broadcast_leaves_only_when_the_transaction_commits(workgroup, django_capture_on_commit_callbacks):
    author = member_of(workgroup)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.message_send(workgroup=workgroup, by=author.user, body="un")
    broadcasts = [callback for callback in callbacks if callback.__qualname__.startswith("broadcast_on_commit")]
    assert len(broadcasts) == 1  # queued, not sent, until commit


def test_mentions_notify_members_once_and_never_outsiders(workgroup, django_capture_on_commit_callbacks):
    author = member_of(workgroup)
    named = member_of(workgroup, handle="lea-fontaine")
    PersonFactory(handle="hors-groupe")
    with django_capture_on_commit_callbacks(execute=True):
        services.message_send(
            workgroup=workgroup, by=author.user, body="@lea-fontaine et @hors-groupe, voyez ceci (mail@exemple.fr)"
        )
    assert list(Mention.objects.values_list("person__handle", flat=True)) == ["lea-fontaine"]
    assert [message.to for message in mail.outbox] == [[named.user.email]]
    assert "/groupes/groupe/#m1" in mail.outbox[0].body


def test_daily_digest_lists_unread_and_mentions_once_and_respects_opt_out(workgroup):
    author = member_of(workgroup)
    reader = member_of(workgroup, handle="lecteur")
    quiet = member_of(workgroup)
    quiet.receives_daily_digest = False
    quiet.save()
    services.message_send(workgroup=workgroup, by=author.user, body="Compte rendu de l'atelier")
    services.message_send(workgroup=workgroup, by=author.user, body="@lecteur peux-tu relire ?")
    mail.outbox.clear()

    assert send_daily_digests() == 1
    assert [message.to for message in mail.outbox] == [[reader.user.email]]
    body = mail.outbox[0].body
    assert "Compte rendu de l'atelier" in body and "peux-tu relire" in body
    assert "text/html" in [alternative[1] for alternative in mail.outbox[0].alternatives]

    mail.outbox.clear()
    assert send_daily_digests() == 0  # nothing new: no second e-mail
    services.mark_read(workgroup=workgroup, by=reader.user, sequence=2)
    services.message_send(workgroup=workgroup, by=author.user, body="Nouveau point")
    assert send_daily_digests() == 1 and "Nouveau point" in mail.outbox[0].body
    assert "Compte rendu" not in mail.outbox[0].body


@pytest.mark.django_db(transaction=True)
def test_concurrent_senders_get_unique_gapless_sequences():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL): SQLite serialises writers by locking the whole file")
    workgroup = Workgroup.objects.create(axis=AxisFactory(), name="Concurrence", slug="concurrence")
    authors = [member_of(workgroup) for _ in range(4)]
    errors = []

    def send_many(person):
        try:
            for index in range(10):
                sent = services.message_send(
                    workgroup=workgroup, by=person.user, body=f"{person.pk}-{index}", client_id=f"c-{index}"
                )
                # Resent as a browser does after a reconnection: the stored message, no sequence taken.
                again = services.message_send(
                    workgroup=workgroup, by=person.user, body=f"{person.pk}-{index}", client_id=f"c-{index}"
                )
                assert (again.pk, again.sequence) == (sent.pk, sent.sequence)
                Message.objects.filter(author=person).update(created_at=timezone.now() - datetime.timedelta(minutes=1))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send_many, args=(person,)) for person in authors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    sequences = sorted(Message.objects.filter(workgroup=workgroup).values_list("sequence", flat=True))
    assert sequences == list(range(1, 41))
    workgroup.refresh_from_db()
    assert workgroup.last_sequence == 40


def test_a_member_removed_behind_the_scenes_can_no_longer_send(workgroup):
    """Membership is checked against the database on every send, not taken from the socket's state."""
    author = member_of(workgroup)
    services.message_send(workgroup=workgroup, by=author.user, body="encore membre")
    WorkgroupMembership.objects.filter(person=author).delete()  # e.g. from the administration
    with pytest.raises(PermissionDenied):
        services.message_send(workgroup=workgroup, by=author.user, body="plus membre")
    assert list(Message.objects.values_list("body", flat=True)) == ["encore membre"]
    workgroup.refresh_from_db()
    assert workgroup.last_sequence == 1  # the refused send took no sequence number


def test_a_workgroup_archived_after_the_page_was_opened_refuses_with_its_reason(workgroup):
    author = member_of(workgroup)
    stale = Workgroup.objects.get(pk=workgroup.pk)  # as a socket loaded it before the archiving
    Workgroup.objects.filter(pk=workgroup.pk).update(is_archived=True)
    with pytest.raises(ValidationError) as caught:
        services.message_send(workgroup=stale, by=author.user, body="trop tard")
    assert caught.value.code == "archived"
    assert not Message.objects.exists()


def test_a_retried_send_gets_its_stored_message_even_at_the_rate_limit(workgroup):
    author = member_of(workgroup)
    first = services.message_send(workgroup=workgroup, by=author.user, body="un", client_id="c-0")
    for index in range(1, services.RATE_LIMIT_MESSAGES):
        services.message_send(workgroup=workgroup, by=author.user, body=f"m{index}", client_id=f"c-{index}")
    with pytest.raises(services.RateLimited) as caught:
        services.message_send(workgroup=workgroup, by=author.user, body="de trop", client_id="c-new")
    assert 0 < caught.value.retry_after <= services.RATE_LIMIT_WINDOW.total_seconds()
    # The browser resends an unacknowledged message after a reconnection: same answer, no duplicate.
    again = services.message_send(workgroup=workgroup, by=author.user, body="un", client_id="c-0")
    assert (again.pk, again.sequence) == (first.pk, 1)
    assert Message.objects.count() == services.RATE_LIMIT_MESSAGES


def test_the_rate_limit_counts_recent_messages_only(workgroup):
    author = member_of(workgroup)
    for index in range(services.RATE_LIMIT_MESSAGES):
        services.message_send(workgroup=workgroup, by=author.user, body=f"m{index}")
    Message.objects.update(created_at=timezone.now() - services.RATE_LIMIT_WINDOW - datetime.timedelta(seconds=1))
    message = services.message_send(workgroup=workgroup, by=author.user, body="plus tard")
    assert message.sequence == services.RATE_LIMIT_MESSAGES + 1


def test_a_reply_to_a_missing_message_is_refused_and_takes_no_sequence(workgroup):
    author = member_of(workgroup)
    with pytest.raises(ValidationError) as caught:
        services.message_send(workgroup=workgroup, by=author.user, body="réponse", reply_to=7)
    assert caught.value.code == "bad_reply"
    first = services.message_send(workgroup=workgroup, by=author.user, body="premier")
    reply = services.message_send(workgroup=workgroup, by=author.user, body="réponse", reply_to=first.sequence)
    assert (first.sequence, reply.sequence, reply.reply_to_id) == (1, 2, first.pk)


def test_a_live_message_reads_as_its_stored_row_and_waits_in_the_search_outbox(
    workgroup, settings, django_capture_on_commit_callbacks
):
    author = member_of(workgroup)
    for one_statement in (True, False):
        settings.PORTAL_ONE_STATEMENT_SEND = one_statement
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            message = services.message_send(
                workgroup=workgroup,
                by=author.user,
                body=f"Réunion « {one_statement} » à 14 h",
                client_id=f"c-{one_statement}",
            )
        # The index update is queued with the message, in its transaction.
        assert IndexOutbox.objects.filter(doc_type=registry.for_model(Message).name, object_id=str(message.pk)).exists()
        with realtime.held_publishes() as held:
            for callback in callbacks:
                if callback.__qualname__.startswith("broadcast_on_commit"):
                    callback()
        [(group, event)] = held
        stored = Message.objects.select_related("author__organisation").get(pk=message.pk)
        # Members who watch the room read the message exactly as those who resume later will.
        assert group == realtime.workgroup_group(workgroup.pk)
        assert json.loads(event["text"]) == {"type": "message", "message": message_frame(stored)}
        assert (message.sequence, stored.sequence, stored.body) == (2 - one_statement, message.sequence, message.body)
    workgroup.refresh_from_db()
    assert workgroup.last_sequence == 2


def _queries_of_a_send(size: int, body: str) -> list[str]:
    """The statements one message_send costs in a room of `size` members that holds `size` messages,
    for a user loaded afresh (as a request or a socket has it)."""
    n = Workgroup.objects.count()
    workgroup = Workgroup.objects.create(axis=AxisFactory(), name=f"Groupe {n}", slug=f"groupe-{n}")
    author = member_of(workgroup, handle=f"auteur-{n}")
    others = [member_of(workgroup, handle=f"membre-{n}-{index}") for index in range(size)]
    for index in range(size):
        MessageFactory(workgroup=workgroup, author=others[index % len(others)])
    user = User.objects.get(pk=author.user_id)
    with CaptureQueriesContext(connection) as captured:
        services.message_send(workgroup=workgroup, by=user, body=body.format(n=n))
    return [query["sql"] for query in captured.captured_queries]


def test_a_message_costs_the_same_queries_whatever_the_room_holds(workgroup):
    # The person (the user's reverse one-to-one), then (in a savepoint here, inside the test's
    # transaction; in autocommit outside one) ONE statement: the sequence claim (which also checks
    # membership, archive and rate), the INSERT and the search outbox row; then the author's
    # organisation for the frame. None per member.
    small, large = _queries_of_a_send(2, "Bonjour"), _queries_of_a_send(30, "Bonjour")
    assert len(small) == len(large) == 5, [sql[:90] for sql in small]
    # A mention adds one read of the mentioned members and one INSERT of the mentions (and the
    # notification task queued on commit), whatever the number of people mentioned.
    small = _queries_of_a_send(2, "@membre-{n}-0 @membre-{n}-1 relisez")
    large = _queries_of_a_send(30, "@membre-{n}-0 @membre-{n}-1 @membre-{n}-2 relisez")
    assert len(small) == len(large) == 9, [sql[:90] for sql in small]
