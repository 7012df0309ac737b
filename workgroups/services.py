"""Writes to workgroups: membership, messages, moderation, reading marks.

Every write runs in one transaction; broadcasts are queued with on_commit, so a
rolled-back write never reaches a socket, and a broadcast that fails loses
nothing (clients resume from the database by sequence number).
"""

import datetime
import re

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import realtime
from portal.members.models import MessageNotifications, Person
from search.indexing import schedule_index

from . import permissions
from .models import (
    MESSAGE_MAX_LENGTH,
    MembershipPolicy,
    Mention,
    Message,
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


def _claim_sequence(workgroup_id: int, person_id: int) -> int:
    """Bumps the workgroup's counter and reads it back in one statement (PostgreSQL, SQLite ≥ 3.35),
    if and only if the author may post there now: an active member with an active account, a workgroup
    not archived, fewer than RATE_LIMIT_MESSAGES messages of theirs in the last RATE_LIMIT_WINDOW.

    Those three checks ride on the statement that takes the sequence, so every send checks them
    against the database, inside its transaction, without a round trip of its own. Raises _Refused
    when any of them fails.

    The row stays locked until the message's transaction ends, which serialises the senders of one
    workgroup: sequences have no gap and no duplicate.
    """
    quote = connection.ops.quote_name
    workgroups, memberships, messages, people, users = (
        quote(model._meta.db_table) for model in (Workgroup, WorkgroupMembership, Message, Person, get_user_model())
    )
    statement = (
        f"UPDATE {workgroups} SET last_sequence = last_sequence + 1"  # noqa: S608 - table names, values bound
        f" WHERE id = %s AND is_archived = %s"
        f" AND EXISTS (SELECT 1 FROM {memberships} WHERE workgroup_id = %s AND person_id = %s AND status = %s)"
        f" AND EXISTS (SELECT 1 FROM {people} JOIN {users} ON {users}.id = {people}.user_id"
        f" WHERE {people}.id = %s AND {users}.is_active = %s)"
        f" AND (SELECT COUNT(*) FROM (SELECT 1 FROM {messages} WHERE author_id = %s AND created_at >= %s"
        f" LIMIT %s) AS recent) < %s"
        " RETURNING last_sequence"
    )
    # Adapted as the ORM does: an aware datetime for PostgreSQL, naive UTC text for SQLite (the demo).
    since = connection.ops.adapt_datetimefield_value(timezone.now() - RATE_LIMIT_WINDOW)
    with connection.cursor() as cursor:
        cursor.execute(
            statement,
            [
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
            ],
        )
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

    The common case costs two statements before the commit: the sequence (which also checks
    membership, the archived flag and the rate limit, see _claim_sequence) and the message's INSERT
    (plus the search outbox row). A retried client_id is caught by the unique constraint; only a
    refused or retried send pays for the queries that say why.
    """
    person = _person(by)
    body = clean_body(body)
    client_id = (client_id or "")[:64]
    for _attempt in range(2):
        try:
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

WORKGROUP_FIELDS = ("name", "description", "membership_policy")
# Addresses of the workgroups' pages (workgroups/urls.py) that a workgroup's slug must not take.
RESERVED_SLUGS = {"coordination", "nouveau", "demandes"}


def _unique_workgroup_slug(name: str, *, exclude_pk=None) -> str:
    from django.utils.text import slugify

    base = slugify(name)[:150] or "groupe"
    slug, n = base, 2
    while slug in RESERVED_SLUGS or Workgroup.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def workgroup_create(
    *, by, name: str, axis=None, club=None, description: str = "", membership_policy: str = MembershipPolicy.OPEN
) -> Workgroup:
    """A workgroup of an axis (by its coordinators) or a commission of a club (by its animators).
    Its creator coordinates it (a member with the coordinator role), so it appears among her groups."""
    if not permissions.can_create(by, axis=axis, club=club):
        raise PermissionDenied(
            _("You can create workgroups only for the axes you coordinate or the clubs you animate.")
        )
    workgroup = Workgroup(
        name=(name or "").strip(),
        slug=_unique_workgroup_slug(name or ""),
        axis=axis,
        club=club,
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
    """Its name, description and membership policy (its axis or club stays: a workgroup does not move)."""
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
