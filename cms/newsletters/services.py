"""Writes of the newsletters: sign-ups, unsubscriptions, test sends, and the resumable sending.

Sending, step by step:
1. `newsletter_start` freezes the content, creates one Delivery row per recipient and, on commit,
   queues the `send_newsletter` task.
2. `newsletter_deliver` (the task) sends in batches over one SMTP connection. For each row it first
   claims it (pending → sending, an UPDATE that only one worker can win), then sends, then marks it
   sent once the server accepted the message. Both UPDATEs commit at once, so a crash loses at most
   the row in flight.
3. After a crash, `newsletter_resume` marks rows left "sending" as uncertain — the server may or may
   not have accepted them, and mailing them again could send twice — and sends the pending rest. The
   admin shows the uncertain rows; only an editor's explicit choice retries them.
"""

import datetime
import logging
import smtplib

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection, send_mail
from django.db import transaction
from django.db.models import Count, F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.members.models import PersonRole
from portal.members.permissions import has_role
from portal.privacy.registry import retention_days

from . import audiences, rendering, tokens
from .models import Delivery, DeliveryStatus, Newsletter, NewsletterStatus, Subscriber, Unsubscription

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
MAX_ATTEMPTS = 5
# Permanent refusals: the row fails; anything else (connection lost, 4xx) leaves it pending for a retry.
PERMANENT_ERRORS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused)


def can_send(user) -> bool:
    return has_role(user, PersonRole.ORGANISER)


def _check_sender(user) -> None:
    if not can_send(user):
        raise PermissionDenied(_("Only organisers and cluster administrators send newsletters."))


def _from_email() -> str:
    return getattr(settings, "NEWSLETTER_FROM_EMAIL", "") or settings.DEFAULT_FROM_EMAIL


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
                 "site_name": settings.WAGTAIL_SITE_NAME},
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
        # Deliveries of a sending in progress that have not left yet are dropped too.
        Delivery.objects.filter(
            email=email, status=DeliveryStatus.PENDING, newsletter__status=NewsletterStatus.SENDING
        ).filter(newsletter__in=_newsletters_of(audience_key)).delete()
    return email, audience_key


def _newsletters_of(audience_key: str):
    kind, _sep, pk = audience_key.partition(":")
    queryset = Newsletter.objects.filter(audience=kind)
    if kind == "axis":
        queryset = queryset.filter(axis_id=pk or None)
    elif kind == "club":
        queryset = queryset.filter(club_id=pk or None)
    return queryset


def audience_label(audience_key: str) -> str:
    newsletter = _newsletters_of(audience_key).select_related("axis", "club").first()
    return newsletter.audience_label if newsletter else audience_key


# --- Composing: test e-mail -----------------------------------------------------------------------


def _message(newsletter: Newsletter, html: str, text: str, email: str, name: str = "", *, subject: str = ""):
    link = unsubscribe_url(email, newsletter.audience_key)
    to = f"{name} <{email}>" if name and all(c not in name for c in '<>",@') else email
    message = EmailMultiAlternatives(
        subject=subject or newsletter.title,
        body=text.replace(rendering.UNSUBSCRIBE_PLACEHOLDER, link),
        from_email=_from_email(),
        to=[to],
        headers={
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": f"<{newsletter.audience_key.replace(':', '-')}.newsletters.{_list_domain()}>",
        },
    )
    message.attach_alternative(html.replace(rendering.UNSUBSCRIBE_PLACEHOLDER, link), "text/html")
    return message


def _list_domain() -> str:
    host = rendering.base_url().split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    return host or "ptce.example"


def newsletter_send_test(*, newsletter: Newsletter, by) -> str:
    """Sends the issue as it stands to the editor's own address."""
    _check_sender(by)
    if not by.email:
        raise ValidationError(_("Your account has no e-mail address."))
    content_html, content_text = rendering.render_content(newsletter)
    html, text = rendering.layout(newsletter, content_html, content_text)
    subject = _("[Test] %(subject)s") % {"subject": newsletter.title}
    _message(newsletter, html, text, by.email, by.get_full_name(), subject=subject).send()
    return by.email


