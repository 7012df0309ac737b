"""Background work of the workgroups (django-tasks)."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from portal import identity
from portal.members.models import MessageNotifications

from .models import Mention, WorkgroupMembership


@task()
def notify_mentions(message_id: int) -> int:
    """E-mails the people named in a message, once each, if their choice for its workgroup (its own, else
    their general one) is all messages or mentions."""
    mentions = list(
        Mention.objects.filter(message_id=message_id, notified_at__isnull=True).select_related(
            "person__user", "message__workgroup", "message__author__user"
        )
    )
    sent = 0
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    for mention in mentions:
        person, message = mention.person, mention.message
        membership = (
            WorkgroupMembership.objects.filter(workgroup=message.workgroup, person=person)
            .select_related("person")
            .first()
        )
        level = membership.notifications_level if membership else person.message_notifications
        if level != MessageNotifications.NONE and person.user.is_active and person.user.email:
            link = base + reverse("workgroups:room", args=[message.workgroup.slug]) + f"#m{message.sequence}"
            context = {
                "message": message,
                "link": link,
                "level": MessageNotifications(level).label,
                "own_choice": bool(membership and membership.notifications),
                "settings_link": base + reverse("notifications:settings"),
            }
            send_mail(
                subject=_("%(author)s mentioned you in %(workgroup)s")
                % {"author": message.author, "workgroup": message.workgroup.name},
                message=render_to_string("workgroups/email/mention.txt", context),
                from_email=identity.from_email(),
                recipient_list=[person.user.email],
            )
            sent += 1
        Mention.objects.filter(pk=mention.pk).update(notified_at=timezone.now())
    return sent
