"""Writes to workgroups: membership, messages, moderation, reading marks.

Every write runs in one transaction; broadcasts are queued with on_commit, so a
rolled-back write never reaches a socket, and a broadcast that fails loses
nothing (clients resume from the database by sequence number).
"""

import contextlib
import datetime
import functools
import re

import psycopg
from channels.db import database_sync_to_async
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from psycopg_pool import PoolTimeout

from portal import async_db, realtime
from portal.members.models import MessageNotifications, Person
from search.indexing import index_rows_sql, index_rows_written, index_rows_written_async, schedule_index

from . import permissions
from .models import (
    MESSAGE_MAX_LENGTH,
    Decision,
    Meeting,
    MembershipPolicy,
    Mention,
    Message,
    SharedFile,
    Task,
    Workgroup,
    WorkgroupMembership,
    WorkgroupMembershipStatus,
    WorkgroupRole,
)
from .serializers import message_frame

EDIT_WINDOW = datetime.timedelta(minutes=15)
RATE_LIMIT_MESSAGES = 10
RATE_LIMIT_WINDOW = datetime.timedelta(seconds=10)
MENTION_PATTERN = re.compile(r"(?<![\w@])@([a-z0-9][a-z0-9-]{0,79})", re.IGNORECASE)


class RateLimited(Exception):
    def __init__(self, retry_after: float):
        super().__init__(retry_after)
        self.retry_after = retry_after


def _person(user) -> Person:
    person = getattr(user, "person", None)
    if person is None or not user.is_active:
        raise PermissionDenied(_("Your account has no member profile."))
    return person


# --- Membership -------------------------------------------------------------------------------


def workgroup_join(*, workgroup: Workgroup, by) -> WorkgroupMembership:
    """Joins at once in an open workgroup (or as its axis's or club's coordination); in the others,
    waits for a coordinator's approval."""
    person = _person(by)
    if workgroup.is_archived:
        raise ValidationError(_("This workgroup is archived: it no longer takes new members."))
    if not permissions.may_join_commission(person, workgroup) and not permissions.can_manage(by, workgroup):
        raise ValidationError(_("This commission is open to the member firms of its club only."))
    status = (
        WorkgroupMembershipStatus.ACTIVE
        if workgroup.membership_policy == MembershipPolicy.OPEN or permissions.can_manage(by, workgroup)
        else WorkgroupMembershipStatus.PENDING
    )
    with transaction.atomic():
        membership, created = WorkgroupMembership.objects.get_or_create(
            workgroup=workgroup,
            person=person,
            defaults={"status": status, "last_read_sequence": workgroup.last_sequence},
        )
        if not created and membership.status != status == WorkgroupMembershipStatus.ACTIVE:
            membership.status = status
            membership.save(update_fields=["status"])
    return membership


def workgroup_leave(*, workgroup: Workgroup, by) -> None:
    person = _person(by)
    with transaction.atomic():
        deleted, _rows = WorkgroupMembership.objects.filter(workgroup=workgroup, person=person).delete()
        if deleted:
            realtime.revoke_on_commit(realtime.workgroup_group(workgroup.pk), person.pk)


def membership_admin_save(*, instance: WorkgroupMembership, by, save) -> WorkgroupMembership:
    """An edit in the admin, by the coordination of the workgroup's axis or club: a membership that is
    no longer active closes the person's sockets in the room at the commit, before the room's next
    message reaches them."""
    if not permissions.can_manage(by, instance.workgroup):
        raise PermissionDenied(_("Only the coordination of the workgroup's axis or club sets its members."))
    if instance.pk is not None:
        before = WorkgroupMembership.objects.select_related("workgroup").get(pk=instance.pk)
        if not permissions.can_manage(by, before.workgroup):
            raise PermissionDenied(_("Only the coordination of the workgroup's axis or club sets its members."))
    with transaction.atomic():
        membership = save()
        if membership.status != WorkgroupMembershipStatus.ACTIVE:
            realtime.revoke_on_commit(realtime.workgroup_group(membership.workgroup_id), membership.person_id)
    return membership


def membership_remove(*, instance: WorkgroupMembership, by) -> None:
    """A member removed (the admin, a coordinator): their open sockets in the room close at the commit."""
    if not permissions.can_moderate(by, instance.workgroup):
        raise PermissionDenied(_("Only the workgroup's coordinators remove members."))
    with transaction.atomic():
        workgroup_id, person_id = instance.workgroup_id, instance.person_id
        instance.delete()
        realtime.revoke_on_commit(realtime.workgroup_group(workgroup_id), person_id)


def membership_set_role(*, membership: WorkgroupMembership, role: str, by) -> WorkgroupMembership:
    """The coordination of the workgroup's axis or club says who coordinates, facilitates or is a
    member of it."""
    if not permissions.can_manage(by, membership.workgroup):
        raise PermissionDenied(_("Only the coordination of the workgroup's axis or club sets its members' roles."))
    if role not in WorkgroupRole.values:
        raise ValidationError(_("Choose a role."))
    if membership.role != role:
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


