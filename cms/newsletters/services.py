"""Writes of the newsletters: sign-ups, unsubscriptions, test sends, and the resumable sending.

Sending, step by step:
1. `newsletter_start` freezes the content, creates one Delivery row per recipient and, on commit,
   queues the `send_newsletter` task.
2. `newsletter_deliver` (the task) sends in batches over a few SMTP connections (threads). For each
   row it first claims it (pending → sending, an UPDATE that only one sender can win, committed),
   then sends, then marks it sent once the server accepted the message. So a crash leaves at most
   the rows in flight (one per connection) in doubt.
3. After a crash, `newsletter_resume` marks rows left "sending" as uncertain — the server may or may
   not have accepted them, and mailing them again could send twice — and sends the pending rest. The
   admin shows the uncertain rows; only an editor's explicit choice retries them.
"""

import contextlib
import datetime
import logging
import queue
import smtplib
import threading

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import get_connection, send_mail
from django.db import connection as db_connection
from django.db import connections as db_connections
from django.db import transaction
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cms import selectors as cms_selectors
from portal import identity
from portal.clubs import services as club_services
from portal.privacy.registry import retention_days

from . import audiences, mime, permissions, rendering, tokens
from .models import (
    PROSPECT_AUDIENCES,
    PROSPECTS_KEY,
    Delivery,
    DeliveryStatus,
    LegalBasis,
    Newsletter,
    NewsletterStatus,
    Subscriber,
    Unsubscription,
)

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
MAX_ATTEMPTS = 5
# Permanent refusals: the row fails; anything else (connection lost, 4xx) leaves it pending for a retry.
PERMANENT_ERRORS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused)


def _check_sender(user, newsletter: Newsletter) -> None:
    if not permissions.can_manage_newsletter(user, newsletter):
        raise PermissionDenied(_("Only the people in charge of this newsletter's audience send it."))


def newsletter_admin_save(*, instance: Newsletter, by, save) -> Newsletter:
    """The admin's form, written by someone who may write to the letter's audience (the form offers
    only those: this holds whatever is posted)."""
    if not permissions.can_manage_newsletter(by, instance):
        raise ValidationError(_("You may not write to this audience."))
    return save()


def _from_email() -> str:
    return getattr(settings, "NEWSLETTER_FROM_EMAIL", "") or identity.from_email()


def batch_size() -> int:
    return int(getattr(settings, "NEWSLETTER_BATCH_SIZE", BATCH_SIZE))


def stall_seconds() -> int:
    return int(getattr(settings, "NEWSLETTER_STALL_SECONDS", 120))


def unsubscribe_url(email: str, audience_key: str) -> str:
    token = tokens.unsubscribe_token(email, audience_key)
    return rendering.base_url() + reverse("newsletters:unsubscribe", args=[token])


# --- Public sign-ups (double opt-in) and unsubscriptions ----------------------------------------


def subscriber_signup(*, email: str, name: str = "") -> Subscriber:
    """Records the address unconfirmed and mails it a signed confirmation link.

    The answer is the same whether or not the address is known, so the form reveals no one.
    """
    email = email.strip().lower()
    with transaction.atomic():
        subscriber, _created = Subscriber.objects.select_for_update().get_or_create(
            email=email, defaults={"name": name.strip()[:150]}
        )
        if not subscriber.is_confirmed:
            link = rendering.base_url() + reverse("newsletters:confirm", args=[tokens.confirm_token(email)])
            body = render_to_string(
                "newsletters/email/confirm_subscription.txt",
                {"confirm_url": link, "days": retention_days("unconfirmed_signups"),
                 "site_name": cms_selectors.site_identity().display_name(settings.WAGTAIL_SITE_NAME)},
            )  # fmt: skip
            subject = _("Confirm your subscription to the newsletters")
            transaction.on_commit(lambda: send_mail(subject, body, _from_email(), [email]))
    return subscriber


