"""The daily e-mail digest: unread messages and mentions, per member, once per message."""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from portal import identity
from portal.members.models import MessageNotifications, Person

from .models import Mention, Message, WorkgroupMembership, WorkgroupMembershipStatus

logger = logging.getLogger(__name__)
MESSAGES_PER_WORKGROUP = 5


def _sections(person: Person) -> list[dict]:
    memberships = (
        WorkgroupMembership.objects.filter(
            person=person,
            status=WorkgroupMembershipStatus.ACTIVE,
            workgroup__last_sequence__gt=F("last_read_sequence"),
        )
        .exclude(workgroup__last_sequence__lte=F("last_digest_sequence"))
        .exclude(notifications=MessageNotifications.NONE)
        .select_related("workgroup", "person")
    )
    sections = []
    for membership in memberships:
        level = membership.notifications_level
        if level == MessageNotifications.NONE:
            continue
        since = max(membership.last_read_sequence, membership.last_digest_sequence)
        unread = (
            Message.objects.filter(workgroup=membership.workgroup, sequence__gt=since, removed_at__isnull=True)
            .exclude(author=person)
            .select_related("author__user")
            .order_by("-sequence")
        )
        # "Mentions only": the digest names the mentions, not the rest of the discussion.
        count = unread.count() if level == MessageNotifications.ALL else 0
        mentions = list(
            Mention.objects.filter(person=person, message__workgroup=membership.workgroup, message__sequence__gt=since)
            .select_related("message__author__user")
            .order_by("message__sequence")
        )
        if count or mentions:
            sections.append(
                {
                    "membership": membership,
                    "workgroup": membership.workgroup,
                    "count": count,
                    "level": level,
                    "latest": list(reversed(unread[:MESSAGES_PER_WORKGROUP])) if count else [],
                    "mentions": mentions,
                    "link": settings.WAGTAILADMIN_BASE_URL.rstrip("/")
                    + reverse("workgroups:room", args=[membership.workgroup.slug]),
                }
            )
    return sections


def send_daily_digests() -> int:
    """Sends each member who wants it one e-mail; a message appears in one digest at most."""
    sent = 0
    people = Person.objects.filter(receives_daily_digest=True, user__is_active=True).exclude(user__email="")
    people = people.filter(workgroup_memberships__status=WorkgroupMembershipStatus.ACTIVE).distinct()
    for person in people.select_related("user"):
        sections = _sections(person)
        if not sections:
            continue
        with translation.override(settings.LANGUAGE_CODE):
            settings_link = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("notifications:settings")
            context = {"person": person, "sections": sections, "settings_link": settings_link}
            total = sum(section["count"] for section in sections)
            if total:
                subject = _("Your workgroups: %(count)d unread messages") % {"count": total}
            else:
                subject = _("Your workgroups: you were mentioned")
            email = EmailMultiAlternatives(
                subject=subject,
                body=render_to_string("workgroups/email/digest.txt", context),
                from_email=identity.from_email(),
                to=[person.user.email],
            )
            email.attach_alternative(render_to_string("workgroups/email/digest.html", context), "text/html")
        with transaction.atomic():
            email.send()
            for section in sections:
                messages = Message.objects.filter(workgroup=section["workgroup"])
                last = messages.aggregate(last=Max("sequence"))["last"] or 0
                WorkgroupMembership.objects.filter(pk=section["membership"].pk).update(last_digest_sequence=last)
        sent += 1
    logger.info("Sent %d workgroup digests", sent)
    return sent