def workgroup_approve(*, membership: WorkgroupMembership, by) -> WorkgroupMembership:
    if not permissions.can_moderate(by, membership.workgroup):
        raise PermissionDenied(_("Only the workgroup's coordinators approve join requests."))
    if membership.status != WorkgroupMembershipStatus.PENDING:
        raise ValidationError(_("This request has already been handled."))
    membership.status = WorkgroupMembershipStatus.ACTIVE
    membership.last_read_sequence = membership.workgroup.last_sequence
    membership.save(update_fields=["status", "last_read_sequence"])
    return membership


def workgroup_refuse(*, membership: WorkgroupMembership, by) -> None:
    if not permissions.can_moderate(by, membership.workgroup):
        raise PermissionDenied(_("Only the workgroup's coordinators approve join requests."))
    if membership.status != WorkgroupMembershipStatus.PENDING:
        raise ValidationError(_("This request has already been handled."))
    membership.delete()


def workgroup_add_member(
    *, workgroup: Workgroup, person: Person, role: str = WorkgroupRole.MEMBER, by=None
) -> WorkgroupMembership:
    """Adds someone directly (coordinators, the demo loader, imports)."""
    if by is not None and not permissions.can_moderate(by, workgroup):
        raise PermissionDenied(_("Only the workgroup's coordinators add members."))
    # The coordination of the club (its animators, of other firms) may still work in its commissions.
    if (
        by is not None
        and not permissions.may_join_commission(person, workgroup)
        and not permissions.can_manage(person.user, workgroup)
    ):
        raise ValidationError(_("This commission is open to the member firms of its club only."))
    membership, _created = WorkgroupMembership.objects.update_or_create(
        workgroup=workgroup,
        person=person,
        defaults={"role": role, "status": WorkgroupMembershipStatus.ACTIVE},
    )
    return membership


# --- Messages ---------------------------------------------------------------------------------


def clean_body(body) -> str:
    if not isinstance(body, str):
        raise ValidationError(_("The message must be text."), code="invalid_body")
    body = body.strip()
    if not body:
        raise ValidationError(_("The message is empty."), code="empty_body")
    if len(body) > MESSAGE_MAX_LENGTH:
        raise ValidationError(
            _("The message is too long (%(length)d characters, at most %(max)d).")
            % {"length": len(body), "max": MESSAGE_MAX_LENGTH},
            code="body_too_long",
        )
    return body


def _check_rate(person: Person) -> None:
    since = timezone.now() - RATE_LIMIT_WINDOW
    recent = list(
        Message.objects.filter(author=person, created_at__gte=since)
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:RATE_LIMIT_MESSAGES]
    )
    if len(recent) >= RATE_LIMIT_MESSAGES:
        retry_after = (recent[-1] + RATE_LIMIT_WINDOW - timezone.now()).total_seconds()
        raise RateLimited(max(retry_after, 0.1))


def _mentioned_people(workgroup: Workgroup, body: str, author: Person) -> list[Person]:
    handles = {handle.lower() for handle in MENTION_PATTERN.findall(body)}
    if not handles:
        return []
    return list(
        Person.objects.filter(
            handle__in=handles,
            workgroup_memberships__workgroup=workgroup,
            workgroup_memberships__status=WorkgroupMembershipStatus.ACTIVE,
        ).exclude(pk=author.pk)
    )


class _Refused(Exception):
    """The sequence was not handed out: not a member, archived or over the rate limit (the slow path says which)."""


@functools.cache
def _claim_sql() -> str:
    """_claim_statement's text: table names only, the same for every send of the process."""
    quote = connection.ops.quote_name
    workgroups, memberships, messages, people, users = (
        quote(model._meta.db_table) for model in (Workgroup, WorkgroupMembership, Message, Person, get_user_model())
    )
    return (
        f"UPDATE {workgroups} SET last_sequence = last_sequence + 1"  # noqa: S608 - table names, values bound
        f" WHERE id = %s AND is_archived = %s"
        f" AND EXISTS (SELECT 1 FROM {memberships} WHERE workgroup_id = %s AND person_id = %s AND status = %s)"
        f" AND EXISTS (SELECT 1 FROM {people} JOIN {users} ON {users}.id = {people}.user_id"
        f" WHERE {people}.id = %s AND {users}.is_active = %s)"
        f" AND (SELECT COUNT(*) FROM (SELECT 1 FROM {messages} WHERE author_id = %s AND created_at >= %s"
        f" LIMIT %s) AS recent) < %s"
        " RETURNING last_sequence"
    )