def subscriber_confirm(*, token: str) -> Subscriber:
    email = tokens.read_confirm_token(token)
    if email is None:
        raise ValidationError(_("This confirmation link is not valid or has expired: sign up again."))
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(email=email).first()
        if subscriber is None:
            raise ValidationError(_("This confirmation link is not valid or has expired: sign up again."))
        if not subscriber.is_confirmed:
            subscriber.confirmed_at = timezone.now()
            subscriber.save(update_fields=["confirmed_at"])
        # Confirming again is a fresh, explicit request: an earlier unsubscription no longer applies.
        Unsubscription.objects.filter(email=email, audience_key="subscribers").delete()
    return subscriber


def unsubscribe(*, token: str) -> tuple[str, str]:
    """Stops that audience's newsletters for that address at once; returns (email, audience key)."""
    found = tokens.read_unsubscribe_token(token)
    if found is None:
        raise ValidationError(_("This unsubscribe link is not valid."))
    email, audience_key = found
    with transaction.atomic():
        Unsubscription.objects.get_or_create(email=email, audience_key=audience_key)
        if audience_key == "subscribers":
            Subscriber.objects.filter(email=email).delete()  # nothing kept but the request itself
        if audience_key == PROSPECTS_KEY:
            # An objection to the cluster's prospecting: no letter, campaign invitation or reminder either.
            club_services.prospecting_objection_from_link(email=email)
        # Deliveries of a sending in progress that have not left yet are dropped too.
        Delivery.objects.filter(
            email=email, status=DeliveryStatus.PENDING, newsletter__status=NewsletterStatus.SENDING
        ).filter(newsletter__in=_newsletters_of(audience_key)).delete()
    return email, audience_key


def prospects_objected(*, email: str = "", organisation=None) -> None:
    """An address or a firm objected to prospecting (portal/clubs): the deliveries of letters to
    prospects being sent that have not left yet are dropped."""
    found = Q(email__iexact=email) if email else Q(pk__in=[])
    if organisation is not None:
        found |= Q(organisation=organisation)
        if organisation.email:
            found |= Q(email__iexact=organisation.email)
    Delivery.objects.filter(
        found, status=DeliveryStatus.PENDING, newsletter__status=NewsletterStatus.SENDING,
        newsletter__audience__in=PROSPECT_AUDIENCES,
    ).delete()  # fmt: skip


def _newsletters_of(audience_key: str):
    if audience_key == PROSPECTS_KEY:
        return Newsletter.objects.filter(audience__in=PROSPECT_AUDIENCES)
    kind, _sep, pk = audience_key.partition(":")
    queryset = Newsletter.objects.filter(audience=kind)
    if kind == "axis":
        queryset = queryset.filter(axis_id=pk or None)
    elif kind == "club":
        queryset = queryset.filter(club_id=pk or None)
    return queryset


def audience_label(audience_key: str) -> str:
    if audience_key == PROSPECTS_KEY:
        return _("the cluster's letters and invitations to firms (prospecting)")
    newsletter = _newsletters_of(audience_key).select_related("axis", "club").first()
    return newsletter.audience_label if newsletter else audience_key


# --- Composing: test e-mail -----------------------------------------------------------------------


def _prepared(newsletter: Newsletter, html: str, text: str, *, subject: str = "") -> mime.PreparedMessage:
    return mime.PreparedMessage(
        subject=subject or newsletter.title,
        from_email=_from_email(),
        html=html,
        text=text,
        list_id=f"<{newsletter.audience_key.replace(':', '-')}.newsletters.{_list_domain()}>",
    )


def _message(newsletter: Newsletter, prepared: mime.PreparedMessage, email: str, name: str = ""):
    link = unsubscribe_url(email, newsletter.audience_key)
    return mime.NewsletterEmail(
        raw=prepared.build(to=email, name=name, link=link),
        subject=newsletter.title,
        body=prepared.text.replace(rendering.UNSUBSCRIBE_PLACEHOLDER, link),
        from_email=_from_email(),
        to=[email],
    )


def _list_domain() -> str:
    host = rendering.base_url().split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    return host or "ptce.example"


