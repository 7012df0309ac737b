"""The daily reminder of tasks due: each owner gets one e-mail listing their tasks due today or
late, at most once a day (Task.reminded_on), whatever runs the command twice."""

import logging
from itertools import groupby

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from portal import identity

from . import selectors
from .models import Task

logger = logging.getLogger(__name__)


def send_task_reminders(today=None) -> int:
    """Sends each owner of open tasks due by `today` (default: today) one e-mail; returns how many."""
    today = today or timezone.localdate()
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    sent = 0
    for _owner_id, tasks in groupby(selectors.tasks_due(today), key=lambda task: task.owner_id):
        tasks = list(tasks)
        owner = tasks[0].owner
        with translation.override(settings.LANGUAGE_CODE):
            items = [
                {
                    "task": task,
                    "late": task.due_on < today,
                    "link": base + reverse("workgroups:meetings", args=[task.workgroup.slug]) + "#tasks-title",
                }
                for task in tasks
            ]
            context = {"person": owner, "items": items, "today": today}
            email = EmailMultiAlternatives(
                subject=ngettext(
                    "Reminder: %(count)d task due in your workgroups",
                    "Reminder: %(count)d tasks due in your workgroups",
                    len(tasks),
                )
                % {"count": len(tasks)},
                body=render_to_string("workgroups/email/task_reminder.txt", context),
                from_email=identity.from_email(),
                to=[owner.user.email],
            )
            email.attach_alternative(render_to_string("workgroups/email/task_reminder.html", context), "text/html")
        try:
            email.send()
        except Exception:
            # One unreachable address does not stop the others; the task is reminded again tomorrow.
            logger.exception("Task reminder to person %s not sent", owner.pk)
            continue
        with transaction.atomic():
            Task.objects.filter(pk__in=[task.pk for task in tasks]).update(reminded_on=today)
        sent += 1
    logger.info("Sent %d task reminders", sent)
    return sent
