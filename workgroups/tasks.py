"""Background work of the workgroups (django-tasks)."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from .models import Mention


@task()
def notify_mentions(message_id: int) -> int:
    """E-mails the people named in a message, once each, unless they opted out of e-mails."""
    mentions = list(
        Mention.objects.filter(message_id=message_id, notified_at__isnull=True).select_related(
            "person__user", "message__workgroup", "message__author__user"
        )
    )
    sent = 0
    for mention in mentions:
        person, message = mention.person, mention.message
        if person.receives_daily_digest and person.user.is_active and person.user.email:
            link = (
                settings.WAGTAILADMIN_BASE_URL.rstrip("/")
                + reverse("workgroups:room", args=[message.workgroup.slug])
                + f"#m{message.sequence}"
            )
            send_mail(
                subject=_("%(author)s mentioned you in %(workgroup)s")
                % {"author": message.author, "workgroup": message.workgroup.name},
                message=render_to_string("workgroups/email/mention.txt", {"message": message, "link": link}),
                from_email=None,
                recipient_list=[person.user.email],
            )
            sent += 1
        Mention.objects.filter(pk=mention.pk).update(notified_at=timezone.now())
    return sent
