"""Sending through a real SMTP server on loopback: what recipients receive, unsubscribing, crashes."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from cms.newsletters import services
from cms.newsletters.models import Audience, Delivery, DeliveryStatus, NewsletterStatus, Unsubscription
from tests.cms.newsletters.helpers import make_newsletter

pytestmark = pytest.mark.django_db


def send(newsletter, by, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.newsletter_start(newsletter=newsletter, by=by)


def parts(message):
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return text, html


def test_each_consenting_member_receives_one_message_with_both_parts_and_the_headers(
    smtp, members, sender, django_capture_on_commit_callbacks
):
    newsletter = make_newsletter()
    assert send(newsletter, sender, django_capture_on_commit_callbacks) == 3

    assert sorted(smtp.recipients()) == sorted(p.user.email for p in members)
    for _rcpt_tos, message in smtp.messages:
        assert message["Subject"] == "La lettre du pôle — novembre"
        assert message.get_content_type() == "multipart/alternative"
        unsubscribe = message["List-Unsubscribe"].strip()  # a long header is folded
        assert re.fullmatch(r"<http://[^>]+/lettres/desinscription/[^>/]+/>", unsubscribe)
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        text, html = parts(message)
        assert "circuits courts" in text and "<b>circuits courts</b>" in html
        assert "https://example.org/assises" in text and 'href="https://example.org/assises"' in html
        assert unsubscribe[1:-1] in text and unsubscribe[1:-1] in html
        assert "<" not in text.replace(unsubscribe, "").split("<http")[0]  # the text part is not HTML
    newsletter.refresh_from_db()
    assert newsletter.status == NewsletterStatus.SENT
    assert set(newsletter.deliveries.values_list("status", flat=True)) == {DeliveryStatus.SENT}


def test_the_unsubscribe_link_received_works_at_once_for_that_audience(
    smtp, members, sender, django_capture_on_commit_callbacks
):
    send(make_newsletter(), sender, django_capture_on_commit_callbacks)
    rcpt_tos, message = next(m for m in smtp.messages if m[0] == [members[0].user.email])
    text, _html = parts(message)
    link = re.search(r"http://\S+/lettres/desinscription/\S+/", text).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    client = Client(enforce_csrf_checks=True)
    page = client.get("/" + path)
    assert page.status_code == 200
    assert members[0].user.email in page.content.decode()
    assert not Unsubscription.objects.exists()  # looking at the page changes nothing
    csrf = client.cookies["csrftoken"].value
    assert client.post("/" + path, {"csrfmiddlewaretoken": csrf}).status_code == 200
    assert Unsubscription.objects.filter(email=members[0].user.email, audience_key="members").exists()

    smtp.messages.clear()
    send(make_newsletter("Lettre de décembre"), sender, django_capture_on_commit_callbacks)
    assert sorted(smtp.recipients()) == sorted(p.user.email for p in members[1:])


def test_one_click_unsubscribe_from_the_mail_client(smtp, members, sender, django_capture_on_commit_callbacks):
    send(make_newsletter(), sender, django_capture_on_commit_callbacks)
    header = smtp.messages[0][1]["List-Unsubscribe"].strip()[1:-1]
    who = smtp.messages[0][0][0]
    path = "/" + header.split("://", 1)[1].split("/", 1)[1]
    # RFC 8058: the client posts this body, with no cookie and no CSRF token.
    response = Client(enforce_csrf_checks=True).post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert Unsubscription.objects.filter(email=who, audience_key="members").exists()


def test_an_unsubscription_applies_to_that_audience_only(smtp, members, sender, django_capture_on_commit_callbacks):
    from tests.factories import AxisFactory, WorkgroupFactory, WorkgroupMembershipFactory

    axis = AxisFactory()
    WorkgroupMembershipFactory(workgroup=WorkgroupFactory(axis=axis), person=members[0])
    Unsubscription.objects.create(email=members[0].user.email, audience_key="members")
    send(make_newsletter(audience=Audience.AXIS, axis=axis), sender, django_capture_on_commit_callbacks)
    assert smtp.recipients() == [members[0].user.email]


def test_a_bad_unsubscribe_token_changes_nothing(client):
    for token in ["nonsense", "a" * 300, ".eJyLVkrOz0nVUSpPLUpVSMsvyklRBABG1QbP:1:forged"]:
        response = client.post(reverse("newsletters:unsubscribe", args=[token]))
        assert response.status_code == 400
    assert not Unsubscription.objects.exists()


def test_a_refused_recipient_fails_and_the_others_are_sent(smtp, members, sender, django_capture_on_commit_callbacks):
    smtp.refuse.add(members[1].user.email)
    newsletter = make_newsletter()
    send(newsletter, sender, django_capture_on_commit_callbacks)
    assert sorted(smtp.recipients()) == sorted([members[0].user.email, members[2].user.email])
    failed = newsletter.deliveries.get(status=DeliveryStatus.FAILED)
    assert failed.email == members[1].user.email and "550" in failed.error
    newsletter.refresh_from_db()
    assert newsletter.status == NewsletterStatus.SENT


def test_the_sent_issue_is_archived_for_its_recipients(
    smtp, members, sender, django_capture_on_commit_callbacks, client
):
    newsletter = make_newsletter()
    client.force_login(members[0].user)
    assert client.get(newsletter.get_absolute_url()).status_code == 404  # not before it is sent
    send(newsletter, sender, django_capture_on_commit_callbacks)
    page = client.get(newsletter.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert "<b>circuits courts</b>" in html and "desinscription" not in html
    assert newsletter.title in client.get(reverse("newsletters:archive")).content.decode()


def test_a_newsletter_is_sent_only_once(smtp, members, sender, django_capture_on_commit_callbacks):
    from django.core.exceptions import ValidationError

    newsletter = make_newsletter()
    send(newsletter, sender, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError):
        send(newsletter, sender, django_capture_on_commit_callbacks)
    assert len(smtp.messages) == 3


def test_a_member_cannot_send(members):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.newsletter_start(newsletter=make_newsletter(), by=members[0].user)
    assert not Delivery.objects.exists()


def test_batches_follow_each_other_until_everyone_is_served(
    smtp, members, sender, settings, django_capture_on_commit_callbacks
):
    settings.NEWSLETTER_BATCH_SIZE = 1
    newsletter = make_newsletter()
    send(newsletter, sender, django_capture_on_commit_callbacks)
    assert sorted(smtp.recipients()) == sorted(p.user.email for p in members)
    newsletter.refresh_from_db()
    assert newsletter.status == NewsletterStatus.SENT


def test_accents_in_names_and_subject_and_long_lines_arrive_intact(smtp, sender, django_capture_on_commit_callbacks):
    from django.utils import timezone

    from cms.newsletters.models import Subscriber

    Subscriber.objects.create(email="lea@example.org", name="Léa Çhâtelet", confirmed_at=timezone.now())
    long_paragraph = "<p>" + "Coopération économique et territoriale. " * 60 + "</p>"
    newsletter = make_newsletter("Été : la lettre du pôle", audience=Audience.SUBSCRIBERS,
                                 body=[{"type": "text", "value": long_paragraph}])  # fmt: skip
    send(newsletter, sender, django_capture_on_commit_callbacks)
    ((_rcpt, message),) = smtp.messages
    assert message["Subject"] == "Été : la lettre du pôle"
    assert message["To"].addresses[0].display_name == "Léa Çhâtelet"
    assert message["To"].addresses[0].addr_spec == "lea@example.org"
    text, html = parts(message)
    assert "Coopération économique et territoriale. " * 60 in html
    assert "Coopération économique" in text