def _claim_statement(workgroup_id: int, person_id: int) -> tuple[str, list]:
    """The statement that bumps the workgroup's counter and returns it (`last_sequence`), if and only
    if the author may post there now: an active member with an active account, a workgroup not
    archived, fewer than RATE_LIMIT_MESSAGES messages of theirs in the last RATE_LIMIT_WINDOW.

    Those three checks ride on the statement that takes the sequence, so every send checks them
    against the database, inside its transaction, without a round trip of its own. It returns no row
    when any of them fails.

    The row stays locked until the message's transaction ends, which serialises the senders of one
    workgroup: sequences have no gap and no duplicate.
    """
    statement = _claim_sql()
    # Adapted as the ORM does: an aware datetime for PostgreSQL, naive UTC text for SQLite (the demo).
    since = connection.ops.adapt_datetimefield_value(timezone.now() - RATE_LIMIT_WINDOW)
    params = [
        workgroup_id,
        False,
        workgroup_id,
        person_id,
        WorkgroupMembershipStatus.ACTIVE.value,
        person_id,
        True,
        person_id,
        since,
        RATE_LIMIT_MESSAGES,
        RATE_LIMIT_MESSAGES,
    ]
    return statement, params


def _claim_sequence(workgroup_id: int, person_id: int) -> int:
    """The next sequence of the workgroup (see _claim_statement); raises _Refused when the author may not post."""
    statement, params = _claim_statement(workgroup_id, person_id)
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        row = cursor.fetchone()
    if row is None:
        raise _Refused
    return row[0]


def _existing(workgroup: Workgroup, person: Person, client_id: str) -> Message | None:
    if not client_id:
        return None
    return (
        Message.objects.select_related("author__organisation", "reply_to")
        .filter(workgroup=workgroup, author=person, client_id=client_id)
        .first()
    )


def _explain_refusal(workgroup: Workgroup, by, person: Person, client_id: str) -> Message | None:
    """The slow path of a refused send: the stored message of a retried send, or the reason, raised.

    None when every condition holds by now (a message left the rate window in between): try again.
    """
    if not get_user_model().objects.filter(pk=by.pk, is_active=True).exists():
        # A socket opened before the account was deactivated still holds the old user object.
        raise PermissionDenied(_("Your account is deactivated."))
    if not permissions.is_member(by, workgroup):
        raise PermissionDenied(_("You are not a member of this workgroup."))
    if Workgroup.objects.filter(pk=workgroup.pk, is_archived=True).exists():
        raise ValidationError(_("This workgroup is archived: it takes no new message."), code="archived")
    existing = _existing(workgroup, person, client_id)
    if existing is not None:
        return existing
    _check_rate(person)
    return None


def message_send(*, workgroup: Workgroup, by, body, client_id: str = "", reply_to: int | None = None) -> Message:
    """Stores the message with the next sequence number of its workgroup, then broadcasts it.

    Sending again with the same client_id returns the stored message instead of a duplicate.

    The common case (no reply, no @mention, on PostgreSQL) is one statement in autocommit: the
    sequence (which also checks membership, the archived flag and the rate limit, see
    _claim_statement), the message's INSERT and the search outbox row (see _store_in_one_statement).
    Otherwise a transaction: the sequence, the reply's parent, the INSERT, the mentions, the outbox
    row. A retried client_id is caught by the unique constraint; only a refused or retried send pays
    for the queries that say why.
    """
    person = _person(by)
    body = clean_body(body)
    client_id = (client_id or "")[:64]
    one_statement = reply_to is None and _one_statement_send(body)
    for _attempt in range(2):
        try:
            if one_statement:
                return _store_in_one_statement(workgroup, person, body, client_id)
            return _store(workgroup, by, person, body, client_id, reply_to)
        except _Refused:
            existing = _explain_refusal(workgroup, by, person, client_id)
            if existing is not None:
                return existing
        except IntegrityError:
            # The same client_id was stored before (a retried send) or raced in through another connection.
            existing = _existing(workgroup, person, client_id)
            if existing is not None:
                return existing
            raise
    raise RateLimited(1.0)  # refused twice although each condition held when checked: a tight race


def _one_statement_send(body: str) -> bool:
    """Whether a send without a reply can be stored by _store_in_one_statement: on PostgreSQL (data-
    modifying CTEs), with nobody @named (mentions need the members looked up and their rows written),
    and unless PORTAL_ONE_STATEMENT_SEND=0 (settings), which keeps every send on the transaction path."""
    return (
        getattr(settings, "PORTAL_ONE_STATEMENT_SEND", True)
        and connection.vendor == "postgresql"
        and MENTION_PATTERN.search(body) is None
    )


@functools.cache
def _message_insert_sql() -> str:
    quote = connection.ops.quote_name
    fields = ("workgroup", "sequence", "author", "body", "client_id", "created_at", "change")
    columns = ", ".join(quote(Message._meta.get_field(name).column) for name in fields)
    return (
        f"INSERT INTO {quote(Message._meta.db_table)} ({columns})"  # noqa: S608 - names, values bound
        " SELECT %s, last_sequence, %s, %s, %s, %s, 0 FROM claimed RETURNING id, sequence"
    )


