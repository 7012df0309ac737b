"""What the workgroups hold about a person, for the privacy app's export and erasure (portal/privacy/registry.py)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.privacy import registry
from search.indexing import schedule_index

from .models import Axis, Mention, Message, ParticipatoryProcess, Task, WorkgroupMembership


def export_memberships(person) -> list[dict]:
    return [
        {
            _("Workgroup"): membership.workgroup.name,
            _("Role"): membership.get_role_display(),
            _("Status"): membership.get_status_display(),
            _("Joined"): membership.joined_at,
        }
        for membership in WorkgroupMembership.objects.filter(person=person).select_related("workgroup")
    ]


def export_messages(person) -> list[dict]:
    return [
        {
            _("Workgroup"): message.workgroup.name,
            _("Sent"): message.created_at,
            _("Edited"): message.edited_at,
            _("Deleted"): message.removed_at,
            _("Message"): message.body,
        }
        for message in Message.objects.filter(author=person).select_related("workgroup").order_by("created_at")
    ]


def export_mentions(person) -> list[dict]:
    return [
        {
            _("Workgroup"): mention.message.workgroup.name,
            _("Date"): mention.message.created_at,
            _("Message"): mention.message.body,
        }
        for mention in Mention.objects.filter(person=person).select_related("message__workgroup")
    ]


def export_tasks(person) -> list[dict]:
    return [
        {
            _("Workgroup"): task.workgroup.name,
            _("Task"): task.title,
            _("Due date"): task.due_on,
            _("Done"): task.done_at,
        }
        for task in Task.objects.filter(owner=person).select_related("workgroup").order_by("due_on")
    ]


def erase(person) -> None:
    """The person leaves every workgroup and axis; their messages stay, under the pseudonym."""
    WorkgroupMembership.objects.filter(person=person).delete()
    Mention.objects.filter(person=person).delete()
    # The workgroup's tasks and files stay the group's, with nobody named; no process is run by them.
    Task.objects.filter(owner=person).update(owner=None)
    for process in ParticipatoryProcess.objects.filter(leads=person):
        process.leads.remove(person)
    for axis in Axis.objects.filter(coordinators=person):
        axis.coordinators.remove(person)
    # The search documents carry the author's name in their title: reindex them once renamed.
    for message in Message.objects.filter(author=person).only("pk"):
        schedule_index(message)


def register() -> None:
    registry.register_section("workgroups", label=gettext_lazy("Workgroups"), export=export_memberships, erase=erase,
                              order=20)  # fmt: skip
    registry.register_section("messages", label=gettext_lazy("Messages in the workgroups"), export=export_messages,
                              order=21)  # fmt: skip
    registry.register_section("mentions", label=gettext_lazy("Mentions of my name"), export=export_mentions, order=22)
    registry.register_section(
        "workgroup_tasks", label=gettext_lazy("Tasks in the workgroups"), export=export_tasks, order=23
    )
    registry.register_processing(
        "workgroups",
        title=gettext_lazy("Workgroups and their discussions"),
        purpose=gettext_lazy(
            "Letting the members of a workgroup discuss, be notified of mentions and get a daily digest."
        ),
        legal_basis=gettext_lazy("Performance of the membership contract"),
        data=[
            gettext_lazy("name"),
            gettext_lazy("organisation"),
            gettext_lazy("messages"),
            gettext_lazy("reading position"),
        ],
        retention=gettext_lazy(
            "As long as the workgroup exists; after an account is deleted its messages stay, signed “Former member”."
        ),
        order=20,
    )