def newsletter_send_test(*, newsletter: Newsletter, by) -> str:
    """Sends the issue as it stands to the editor's own address."""
    _check_sender(by, newsletter)
    if not by.email:
        raise ValidationError(_("Your account has no e-mail address."))
    content_html, content_text = rendering.render_content(newsletter)
    html, text = rendering.layout(newsletter, content_html, content_text)
    subject = _("[Test] %(subject)s") % {"subject": newsletter.title}
    message = _message(newsletter, _prepared(newsletter, html, text, subject=subject), by.email, by.get_full_name())
    message.subject = subject
    message.send()
    return by.email


# --- Sending --------------------------------------------------------------------------------------


def newsletter_start(*, newsletter: Newsletter, by, professional_content: bool = False) -> int:
    """Freezes the issue, records one delivery per recipient and queues the sending. Returns the count.

    A letter to prospect firms (legitimate interest) needs `professional_content`: its author attests
    that the content relates to the recipients' professional activity; who and when are recorded,
    and each delivery carries its legal basis."""
    from . import tasks

    _check_sender(by, newsletter)
    with transaction.atomic():
        newsletter = Newsletter.objects.select_for_update().get(pk=newsletter.pk)
        if newsletter.status != NewsletterStatus.DRAFT:
            raise ValidationError(_("This newsletter has already been sent."))
        newsletter.full_clean()
        if newsletter.is_prospecting:
            if not professional_content:
                raise ValidationError(
                    _("A letter to prospect firms must relate to their professional activity: tick the box.")
                )
            newsletter.professional_attested_by, newsletter.professional_attested_at = by, timezone.now()
        newsletter.content_html, newsletter.content_text = rendering.render_content(newsletter)
        legal_basis = newsletter.legal_basis
        batch, total = [], 0
        for email, name, firm_id in audiences.recipient_rows(newsletter):
            batch.append(Delivery(newsletter=newsletter, email=email, name=name[:200], legal_basis=legal_basis,
                                  organisation_id=firm_id))  # fmt: skip
            if len(batch) >= 2000:
                total += len(Delivery.objects.bulk_create(batch, ignore_conflicts=True))
                batch = []
        total += len(Delivery.objects.bulk_create(batch, ignore_conflicts=True))
        if total == 0:
            raise ValidationError(_("Nobody would receive this newsletter: its audience is empty."))
        newsletter.status = NewsletterStatus.SENDING
        newsletter.sending_started_at = newsletter.heartbeat_at = timezone.now()
        newsletter.save()
        transaction.on_commit(lambda: tasks.send_newsletter.enqueue(newsletter.pk))
    return total


def _advance(*, sent_id: int | None, claim_id: int | None) -> bool:
    """One commit per message: marks the previous message sent and claims the next one.

    The previous row is marked sent only after the server accepted its message; the next row is
    claimed (pending → sending, which only one sender can win) before its SMTP transaction starts.
    Returns whether the claim was won. Either half may be None.
    """
    table = Delivery._meta.db_table
    now = timezone.now()
    with db_connection.cursor() as cursor:
        cursor.execute(
            f"""UPDATE {table} SET
                  status = CASE WHEN id = %s THEN %s ELSE %s END,
                  sent_at = CASE WHEN id = %s THEN %s ELSE sent_at END,
                  claimed_at = CASE WHEN id = %s THEN %s ELSE claimed_at END,
                  attempts = CASE WHEN id = %s THEN attempts + 1 ELSE attempts END
                WHERE (id = %s AND status = %s) OR (id = %s AND status = %s)
                RETURNING id""",  # noqa: S608 - the table name is the model's, every value a parameter
            [sent_id, DeliveryStatus.SENT, DeliveryStatus.SENDING, sent_id, now, claim_id, now, claim_id,
             sent_id, DeliveryStatus.SENDING, claim_id, DeliveryStatus.PENDING],
        )  # fmt: skip
        return claim_id is not None and any(row[0] == claim_id for row in cursor.fetchall())


def smtp_connections() -> int:
    # Several SMTP connections overlap the waits (server answers, database commits) of one worker.
    # SQLite (the embedded demo) takes one writer at a time: one connection there.
    if db_connection.vendor != "postgresql":
        return 1
    return max(1, int(getattr(settings, "NEWSLETTER_SMTP_CONNECTIONS", 4)))