def _one_statement(workgroup: Workgroup, person: Person, body: str, client_id: str):
    """The statement of _store_in_one_statement, its parameters, the message's time, and whether it
    queues the message for search (the caller then calls index_rows_written)."""
    created = timezone.now()
    claim, params = _claim_statement(workgroup.pk, person.pk)
    statement = f"WITH claimed AS ({claim}), stored AS ({_message_insert_sql()})"
    params += [workgroup.pk, person.pk, body, client_id, created]
    indexing = index_rows_sql(Message, keys_from="stored", now=created)
    if indexing is not None:
        statement += f", indexed AS ({indexing[0]})"
        params += indexing[1]
    statement += " SELECT id, sequence FROM stored"
    return statement, params, created, indexing is not None


def _stored_message(row, workgroup: Workgroup, person: Person, body: str, client_id: str, created) -> Message:
    """The message the statement stored (its row: id, sequence), as if read back, and its frame."""
    message = Message(
        id=row[0],
        workgroup=workgroup,
        sequence=row[1],
        author=person,
        body=body,
        client_id=client_id,
        created_at=created,
    )
    message._state.adding = False
    message._state.db = connection.alias
    workgroup.last_sequence = message.sequence
    return message


def _store_in_one_statement(workgroup: Workgroup, person: Person, body: str, client_id: str) -> Message:
    """_store's common case in ONE statement and one round trip: a data-modifying CTE claims the
    sequence (with its checks), inserts the message and the search outbox row, and returns the
    message's id and sequence. Run in autocommit, it is its own transaction: the three writes commit
    together or not at all (a duplicate client_id fails the whole statement, so no sequence is lost),
    and the row lock taken by the claim serialises the workgroup's senders until that commit, as in
    _store. The broadcast and the outbox drain leave after the commit (at once here; at the end of
    the enclosing transaction when there is one, where the statement runs in a savepoint so a failed
    one leaves that transaction usable, as _store's does).

    Raises _Refused when the claim's checks fail (nothing is written) and IntegrityError for a client_id
    already stored, as _store does.
    """
    statement, params, created, indexed = _one_statement(workgroup, person, body, client_id)
    with transaction.atomic() if connection.in_atomic_block else contextlib.nullcontext():
        with connection.cursor() as cursor:
            cursor.execute(statement, params)
            row = cursor.fetchone()
        if row is None:
            raise _Refused
        message = _stored_message(row, workgroup, person, body, client_id, created)
        realtime.broadcast_on_commit(
            realtime.workgroup_group(workgroup.pk), {"type": "message", "message": message_frame(message)}
        )
        if indexed:
            index_rows_written()
    return message


async def message_send_async(*, workgroup: Workgroup, by, body, client_id: str = "", reply_to: int | None = None):
    """message_send from a socket's event loop (the chat's hot path, #22).

    The common case runs _store_in_one_statement's statement on the loop itself (portal.async_db):
    no worker thread. It commits on its own, so the broadcast leaves at once. Everything else goes
    to message_send in a worker thread, as before: a reply or an @mention, a refused send (which
    says why), a client_id already stored (which returns that message), a database the loop cannot
    reach (which fails there as it always did), and a person whose frame would read the database
    (their organisation not loaded yet: the thread loads it once for the socket's life).
    """
    person = _person(by)
    cleaned = clean_body(body)
    client_id = (client_id or "")[:64]
    if reply_to is None and async_db.enabled() and _one_statement_send(cleaned) and _frame_loaded(person):
        statement, params, created, indexed = _one_statement(workgroup, person, cleaned, client_id)
        row = await _async_row(statement, params, retriable=bool(client_id))
        if row is not None:
            message = _stored_message(row, workgroup, person, cleaned, client_id, created)
            frame = {"type": "message", "message": message_frame(message)}
            realtime.broadcast_committed(realtime.workgroup_group(workgroup.pk), frame)
            if indexed:
                await index_rows_written_async()
            return message
    return await database_sync_to_async(message_send, thread_sensitive=False)(
        workgroup=workgroup, by=by, body=body, client_id=client_id, reply_to=reply_to
    )


async def _async_row(statement: str, params: list, *, retriable: bool):
    """The statement's row; None when it stored nothing: refused, a client_id already stored, no
    connection in time; the caller's synchronous path then finds out which. A connection lost on the
    way is None too when the send has a client_id (going again cannot store it twice); without one
    the error goes up, as a database error in the worker thread does: the message may have
    committed, and the client resumes from the database."""
    try:
        return await async_db.fetchone(statement, params)
    except (psycopg.IntegrityError, PoolTimeout):
        return None
    except psycopg.Error:
        if retriable:
            return None
        raise


def _frame_loaded(person: Person) -> bool:
    """Whether the message's frame can be built without the database: the author's account (their
    name) and organisation are already on the person object."""
    organisation = Person._meta.get_field("organisation")
    return Person._meta.get_field("user").is_cached(person) and (
        person.organisation_id is None or organisation.is_cached(person)
    )