# --- Sending --------------------------------------------------------------------------------------


def newsletter_start(*, newsletter: Newsletter, by) -> int:
    """Freezes the issue, records one delivery per recipient and queues the sending. Returns the count."""
    from . import tasks

    _check_sender(by)
    with transaction.atomic():
        newsletter = Newsletter.objects.select_for_update().get(pk=newsletter.pk)
        if newsletter.status != NewsletterStatus.DRAFT:
            raise ValidationError(_("This newsletter has already been sent."))
        newsletter.full_clean()
        newsletter.content_html, newsletter.content_text = rendering.render_content(newsletter)
        batch, total = [], 0
        for email, name in audiences.recipients(newsletter):
            batch.append(Delivery(newsletter=newsletter, email=email, name=name[:200]))
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


def _claim(delivery_id: int) -> bool:
    return bool(
        Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING).update(
            status=DeliveryStatus.SENDING, claimed_at=timezone.now(), attempts=F("attempts") + 1
        )
    )


def newsletter_deliver(*, newsletter_id: int, limit: int = BATCH_SIZE, on_sent=None, enqueue_next=True) -> dict:
    """Sends up to `limit` pending deliveries; queues the next batch while some remain (unless told not to).

    `on_sent(delivery_id)` is called after each accepted message (progress reporting, tests).
    """
    from . import tasks

    newsletter = Newsletter.objects.filter(pk=newsletter_id, status=NewsletterStatus.SENDING).first()
    if newsletter is None:
        return {"sent": 0, "failed": 0, "remaining": 0}
    html, text = rendering.layout(newsletter, newsletter.content_html, newsletter.content_text)
    sent = failed = 0
    connection = get_connection(fail_silently=False)
    connection.open()
    try:
        while sent + failed < limit:
            chunk = list(
                Delivery.objects.filter(newsletter=newsletter, status=DeliveryStatus.PENDING)
                .order_by("pk")
                .values_list("pk", "email", "name")[: min(100, limit - sent - failed)]
            )
            if not chunk:
                break
            for delivery_id, email, name in chunk:
                if not _claim(delivery_id):
                    continue  # another worker has it
                try:
                    connection.send_messages([_message(newsletter, html, text, email, name)])
                except PERMANENT_ERRORS as error:
                    Delivery.objects.filter(pk=delivery_id).update(status=DeliveryStatus.FAILED, error=str(error)[:300])
                    failed += 1
                    continue
                except (smtplib.SMTPException, OSError) as error:
                    # Not accepted (the server answers 250 only once it has the message): retry later.
                    Delivery.objects.filter(pk=delivery_id).update(
                        status=DeliveryStatus.PENDING, error=str(error)[:300]
                    )
                    Delivery.objects.filter(pk=delivery_id, attempts__gte=MAX_ATTEMPTS).update(
                        status=DeliveryStatus.FAILED
                    )
                    raise
                Delivery.objects.filter(pk=delivery_id).update(status=DeliveryStatus.SENT, sent_at=timezone.now())
                sent += 1
                if on_sent is not None:
                    on_sent(delivery_id)
            Newsletter.objects.filter(pk=newsletter.pk).update(heartbeat_at=timezone.now())
    finally:
        connection.close()
    remaining = Delivery.objects.filter(newsletter=newsletter, status=DeliveryStatus.PENDING).count()
    if remaining:
        if enqueue_next:
            transaction.on_commit(lambda: tasks.send_newsletter.enqueue(newsletter.pk))
    else:
        _finish_if_done(newsletter)
    return {"sent": sent, "failed": failed, "remaining": remaining}


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
        _check_sender(by)
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

    _check_sender(by)
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
    return {"counts": counts, "total": total, "done": done,
            "percent": int(done * 100 / total) if total else 0, "stalled": stalled}  # fmt: skip


# --- Retention ----------------------------------------------------------------------------------


def purge_unconfirmed(cutoff) -> int:
    return Subscriber.objects.filter(confirmed_at__isnull=True, created_at__lt=cutoff).delete()[0]


def purge_deliveries(cutoff) -> int:
    return Delivery.objects.filter(newsletter__sent_at__lt=cutoff).delete()[0]
