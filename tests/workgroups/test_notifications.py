"""Notification choices (#21): all messages, mentions only or nothing, in general and per workgroup,
and the daily digest or not, honoured by the e-mails a real SMTP server receives."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from portal.members.models import MessageNotifications
from tests.factories import AxisFactory, PersonFactory
from workgroups import services
from workgroups.digests import send_daily_digests
from workgroups.models import Workgroup, WorkgroupMembership
from workgroups.tasks import notify_mentions

pytestmark = pytest.mark.django_db


@pytest.fixture
def groups(db):
    axis = AxisFactory()
    return [
        Workgroup.objects.create(axis=axis, name="Restauration collective", slug="restauration"),
        Workgroup.objects.create(axis=axis, name="Mobilité douce", slug="mobilite"),
    ]


def join(person, *workgroups, notifications=""):
    for workgroup in workgroups:
        WorkgroupMembership.objects.create(workgroup=workgroup, person=person, notifications=notifications)
    return person


def say(workgroup, author, body, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.message_send(workgroup=workgroup, by=author.user, body=body)


def mails_to(smtp, person):
    return [message for rcpt, message in smtp.messages if person.user.email.lower() in [r.lower() for r in rcpt]]


def text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def test_mention_emails_follow_the_general_choice_and_each_workgroups_own(
    groups, smtp, django_capture_on_commit_callbacks
):
    restauration, mobilite = groups
    author = join(PersonFactory(), restauration, mobilite)
    everything = join(PersonFactory(handle="tout"), restauration, mobilite)
    mentions = join(PersonFactory(handle="mentions", message_notifications=MessageNotifications.MENTIONS), *groups)
    silent = join(PersonFactory(handle="muette", message_notifications=MessageNotifications.NONE), *groups)
    # Quiet in general, but wants to hear of the restauration group; and the reverse.
    join(PersonFactory(handle="sauf-resto", message_notifications=MessageNotifications.NONE), mobilite)
    picky = PersonFactory(handle="exigeante")
    join(picky, restauration, notifications=MessageNotifications.NONE)
    join(picky, mobilite, notifications=MessageNotifications.MENTIONS)

    say(
        restauration, author, "@tout @mentions @muette @exigeante : menu du jeudi ?", django_capture_on_commit_callbacks
    )
    say(mobilite, author, "@exigeante le parking vélo est prêt", django_capture_on_commit_callbacks)
    smtp.wait_for(3)

    assert sorted(smtp.recipients()) == sorted([everything.user.email, mentions.user.email, picky.user.email]), (
        "the silent one and the restauration group of the picky one send nothing"
    )
    assert len(mails_to(smtp, silent)) == 0
    [to_picky] = mails_to(smtp, picky)
    assert "Mobilité douce" in to_picky["Subject"]
    footer = text(to_picky)
    assert "vos notifications pour ce groupe sont réglées sur « Mentions de mon nom seulement »" in footer
    assert "http://testserver/compte/notifications/" in footer or "/compte/notifications/" in footer
    [to_everything] = mails_to(smtp, everything)
    assert "votre choix général" in text(to_everything) and "« Tous les messages »" in text(to_everything)


def test_digest_follows_the_choices_workgroup_by_workgroup(groups, smtp, django_capture_on_commit_callbacks):
    restauration, mobilite = groups
    author = join(PersonFactory(), *groups)
    everything = join(PersonFactory(handle="tout"), *groups)
    mentions_only = join(PersonFactory(handle="mentions", message_notifications=MessageNotifications.MENTIONS), *groups)
    no_digest = join(PersonFactory(handle="sans-resume", receives_daily_digest=False), *groups)
    picky = PersonFactory(handle="exigeante")
    join(picky, restauration, notifications=MessageNotifications.NONE)
    join(picky, mobilite)
    say(restauration, author, "Compte rendu de l'atelier cantine", django_capture_on_commit_callbacks)
    say(mobilite, author, "@mentions @sans-resume covoiturage vendredi ?", django_capture_on_commit_callbacks)
    smtp.wait_for(2)  # the two mention e-mails
    smtp.messages.clear()
    smtp.count = 0

    assert send_daily_digests() == 3
    smtp.wait_for(3)
    assert sorted(smtp.recipients()) == sorted([everything.user.email, mentions_only.user.email, picky.user.email])
    assert not mails_to(smtp, no_digest)

    full = text(mails_to(smtp, everything)[0])
    assert "Compte rendu de l'atelier cantine" in full and "covoiturage vendredi" in full
    [digest] = mails_to(smtp, mentions_only)
    body = text(digest)
    assert "covoiturage vendredi" in body and "atelier cantine" not in body and "non lu" not in body
    assert digest["Subject"].strip() == "Vos groupes de travail : vous avez été mentionné·e"
    picky_body = text(mails_to(smtp, picky)[0])
    assert "covoiturage" in picky_body and "atelier cantine" not in picky_body
    assert "le récapitulatif quotidien est activé dans vos réglages de notification" in picky_body
    assert "/compte/notifications/" in picky_body
    html = mails_to(smtp, picky)[0].get_body(preferencelist=("html",)).get_content()
    assert 'href="http://' in html and "/compte/notifications/" in html


def test_the_migration_keeps_todays_behaviour():
    """Before, switching the digest off also stopped the mention e-mails."""
    opted_out = PersonFactory(receives_daily_digest=False)
    kept = PersonFactory(receives_daily_digest=True)
    migration = importlib.import_module("portal.members.migrations.0009_notification_choices")
    migration.keep_todays_behaviour(apps, None)
    opted_out.refresh_from_db()
    kept.refresh_from_db()
    assert opted_out.message_notifications == MessageNotifications.NONE
    assert kept.message_notifications == MessageNotifications.ALL


def test_settings_screen_saves_my_choices_and_never_touches_anothers(groups, client):
    me = join(PersonFactory(), *groups)
    other = join(PersonFactory(), groups[0])
    theirs = WorkgroupMembership.objects.get(person=other)
    mine = {m.workgroup.slug: m for m in WorkgroupMembership.objects.filter(person=me)}
    client.force_login(me.user)
    page = client.get(reverse("notifications:settings"))
    assert page.status_code == 200
    assert "Restauration collective" in page.content.decode() and "Mobilité douce" in page.content.decode()

    response = client.post(
        reverse("notifications:settings"),
        {
            "message_notifications": "mentions",
            "receives_daily_digest": "",
            f"workgroup_{mine['restauration'].pk}": "none",
            f"workgroup_{mine['mobilite'].pk}": "",
            f"workgroup_{theirs.pk}": "none",
        },
    )
    assert response.status_code == 302
    me.refresh_from_db()
    assert me.message_notifications == "mentions" and not me.receives_daily_digest
    assert WorkgroupMembership.objects.get(pk=mine["restauration"].pk).notifications == "none"
    assert WorkgroupMembership.objects.get(pk=mine["mobilite"].pk).notifications == ""
    assert WorkgroupMembership.objects.get(pk=theirs.pk).notifications == ""


def test_notify_mentions_never_writes_to_someone_who_chose_nothing(groups, smtp, django_capture_on_commit_callbacks):
    author = join(PersonFactory(), groups[0])
    join(PersonFactory(handle="muette"), groups[0], notifications=MessageNotifications.NONE)
    message = say(groups[0], author, "@muette bonjour", django_capture_on_commit_callbacks)
    assert notify_mentions.call(message.pk) == 0
    assert smtp.count == 0