def _store(workgroup: Workgroup, by, person: Person, body: str, client_id: str, reply_to: int | None) -> Message:
    with transaction.atomic():
        # The row lock serialises senders of one workgroup, so sequences have no gap and no duplicate.
        sequence = _claim_sequence(workgroup.pk, person.pk)
        parent = None
        if reply_to is not None:
            parent = Message.objects.filter(workgroup=workgroup, sequence=reply_to).first()
            if parent is None:
                raise ValidationError(_("The message you reply to does not exist."), code="bad_reply")
        message = Message.objects.create(
            workgroup=workgroup,
            sequence=sequence,
            author=person,
            body=body,
            client_id=client_id,
            reply_to=parent,
        )
        mentioned = _mentioned_people(workgroup, body, person)
        if mentioned:
            Mention.objects.bulk_create([Mention(message=message, person=someone) for someone in mentioned])
        # The author's reading mark is not moved here: their client marks the room read (mark_read),
        # as it does for everybody else's messages, and opening the room does too.
        realtime.broadcast_on_commit(
            realtime.workgroup_group(workgroup.pk), {"type": "message", "message": message_frame(message)}
        )
        schedule_index(message)
        if mentioned:
            from .tasks import notify_mentions

            transaction.on_commit(lambda: notify_mentions.enqueue(message.pk))
    workgroup.last_sequence = sequence
    return message


def _next_change(workgroup_id: int) -> int:
    """The workgroup's next change number, for an edit or a removal; the row stays locked until commit,
    so change numbers commit in order and a client that saw change n has missed exactly those above n."""
    table = connection.ops.quote_name(Workgroup._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET last_change = last_change + 1 WHERE id = %s RETURNING last_change",  # noqa: S608
            [workgroup_id],
        )
        return cursor.fetchone()[0]


def message_edit(*, message: Message, by, body) -> Message:
    person = _person(by)
    if message.author_id != person.pk:
        raise PermissionDenied(_("You can only edit your own messages."))
    if message.is_removed:
        raise ValidationError(_("This message has been removed."), code="removed")
    if timezone.now() - message.created_at > EDIT_WINDOW:
        raise ValidationError(_("A message can be edited during 15 minutes after it was sent."), code="too_late")
    if not permissions.is_member(by, message.workgroup):
        raise PermissionDenied(_("You are not a member of this workgroup."))
    message.body = clean_body(body)
    message.edited_at = timezone.now()
    with transaction.atomic():
        message.change = _next_change(message.workgroup_id)
        message.save(update_fields=["body", "edited_at", "change"])
        schedule_index(message)
        realtime.broadcast_on_commit(
            realtime.workgroup_group(message.workgroup_id),
            {"type": "message_updated", "message": message_frame(message)},
        )
    return message


def message_remove(*, message: Message, by) -> Message:
    """Authors delete their own messages; moderators hide anyone's. The text is kept for audit."""
    person = _person(by)
    is_author = message.author_id == person.pk and permissions.is_member(by, message.workgroup)
    if not is_author and not permissions.can_moderate(by, message.workgroup):
        raise PermissionDenied(_("Only the author or a coordinator can remove this message."))
    if message.is_removed:
        return message
    message.removed_at = timezone.now()
    message.removed_by = person
    with transaction.atomic():
        message.change = _next_change(message.workgroup_id)
        message.save(update_fields=["removed_at", "removed_by", "change"])
        schedule_index(message)
        realtime.broadcast_on_commit(
            realtime.workgroup_group(message.workgroup_id),
            {"type": "message_updated", "message": message_frame(message)},
        )
    return message


def mark_read(*, workgroup: Workgroup, by, sequence: int) -> int:
    """Moves the reading mark forward only (an old tab cannot move it back)."""
    person = _person(by)
    last = Workgroup.objects.values_list("last_sequence", flat=True).get(pk=workgroup.pk)
    sequence = max(0, min(int(sequence), last))
    WorkgroupMembership.objects.filter(workgroup=workgroup, person=person, last_read_sequence__lt=sequence).update(
        last_read_sequence=sequence
    )
    return sequence


# --- Workgroups -------------------------------------------------------------------------------

WORKGROUP_FIELDS = ("name", "theme", "description", "membership_policy")
# Addresses of the workgroups' pages (workgroups/urls.py) that a workgroup's slug must not take.
RESERVED_SLUGS = {"coordination", "nouveau", "demandes", "demarches"}