class _Sender:
    """Sends the deliveries of one batch over `n` SMTP connections, one thread each (or inline for one)."""

    def __init__(self, newsletter: Newsletter, rows: list, on_sent):
        self.newsletter, self.on_sent = newsletter, on_sent
        html, text = rendering.layout(newsletter, newsletter.content_html, newsletter.content_text)
        self.prepared = _prepared(newsletter, html, text)
        self.rows = queue.SimpleQueue()
        for row in rows:
            self.rows.put(row)
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.sent = self.failed = 0
        self.error: BaseException | None = None

    def run(self, n: int) -> None:
        if n == 1:
            self._work(close_db=False)
        else:
            threads = [threading.Thread(target=self._work, name=f"newsletter-{i}") for i in range(n)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        if self.error is not None:
            raise self.error

    def _next(self):
        try:
            return None if self.stop.is_set() else self.rows.get_nowait()
        except queue.Empty:
            return None

    def _work(self, close_db: bool = True) -> None:
        connection = get_connection(fail_silently=False)
        try:
            connection.open()
            sent_id = None
            while (row := self._next()) is not None:
                sent_id = self._send_one(connection, *row, previous=sent_id)
            _advance(sent_id=sent_id, claim_id=None)
        except BaseException as error:  # noqa: BLE001 - handed to the calling thread, which raises it
            with self.lock:
                self.error = self.error or error
            self.stop.set()
        finally:
            with contextlib.suppress(Exception):
                connection.close()
            if close_db:
                db_connections.close_all()

    def _send_one(self, connection, delivery_id: int, email: str, name: str, *, previous: int | None) -> int | None:
        """Sends one row's message; returns its id once accepted (to be marked sent with the next claim)."""
        if not _advance(sent_id=previous, claim_id=delivery_id):
            return None  # another sender has it
        try:
            connection.send_messages([_message(self.newsletter, self.prepared, email, name)])
        except PERMANENT_ERRORS as error:
            Delivery.objects.filter(pk=delivery_id).update(status=DeliveryStatus.FAILED, error=str(error)[:300])
            with self.lock:
                self.failed += 1
            return None
        except (smtplib.SMTPException, OSError) as error:
            # Not accepted (the server answers 250 only once it has the message): back in the queue.
            Delivery.objects.filter(pk=delivery_id).update(status=DeliveryStatus.PENDING, error=str(error)[:300])
            Delivery.objects.filter(pk=delivery_id, attempts__gte=MAX_ATTEMPTS).update(status=DeliveryStatus.FAILED)
            raise
        with self.lock:
            self.sent += 1
        if self.on_sent is not None:
            try:
                self.on_sent(delivery_id)
            except BaseException:
                _advance(sent_id=delivery_id, claim_id=None)
                raise
        return delivery_id


def newsletter_deliver(
    *, newsletter_id: int, limit: int = BATCH_SIZE, on_sent=None, enqueue_next=True, connections: int | None = None
) -> dict:
    """Sends up to `limit` pending deliveries; queues the next batch while some remain (unless told not to).

    `on_sent(delivery_id)` is called after each accepted message (progress reporting, tests); with
    several connections it is called from their threads.
    """
    from . import tasks

    newsletter = Newsletter.objects.filter(pk=newsletter_id, status=NewsletterStatus.SENDING).first()
    if newsletter is None:
        return {"sent": 0, "failed": 0, "remaining": 0}
    rows = list(
        Delivery.objects.filter(newsletter=newsletter, status=DeliveryStatus.PENDING)
        .order_by("pk")
        .values_list("pk", "email", "name")[:limit]
    )
    sender = _Sender(newsletter, rows, on_sent)
    try:
        sender.run(min(connections or smtp_connections(), max(len(rows), 1)))
    finally:
        Newsletter.objects.filter(pk=newsletter.pk).update(heartbeat_at=timezone.now())
    remaining = Delivery.objects.filter(newsletter=newsletter, status=DeliveryStatus.PENDING).count()
    if remaining:
        if enqueue_next:
            transaction.on_commit(lambda: tasks.send_newsletter.enqueue(newsletter.pk))
    else:
        _finish_if_done(newsletter)
    return {"sent": sender.sent, "failed": sender.failed, "remaining": remaining}


def _finish_if_done(newsletter: Newsletter) -> bool:
    with transaction.atomic():
        newsletter = Newsletter.objects.select_for_update().get(pk=newsletter.pk)
        busy = newsletter.deliveries.filter(status__in=[DeliveryStatus.PENDING, DeliveryStatus.SENDING]).exists()
        if busy or newsletter.status != NewsletterStatus.SENDING:
            return False
        newsletter.status, newsletter.sent_at = NewsletterStatus.SENT, timezone.now()
        newsletter.save(update_fields=["status", "sent_at"])
    return True


def newsletter_resume(*, newsletter: Newsletter, by=None, stale_after: int | None = None) -> int:
    """Picks up a sending after a crash: rows left in flight become uncertain, the pending rest is sent."""
    from . import tasks

    if by is not None:
        _check_sender(by, newsletter)
    stale_after = stall_seconds() if stale_after is None else stale_after
    cutoff = timezone.now() - datetime.timedelta(seconds=stale_after)
    with transaction.atomic():
        uncertain = Delivery.objects.filter(
            newsletter=newsletter, status=DeliveryStatus.SENDING, claimed_at__lte=cutoff
        ).update(status=DeliveryStatus.UNCERTAIN, error=_("Interrupted while being sent: not sent again."))
        Newsletter.objects.filter(pk=newsletter.pk).update(heartbeat_at=timezone.now())
        if newsletter.deliveries.filter(status=DeliveryStatus.PENDING).exists():
            transaction.on_commit(lambda: tasks.send_newsletter.enqueue(newsletter.pk))
        else:
            transaction.on_commit(lambda: _finish_if_done(newsletter))
    if uncertain:
        logger.warning("Newsletter %s: %d deliveries interrupted in flight, not sent again", newsletter.pk, uncertain)
    return uncertain


def newsletter_retry_uncertain(*, newsletter: Newsletter, by) -> int:
    """An editor's explicit choice: send the uncertain rows again (some may get the newsletter twice)."""
    from . import tasks

    _check_sender(by, newsletter)
    with transaction.atomic():
        count = newsletter.deliveries.filter(status=DeliveryStatus.UNCERTAIN).update(
            status=DeliveryStatus.PENDING, error=""
        )
        if count:
            Newsletter.objects.filter(pk=newsletter.pk).update(status=NewsletterStatus.SENDING, sent_at=None)
            transaction.on_commit(lambda: tasks.send_newsletter.enqueue(newsletter.pk))
    return count


def stalled_newsletters():
    cutoff = timezone.now() - datetime.timedelta(seconds=stall_seconds())
    return Newsletter.objects.filter(status=NewsletterStatus.SENDING, heartbeat_at__lt=cutoff)


def progress(newsletter: Newsletter) -> dict:
    counts = dict.fromkeys(DeliveryStatus.values, 0)
    for row in newsletter.deliveries.values("status").annotate(n=Count("pk")):
        counts[row["status"]] = row["n"]
    total = sum(counts.values())
    done = counts[DeliveryStatus.SENT] + counts[DeliveryStatus.FAILED] + counts[DeliveryStatus.UNCERTAIN]
    stalled = (
        newsletter.status == NewsletterStatus.SENDING
        and newsletter.heartbeat_at is not None
        and newsletter.heartbeat_at < timezone.now() - datetime.timedelta(seconds=stall_seconds())
    )
    bases = dict(LegalBasis.choices)
    used = newsletter.deliveries.order_by("legal_basis").values_list("legal_basis", flat=True).distinct()
    legal_bases = [str(bases[value]) for value in used]
    return {"counts": counts, "total": total, "done": done, "legal_bases": legal_bases,
            "percent": int(done * 100 / total) if total else 0, "stalled": stalled}  # fmt: skip


# --- Retention ----------------------------------------------------------------------------------


def purge_unconfirmed(cutoff) -> int:
    return Subscriber.objects.filter(confirmed_at__isnull=True, created_at__lt=cutoff).delete()[0]


def purge_deliveries(cutoff) -> int:
    return Delivery.objects.filter(newsletter__sent_at__lt=cutoff).delete()[0]
