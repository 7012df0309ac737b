"""A sending interrupted by a crash resumes without mailing anyone twice."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cms.newsletters import services
from cms.newsletters.models import Audience, DeliveryStatus, NewsletterStatus, Subscriber
from tests.cms.newsletters.helpers import make_newsletter
from tests.cms.newsletters.smtp import Recorder, SmtpServer
from tests.conftest import _test_database_url

ROOT = Path(__file__).resolve().parents[3]  # tests/cms/newsletters/ → the repository


def subscribers(n):
    from django.utils import timezone

    Subscriber.objects.bulk_create(
        [Subscriber(email=f"abonne{i:04d}@example.org", confirmed_at=timezone.now()) for i in range(n)]
    )


class Crash(Exception):
    """Stands for the worker dying between two messages."""


@pytest.mark.django_db
def test_a_crash_between_messages_then_a_resume_delivers_each_recipient_exactly_once(
    smtp, sender, django_capture_on_commit_callbacks
):
    subscribers(40)
    newsletter = make_newsletter(audience=Audience.SUBSCRIBERS)
    # Deliveries recorded, but the worker has not run yet.
    services.newsletter_start(newsletter=newsletter, by=sender)

    def crash_after_15(delivery_id, sent=[]):  # noqa: B006 - a counter across calls
        sent.append(delivery_id)
        if len(sent) == 15:
            raise Crash

    with pytest.raises(Crash):
        services.newsletter_deliver(newsletter_id=newsletter.pk, on_sent=crash_after_15)
    assert len(smtp.messages) == 15

    with django_capture_on_commit_callbacks(execute=True):
        assert services.newsletter_resume(newsletter=newsletter, stale_after=0) == 0
    received = smtp.recipients()
    assert len(received) == 40 and len(set(received)) == 40
    newsletter.refresh_from_db()
    assert newsletter.status == NewsletterStatus.SENT
    assert newsletter.deliveries.filter(status=DeliveryStatus.SENT).count() == 40


@pytest.mark.django_db
def test_the_smtp_server_going_down_leaves_the_rest_waiting_for_a_resume(
    sender, settings, django_capture_on_commit_callbacks
):
    handler = Recorder()
    server = SmtpServer(handler).start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    subscribers(20)
    newsletter = make_newsletter(audience=Audience.SUBSCRIBERS)
    services.newsletter_start(newsletter=newsletter, by=sender)

    def stop_after_5(delivery_id, sent=[]):  # noqa: B006
        sent.append(delivery_id)
        if len(sent) == 5:
            server.stop()

    with pytest.raises(OSError):  # the connection refused or dropped
        services.newsletter_deliver(newsletter_id=newsletter.pk, on_sent=stop_after_5)
    assert newsletter.deliveries.filter(status=DeliveryStatus.SENT).count() == 5
    assert newsletter.deliveries.filter(status=DeliveryStatus.PENDING).count() == 15

    server = SmtpServer(handler, port=server.port).start()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.newsletter_resume(newsletter=newsletter, stale_after=0)
    finally:
        server.stop()
    received = handler.recipients()
    assert len(received) == 20 and len(set(received)) == 20


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # later serialized tests reload cleanly
def test_a_worker_killed_mid_send_then_resumed_sends_nobody_twice(sender, settings, django_capture_on_commit_callbacks):
    """kill -9 of a real worker process while it sends; a resume sends the rest, nobody twice.

    The worker sends over 4 SMTP connections (threads); at most the messages in flight when the
    process died (one per connection) are in doubt: they are marked uncertain and not sent again
    (the SMTP server may or may not have accepted them).
    """
    handler = Recorder(delay=0.02)  # at most about 200 messages/s, so the kill lands mid-send
    server = SmtpServer(handler).start()
    try:
        subscribers(300)
        newsletter = make_newsletter(audience=Audience.SUBSCRIBERS)
        # The worker is the separate process below, not the test's immediate task backend.
        settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
        services.newsletter_start(newsletter=newsletter, by=sender)
        settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.cms.newsletters.smtp_settings",
               "DATABASE_URL": _test_database_url(), "TEST_SMTP_PORT": str(server.port)}  # fmt: skip
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "send_newsletters", "--newsletter", str(newsletter.pk), "--batch", "1000"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        try:
            handler.wait_for(40, timeout=60)
            assert worker.poll() is None, worker.stderr.read().decode()[-2000:]
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)
        finally:
            if worker.poll() is None:
                worker.kill()
        time.sleep(0.2)
        received_before = len(handler.recipients())
        assert 40 <= received_before < 300

        with django_capture_on_commit_callbacks(execute=True):
            uncertain = services.newsletter_resume(newsletter=newsletter, stale_after=0)
        assert uncertain <= 4
        received = handler.recipients()
        assert len(received) == len(set(received)), "someone got the newsletter twice"
        uncertain_emails = set(
            newsletter.deliveries.filter(status=DeliveryStatus.UNCERTAIN).values_list("email", flat=True)
        )
        everyone = {f"abonne{i:04d}@example.org" for i in range(300)}
        assert everyone - uncertain_emails <= set(received)
        newsletter.refresh_from_db()
        assert newsletter.status == NewsletterStatus.SENT
    finally:
        server.stop()