def _unique_workgroup_slug(name: str, *, exclude_pk=None) -> str:
    from django.utils.text import slugify

    base = slugify(name)[:150] or "groupe"
    slug, n = base, 2
    while slug in RESERVED_SLUGS or Workgroup.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def workgroup_create(
    *,
    by,
    name: str,
    axis=None,
    club=None,
    process=None,
    theme: str = "",
    description: str = "",
    membership_policy: str = MembershipPolicy.OPEN,
) -> Workgroup:
    """A workgroup of an axis (by its coordinators), a commission of a club (by its animators), or a
    themed room of a participatory process with neither (by the people running it); an axis's or a
    club's workgroup may belong to a process too. Its creator coordinates it (a member with the
    coordinator role), so it appears among her groups."""
    if not permissions.can_create(by, axis=axis, club=club, process=None if (axis or club) else process):
        raise PermissionDenied(
            _("You can create workgroups only for the axes you coordinate or the clubs you animate.")
        )
    workgroup = Workgroup(
        name=(name or "").strip(),
        slug=_unique_workgroup_slug(name or ""),
        axis=axis,
        club=club,
        process=process,
        theme=(theme or "").strip(),
        description=(description or "").strip(),
        membership_policy=membership_policy,
    )
    workgroup.full_clean()
    person = getattr(by, "person", None)
    with transaction.atomic():
        workgroup.save()
        if person is not None:
            WorkgroupMembership.objects.create(
                workgroup=workgroup,
                person=person,
                role=WorkgroupRole.COORDINATOR,
                status=WorkgroupMembershipStatus.ACTIVE,
            )
    return workgroup


def workgroup_update(*, workgroup: Workgroup, by, **changes) -> Workgroup:
    """Its name, theme, description and membership policy (its axis, club or process stays: a workgroup
    does not move)."""
    if not permissions.can_manage(by, workgroup):
        raise PermissionDenied(_("Only the coordination of the workgroup's axis or club edits it."))
    unknown = set(changes) - set(WORKGROUP_FIELDS)
    if unknown:
        raise TypeError(f"Not editable here: {', '.join(sorted(unknown))}")
    for field, value in changes.items():
        setattr(workgroup, field, value.strip() if isinstance(value, str) and field != "membership_policy" else value)
    workgroup.full_clean()
    workgroup.save(update_fields=list(changes))
    return workgroup


def workgroup_set_archived(*, workgroup: Workgroup, archived: bool, by) -> Workgroup:
    """An archived workgroup stays readable and takes no new message nor member; it can be reopened."""
    if not permissions.can_manage(by, workgroup):
        raise PermissionDenied(_("Only the coordination of the workgroup's axis or club archives it."))
    if workgroup.is_archived != archived:
        # Through the row, so a message being sent meanwhile (which reads the flag under the row lock)
        # is either stored before or refused after.
        Workgroup.objects.filter(pk=workgroup.pk).update(is_archived=archived)
        workgroup.is_archived = archived
    return workgroup


def workgroup_admin_save(*, instance: Workgroup, by, save) -> Workgroup:
    """A create or edit in the admin: the workgroup's axis or club, before and after, is one the
    user leads (the form offers no other; this holds whatever is posted)."""
    if instance.pk is not None:
        before = Workgroup.objects.get(pk=instance.pk)
        if not permissions.can_manage(by, before):
            raise PermissionDenied(_("Only the coordination of the workgroup's axis or club edits it."))
    if not permissions.can_manage(by, instance):
        raise ValidationError(_("Choose an axis you coordinate or a club you animate."))
    with transaction.atomic():
        return save()


# --- Following the role assignments -------------------------------------------------------------


def axis_coordinators_follow(person: Person) -> None:
    """Run in every grant's or withdrawal's transaction (portal.members.scopes.follow_roles): the axes
    the person coordinates (Axis.coordinators, which the public site shows and follows) are those of
    her coordinator assignments, nothing else."""
    from portal.members.models import Role, RoleAssignment
    from portal.members.scopes import ScopeKind

    from .models import Axis

    wanted = set(
        RoleAssignment.objects.filter(person=person, role=Role.COORDINATOR, scope_kind=ScopeKind.AXIS).values_list(
            "scope_id", flat=True
        )
    )
    current = set(person.coordinated_axes.values_list("pk", flat=True))
    added = list(Axis.objects.filter(pk__in=wanted - current))
    if added:
        person.coordinated_axes.add(*added)
    if current - wanted:
        person.coordinated_axes.remove(*(current - wanted))


# --- Notification choices --------------------------------------------------------------------------


def notifications_set(
    *, person: Person, by, message_notifications: str, receives_daily_digest: bool, per_workgroup: dict[int, str]
) -> Person:
    """The person's general choice, the daily digest, and each workgroup's own choice ("" follows the
    general one); `per_workgroup` maps membership ids to choices, and only the person's are touched."""
    if not permissions.can_set_notifications(by, person):
        raise PermissionDenied(_("You can only choose your own notifications."))
    valid = set(MessageNotifications.values)
    if message_notifications not in valid or set(per_workgroup.values()) - valid - {""}:
        raise ValidationError(_("Choose one of the notification options."))
    with transaction.atomic():
        person.message_notifications = message_notifications
        person.receives_daily_digest = receives_daily_digest
        person.save(update_fields=["message_notifications", "receives_daily_digest"])
        for membership in WorkgroupMembership.objects.select_for_update().filter(
            person=person, pk__in=per_workgroup.keys()
        ):
            if membership.notifications != per_workgroup[membership.pk]:
                membership.notifications = per_workgroup[membership.pk]
                membership.save(update_fields=["notifications"])
    return person


# --- Meetings, minutes, shared files, decisions, tasks ---------------------------------------------


def _organiser(by, workgroup: Workgroup) -> Person:
    if not permissions.can_organise(by, workgroup):
        raise PermissionDenied(_("Only the workgroup's facilitators and coordinators organise its meetings."))
    return _person(by)


def _meeting_of(workgroup: Workgroup, meeting):
    if meeting is not None and meeting.workgroup_id != workgroup.pk:
        raise ValidationError(_("This meeting belongs to another workgroup."))
    return meeting


def meeting_create(*, workgroup: Workgroup, by, title: str, starts_at, place: str = "", agenda: str = "") -> Meeting:
    """A meeting planned by the workgroup's facilitators or coordinators."""
    person = _organiser(by, workgroup)
    if workgroup.is_archived:
        raise ValidationError(_("This workgroup is archived: it plans no new meeting."))
    meeting = Meeting(
        workgroup=workgroup,
        title=(title or "").strip(),
        starts_at=starts_at,
        place=(place or "").strip(),
        agenda=(agenda or "").strip(),
        created_by=person,
    )
    meeting.full_clean()
    meeting.save()
    return meeting


MEETING_FIELDS = ("title", "starts_at", "place", "agenda")
MEETING_CALENDAR_FIELDS = ("title", "starts_at", "place")  # what a calendar shows of a meeting


def meeting_update(*, meeting: Meeting, by, **changes) -> Meeting:
    _organiser(by, meeting.workgroup)
    unknown = set(changes) - set(MEETING_FIELDS)
    if unknown:
        raise TypeError(f"Not editable here: {', '.join(sorted(unknown))}")
    before = {field: getattr(meeting, field) for field in MEETING_CALENDAR_FIELDS}
    for field, value in changes.items():
        setattr(meeting, field, value.strip() if isinstance(value, str) else value)
    meeting.full_clean()
    update_fields = list(changes)
    if any(getattr(meeting, field) != value for field, value in before.items()):
        # Moved, renamed or somewhere else: the members' subscribed calendars replace their copy.
        meeting.sequence += 1
        meeting.rescheduled_at = timezone.now()
        update_fields += ["sequence", "rescheduled_at"]
    meeting.save(update_fields=update_fields)
    return meeting


def meeting_write_minutes(*, meeting: Meeting, by, text: str) -> Meeting:
    """The minutes, typed as plain paragraphs: stored as rich text with every character escaped, so
    nothing a member types becomes markup."""
    from portal.uploads import paragraphs_to_rich_text

    person = _organiser(by, meeting.workgroup)
    meeting.minutes = paragraphs_to_rich_text(text or "")
    meeting.minutes_by = person
    meeting.minutes_updated_at = timezone.now()
    meeting.save(update_fields=["minutes", "minutes_by", "minutes_updated_at"])
    return meeting


def meeting_delete(*, meeting: Meeting, by) -> None:
    """Its decisions, tasks and files stay in the workgroup, no longer tied to a meeting."""
    _organiser(by, meeting.workgroup)
    meeting.delete()


def _files_collection():
    """The Wagtail collection of the workgroups' files, named in the site's language."""
    from django.conf import settings
    from django.utils import translation
    from wagtail.models import Collection

    with translation.override(settings.LANGUAGE_CODE):
        name = _("Workgroup files")
    root = Collection.get_first_root_node()
    existing = root.get_children().filter(name=name).first()
    return existing or root.add_child(name=name)


MAX_SHARED_FILES = 200


def file_share(*, workgroup: Workgroup, by, file, title: str = "", meeting=None) -> SharedFile:
    """A document shared with the workgroup's members; the file was checked by the form against the
    portal's upload rules (portal.uploads.validate_attachment), which this checks again."""
    from wagtail.documents import get_document_model

    from portal.uploads import validate_attachment

    if not permissions.can_share_file(by, workgroup):
        raise PermissionDenied(_("Only the members of an open workgroup share files in it."))
    person = _person(by)
    _meeting_of(workgroup, meeting)
    validate_attachment(file)
    if SharedFile.objects.filter(workgroup=workgroup).count() >= MAX_SHARED_FILES:
        raise ValidationError(
            _("A workgroup shares at most %(count)d files: remove old ones first.") % {"count": MAX_SHARED_FILES}
        )
    title = (title or "").strip() or file.name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    document = get_document_model()(title=title[:255], file=file, collection=_files_collection())
    document.uploaded_by_user = by
    document.full_clean()
    with transaction.atomic():
        document.save()
        shared = SharedFile.objects.create(workgroup=workgroup, meeting=meeting, document=document, shared_by=person)
    return shared


def file_remove(*, shared: SharedFile, by) -> None:
    """Removes the file from the workgroup and deletes it (the document's file goes at the commit)."""
    if not permissions.can_remove_file(by, shared):
        raise PermissionDenied(_("Only who shared this file, or the workgroup's organisers, remove it."))
    with transaction.atomic():
        document = shared.document
        shared.delete()
        document.delete()


def decision_record(*, workgroup: Workgroup, by, text: str, decided_on=None, meeting=None) -> Decision:
    person = _organiser(by, workgroup)
    _meeting_of(workgroup, meeting)
    if decided_on is None:
        decided_on = meeting.starts_at.date() if meeting is not None else timezone.localdate()
    decision = Decision(
        workgroup=workgroup, meeting=meeting, text=(text or "").strip(), decided_on=decided_on, recorded_by=person
    )
    decision.full_clean()
    decision.save()
    return decision


def decision_remove(*, decision: Decision, by) -> None:
    _organiser(by, decision.workgroup)
    decision.delete()


def task_assign(*, workgroup: Workgroup, by, title: str, owner: Person, due_on, meeting=None) -> Task:
    """A task for one of the workgroup's members, due on a date."""
    person = _organiser(by, workgroup)
    _meeting_of(workgroup, meeting)
    if not WorkgroupMembership.objects.filter(
        workgroup=workgroup, person=owner, status=WorkgroupMembershipStatus.ACTIVE
    ).exists():
        raise ValidationError({"owner": _("A task goes to a member of the workgroup.")})
    task = Task(
        workgroup=workgroup, meeting=meeting, title=(title or "").strip(), owner=owner, due_on=due_on, created_by=person
    )
    task.full_clean()
    task.save()
    return task


def task_set_done(*, task: Task, by, done: bool = True) -> Task:
    if not permissions.can_complete_task(by, task):
        raise PermissionDenied(_("Only the task's owner, or the workgroup's organisers, mark it done."))
    task.done_at = timezone.now() if done else None
    task.save(update_fields=["done_at"])
    return task


# --- Participatory processes: the diagnosis's imported tables ---------------------------------------

TABLE_MAX_ROWS = 500
TABLE_MAX_COLUMNS = 30
TABLE_MAX_SIZE = 5 * 1024 * 1024


def _read_table(file) -> list[list[str]]:
    """The rows of a CSV or XLSX file (the readers of the firms' imports), or a French error."""
    from portal.clubs.firm_files import ImportFileError, _read_csv, _read_xlsx

    name = (file.name or "").lower()
    if not name.endswith((".csv", ".xlsx")):
        raise ValidationError(_("Import a CSV file or an Excel workbook (.xlsx)."), code="table_type")
    if file.size > TABLE_MAX_SIZE:
        raise ValidationError(_("The file is too large: at most 5 MB."), code="table_size")
    file.seek(0)
    content = file.read()
    if not content.strip():
        raise ValidationError(_("The file is empty."), code="table_empty")
    if name.endswith(".csv") and b"\x00" in content[:65536]:
        raise ValidationError(_("This file is not a CSV text file."), code="table_content")
    rows = []
    try:
        for row in _read_xlsx(content) if name.endswith(".xlsx") else _read_csv(content):
            if not any(str(cell).strip() for cell in row):
                continue
            if len(rows) > TABLE_MAX_ROWS:
                raise ValidationError(
                    _("The table has more than %(count)d rows: import a summary.") % {"count": TABLE_MAX_ROWS},
                    code="table_rows",
                )
            rows.append([str(cell).strip()[:200] for cell in row])
    except ImportFileError as error:
        raise ValidationError(str(error), code="table_unreadable") from error
    if len(rows) < 2:
        raise ValidationError(_("The table needs a header row and at least one row of figures."), code="table_short")
    width = max(len(row) for row in rows)
    if width > TABLE_MAX_COLUMNS:
        raise ValidationError(
            _("The table has more than %(count)d columns.") % {"count": TABLE_MAX_COLUMNS}, code="table_columns"
        )
    return [row + [""] * (width - len(row)) for row in rows]


def process_table_import(*, process, by, file, title: str = ""):
    """A table for the process's diagnosis, read whole before anything is stored: a bad file stores
    nothing and says why in French."""
    from .models import ProcessTable

    if not permissions.can_run_process(by, process):
        raise PermissionDenied(_("Only the people running this process import its tables."))
    rows = _read_table(file)
    source = file.name.rsplit("/", 1)[-1]
    title = (title or "").strip() or source.rsplit(".", 1)[0]
    return ProcessTable.objects.create(
        process=process,
        title=title[:200],
        source_name=source[:255],
        columns=rows[0],
        rows=rows[1:],
        imported_by=getattr(by, "person", None),
    )


def process_table_remove(*, table, by) -> None:
    if not permissions.can_run_process(by, table.process):
        raise PermissionDenied(_("Only the people running this process remove its tables."))
    table.delete()
