"""Member pages of the workgroups: the list, joining and leaving, the discussion room.

Thin: rules live in services, reads in selectors, and every view asks permissions who may do what.
The room works without JavaScript (history pages, a plain form to post); room.js adds the websocket.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from portal.consumers import CLOSE_FORBIDDEN, CLOSE_NOT_FOUND, CLOSE_NOT_SIGNED_IN, CLOSE_TOO_MANY_SOCKETS
from portal.forms import add_service_errors
from portal.members.permissions import person_of
from portal.pagination import page_of

from . import permissions, selectors, services
from .forms import (
    AddMemberForm,
    DecisionForm,
    MeetingForm,
    MemberRoleForm,
    MessageForm,
    MinutesForm,
    NotificationsForm,
    ProcessTableForm,
    SharedFileForm,
    TaskForm,
    WorkgroupForm,
)
from .models import MESSAGE_MAX_LENGTH, SharedFile, Task, Workgroup, WorkgroupMembership, WorkgroupMembershipStatus

INDEX_PAGE_SIZE = 30


@login_required
@require_safe
def index(request):
    """My workgroups with their unread counts, then the others, axis by axis and club by club."""
    person = person_of(request.user)
    page = page_of(request, selectors.joinable_workgroups(person), INDEX_PAGE_SIZE)
    context = {
        "has_profile": person is not None,
        "mine": selectors.my_workgroups(person) if person else [],
        "page": page,
        "groups": _by_axis_or_club(page.object_list),
        "leads": permissions.leads_any(request.user),
    }
    return render(request, "workgroups/index.html", context)


@login_required
@require_POST
def join(request, slug):
    workgroup = get_object_or_404(Workgroup, slug=slug)
    if permissions.is_member(request.user, workgroup):
        messages.info(request, _("You are already a member of “%(name)s”.") % {"name": workgroup.name})
        return redirect("workgroups:room", slug=workgroup.slug)
    try:
        membership = services.workgroup_join(workgroup=workgroup, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("workgroups:index")
    if membership.status == WorkgroupMembershipStatus.ACTIVE:
        messages.success(
            request, _("Welcome to “%(name)s”: you can now take part in its discussion.") % {"name": workgroup.name}
        )
        return redirect("workgroups:room", slug=workgroup.slug)
    messages.success(
        request, _("Your request to join “%(name)s” now waits for a coordinator's approval.") % {"name": workgroup.name}
    )
    return redirect("workgroups:index")


@login_required
@require_POST
def leave(request, slug):
    """Leaves a workgroup, or withdraws a request still waiting for approval."""
    workgroup = get_object_or_404(Workgroup, slug=slug)
    was_member = permissions.is_member(request.user, workgroup)
    if not was_member and selectors.membership_of(workgroup, person_of(request.user)) is None:
        messages.info(request, _("You are not a member of “%(name)s”.") % {"name": workgroup.name})
        return redirect("workgroups:index")
    services.workgroup_leave(workgroup=workgroup, by=request.user)
    if was_member:
        messages.success(request, _("You have left “%(name)s”.") % {"name": workgroup.name})
    else:
        messages.success(request, _("Your request to join “%(name)s” has been withdrawn.") % {"name": workgroup.name})
    return redirect("workgroups:index")


@login_required
@require_POST
def approve(request, membership_id):
    membership = _join_request(request, membership_id)
    try:
        services.workgroup_approve(membership=membership, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(person)s is now a member of the workgroup.") % {"person": membership.person})
    return redirect("workgroups:room", slug=membership.workgroup.slug)


@login_required
@require_POST
def refuse(request, membership_id):
    membership = _join_request(request, membership_id)
    try:
        services.workgroup_refuse(membership=membership, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The request of %(person)s has been refused.") % {"person": membership.person})
    return redirect("workgroups:room", slug=membership.workgroup.slug)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def room(request, slug):
    """The discussion: the latest page of messages (or an older one with ?before=), members, composer.

    ?fragment=1 returns only the messages, for room.js to prepend when "older messages" is pressed.
    """
    workgroup = get_object_or_404(Workgroup.objects.select_related("axis", "club", "process"), slug=slug)
    membership = permissions.active_membership(request.user, workgroup)
    if membership is None:
        return _not_a_member(request, workgroup)

    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        sent = _send(request, workgroup, form)
        if sent is not None:
            return redirect(reverse("workgroups:room", args=[workgroup.slug]) + f"#m{sent.sequence}")

    before = _positive_int(request.GET.get("before"))
    history, has_older = selectors.history_page(workgroup, before)
    if history:
        services.mark_read(workgroup=workgroup, by=request.user, sequence=history[-1].sequence)

    person = request.user.person
    members = list(selectors.members_of(workgroup))
    mentions = {member.person.handle.lower(): member.person_id == person.pk for member in members}
    context = {
        "workgroup": workgroup,
        "history": history,
        "has_older": has_older,
        "oldest": history[0].sequence if history else None,
        "mentions": mentions,
        "me_id": person.pk,
    }
    if request.GET.get("fragment"):
        return render(request, "workgroups/_history.html", context)

    can_moderate = permissions.can_moderate(request.user, workgroup)
    context |= {
        "can_manage": permissions.can_manage(request.user, workgroup),
        "is_history_page": before is not None,
        "last_sequence": history[-1].sequence if history else (before - 1 if before else 0),
        "members": members,
        "can_moderate": can_moderate,
        "pending": list(selectors.pending_requests(workgroup)) if can_moderate else [],
        "form": form,
        "max_length": MESSAGE_MAX_LENGTH,
        "client_config": _client_config(
            workgroup, person, can_moderate=can_moderate, handles=sorted(mentions), live=before is None
        ),
    }
    return render(request, "workgroups/room.html", context)


# --- The coordination of an axis or a club: its workgroups ----------------------------------------


@login_required
@require_safe
def coordination(request):
    """The workgroups the user leads (those of her axes, her clubs' commissions), to create, edit,
    archive them and set their members' roles."""
    if not permissions.leads_any(request.user):
        raise PermissionDenied(_("Only axis coordinators and club animators lead workgroups."))
    context = {
        "groups": _by_axis_or_club(selectors.workgroups_led_by(request.user)),
        "can_create": permissions.axes_led(request.user).exists()
        or permissions.clubs_led(request.user).exists()
        or permissions.processes_led(request.user).exists(),
    }
    return render(request, "workgroups/coordination.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def create(request):
    axes, clubs = list(permissions.axes_led(request.user)), list(permissions.clubs_led(request.user))
    processes = list(permissions.processes_led(request.user))
    if not axes and not clubs and not processes:
        raise PermissionDenied(_("Only axis coordinators and club animators create workgroups."))
    initial = {"membership_policy": "open"}
    wanted = request.GET.get("pour", "")
    if wanted:
        initial["owner"] = wanted
    form = WorkgroupForm(request.POST or None, axes=axes, clubs=clubs, processes=processes, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            workgroup = services.workgroup_create(by=request.user, **form.chosen_owner(), **form.service_arguments())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("“%(name)s” is created, and you coordinate it. Add its members below.") % {"name": workgroup.name},
            )
            return redirect("workgroups:manage", slug=workgroup.slug)
    return render(request, "workgroups/workgroup_form.html", {"form": form})


def _led_workgroup(request, slug) -> Workgroup:
    workgroup = get_object_or_404(Workgroup.objects.select_related("axis", "club", "process"), slug=slug)
    if not permissions.can_manage(request.user, workgroup):
        raise PermissionDenied(_("Only the coordination of the workgroup's axis or club manages it."))
    return workgroup


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def manage(request, slug):
    """The workgroup's settings, its members and their roles, its requests, archiving."""
    workgroup = _led_workgroup(request, slug)
    initial = {field: getattr(workgroup, field) for field in services.WORKGROUP_FIELDS}
    form = WorkgroupForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.workgroup_update(workgroup=workgroup, by=request.user, **form.service_arguments())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The workgroup is saved."))
            return redirect("workgroups:manage", slug=workgroup.slug)
    memberships = list(selectors.memberships_of(workgroup))
    context = {
        "workgroup": workgroup,
        "form": form,
        "members": [
            (membership, MemberRoleForm(initial={"role": membership.role}, prefix=f"m{membership.pk}"))
            for membership in memberships
            if membership.status == WorkgroupMembershipStatus.ACTIVE
        ],
        "pending": [membership for membership in memberships if membership.status != WorkgroupMembershipStatus.ACTIVE],
        "add_form": AddMemberForm(initial={"role": "member"}),
    }
    return render(request, "workgroups/manage.html", context)


@login_required
@require_POST
def archive(request, slug):
    workgroup = _led_workgroup(request, slug)
    archived = request.POST.get("archived") == "1"
    services.workgroup_set_archived(workgroup=workgroup, archived=archived, by=request.user)
    if archived:
        messages.success(
            request, _("“%(name)s” is archived: its discussion stays readable.") % {"name": workgroup.name}
        )
    else:
        messages.success(request, _("“%(name)s” is open again.") % {"name": workgroup.name})
    return redirect("workgroups:manage", slug=workgroup.slug)


def _membership_of(request, slug, membership_id) -> WorkgroupMembership:
    workgroup = _led_workgroup(request, slug)
    return get_object_or_404(
        WorkgroupMembership.objects.select_related("person__user", "workgroup"), pk=membership_id, workgroup=workgroup
    )


@login_required
@require_POST
def member_role(request, slug, membership_id):
    membership = _membership_of(request, slug, membership_id)
    form = MemberRoleForm(request.POST, prefix=f"m{membership.pk}")
    if form.is_valid():
        services.membership_set_role(membership=membership, role=form.cleaned_data["role"], by=request.user)
        messages.success(
            request,
            _("%(person)s is now “%(role)s” of the workgroup.")
            % {"person": membership.person, "role": membership.get_role_display()},
        )
    else:
        messages.error(request, _("Choose a role."))
    return redirect(reverse("workgroups:manage", args=[slug]) + "#members-title")


@login_required
@require_POST
def member_remove(request, slug, membership_id):
    membership = _membership_of(request, slug, membership_id)
    services.membership_remove(instance=membership, by=request.user)
    messages.success(request, _("%(person)s has left the workgroup.") % {"person": membership.person})
    return redirect(reverse("workgroups:manage", args=[slug]) + "#members-title")


@login_required
@require_POST
def member_add(request, slug):
    workgroup = _led_workgroup(request, slug)
    form = AddMemberForm(request.POST)
    if form.is_valid():
        person = form.cleaned_data["who"]
        try:
            services.workgroup_add_member(
                workgroup=workgroup, person=person, role=form.cleaned_data["role"], by=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("%(person)s is now a member of the workgroup.") % {"person": person})
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(reverse("workgroups:manage", args=[slug]) + "#members-title")


# --- Helpers ------------------------------------------------------------------------------------


def _not_a_member(request, workgroup):
    """403 with the way in: the discussion is for members only, so nothing of it is shown."""
    person = person_of(request.user)
    # An axis coordinator may handle the requests of a workgroup without taking part in it.
    can_moderate = permissions.can_moderate(request.user, workgroup)
    context = {
        "workgroup": workgroup,
        "membership": selectors.membership_of(workgroup, person),
        "has_profile": person is not None,
        "can_manage": permissions.can_manage(request.user, workgroup),
        "can_moderate": can_moderate,
        "pending": list(selectors.pending_requests(workgroup)) if can_moderate else [],
    }
    return render(request, "workgroups/not_member.html", context, status=403)


def _join_request(request, membership_id) -> WorkgroupMembership:
    membership = get_object_or_404(
        WorkgroupMembership.objects.select_related("workgroup__axis", "person__user"), pk=membership_id
    )
    if not permissions.can_moderate(request.user, membership.workgroup):
        raise PermissionDenied(_("Only the workgroup's coordinators handle join requests."))
    return membership


def _send(request, workgroup, form):
    """Posts from the plain form (JavaScript off); the websocket does the same through the same service."""
    try:
        return services.message_send(workgroup=workgroup, by=request.user, body=form.cleaned_data["body"])
    except services.RateLimited as limited:
        form.add_error(
            "body",
            _("You are sending messages too fast: wait %(seconds)d seconds and send again.")
            % {"seconds": max(1, round(limited.retry_after))},
        )
    except ValidationError as error:
        form.add_error("body", error)
    return None


def _positive_int(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def _by_axis_or_club(workgroups) -> list[dict]:
    """Groups an ordered list under its axis or club heading, keeping the order."""
    groups: list[dict] = []
    for workgroup in workgroups:
        if workgroup.axis_id:
            key = ("axis", workgroup.axis_id)
        elif workgroup.club_id:
            key = ("club", workgroup.club_id)
        else:
            key = ("process", workgroup.process_id)
        if not groups or groups[-1]["key"] != key:
            groups.append(
                {
                    "key": key,
                    "axis": workgroup.axis,
                    "club": workgroup.club,
                    "process": workgroup.process if key[0] == "process" else None,
                    "workgroups": [],
                }
            )
        groups[-1]["workgroups"].append(workgroup)
    return groups


def _client_config(workgroup, person, *, can_moderate: bool, handles: list[str], live: bool) -> dict:
    """What room.js needs, read from a json_script tag: its texts are translated here like the page's.

    An older page of history (?before=) is not live: it has no socket, and its form posts normally.
    """
    organisation = person.organisation
    return {
        "live": live,
        "socketPath": f"/ws/workgroups/{workgroup.slug}/",
        "workgroup": workgroup.slug,
        "archived": workgroup.is_archived,
        "me": {
            "id": person.pk,
            "name": str(person),
            "handle": person.handle,
            "organisation": organisation.name if organisation else "",
        },
        "canModerate": can_moderate,
        "editWindowSeconds": int(services.EDIT_WINDOW.total_seconds()),
        "typingIntervalSeconds": 3,
        "typingShownSeconds": 4,
        "maxLength": MESSAGE_MAX_LENGTH,
        "handles": handles,
        "strings": _client_strings(),
    }


def _client_strings() -> dict:
    return {
        "state": {
            "connecting": _("Connecting…"),
            "connected": _("Connected"),
            "reconnecting": _("Connection lost: reconnecting…"),
            "offline": _("Offline: your messages will leave when the connection returns."),
        },
        "closed": {
            str(CLOSE_NOT_SIGNED_IN): _("Your session has ended: sign in again to take part in the discussion."),
            str(CLOSE_FORBIDDEN): _(
                "You are not (or no longer) a member of this workgroup: the discussion is closed for you."
            ),
            str(CLOSE_NOT_FOUND): _("This workgroup no longer exists."),
            str(CLOSE_TOO_MANY_SOCKETS): _(
                "Too many pages of the portal are open with your account: close a few, then reload this one."
            ),
        },
        "edited": _("edited"),
        "removedByAuthor": _("Message deleted by its author"),
        "removedByModerator": _("Message hidden by the coordination"),
        "formerMember": _("Former member"),
        "inReplyTo": _("In reply to an earlier message"),
        "notConnected": _("Not connected right now: try again in a moment."),
        "pending": _("Sending…"),
        "sent": _("Sent"),
        "failed": _("Not sent: %(reason)s"),
        "rateLimited": _("Sending too fast: new attempt in %(seconds)s s."),
        "retry": _("Send again"),
        "discard": _("Discard"),
        "edit": _("Edit"),
        "save": _("Save"),
        "cancel": _("Cancel"),
        "editLabel": _("Edit the message"),
        "delete": _("Delete"),
        "confirmDelete": _("Delete this message? Everybody will see that you deleted it."),
        "hide": _("Hide"),
        "confirmHide": _("Hide this message for everybody?"),
        "typingOne": _("%(name)s is typing…"),
        "typingMany": _("%(names)s are typing…"),
        "loadOlder": _("Show older messages"),
        "loading": _("Loading…"),
        "loadFailed": _("Older messages could not be loaded: try again."),
        "noOlder": _("This is the beginning of the discussion."),
        "tooLong": _("The message is too long (%(length)s characters, at most %(max)s)."),
        "counter": _("%(count)s / %(max)s characters"),
    }


# --- Notification choices (linked from the profile and from every e-mail's footer) ------------------


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request):
    person = person_of(request.user)
    if not permissions.can_set_notifications(request.user, person):
        raise PermissionDenied(_("Your account has no profile yet."))
    memberships = selectors.notification_memberships(person)
    initial = {
        "message_notifications": person.message_notifications,
        "receives_daily_digest": person.receives_daily_digest,
    }
    form = NotificationsForm(request.POST or None, initial=initial, memberships=memberships)
    if request.method == "POST" and form.is_valid():
        try:
            services.notifications_set(
                person=person,
                by=request.user,
                message_notifications=form.cleaned_data["message_notifications"],
                receives_daily_digest=form.cleaned_data["receives_daily_digest"],
                per_workgroup=form.per_workgroup(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your notification choices have been saved."))
            return redirect("notifications:settings")
    return render(request, "workgroups/notification_settings.html", {"form": form})


# --- Meetings, minutes, decisions, tasks, shared files (pages of the room, its members') -----------


class _NotAMember(Exception):
    def __init__(self, response):
        self.response = response


def _room_of(request, slug) -> Workgroup:
    """The workgroup, if the user is an active member (else a 403 with the way in)."""
    workgroup = get_object_or_404(Workgroup.objects.select_related("axis", "club", "process"), slug=slug)
    if not permissions.can_read(request.user, workgroup):
        raise _NotAMember(_not_a_member(request, workgroup))
    return workgroup


def members_only(view):
    """Runs `view(request, workgroup, …)` for the workgroup's active members only."""
    from functools import wraps

    @wraps(view)
    def wrapper(request, slug, *args, **kwargs):
        try:
            workgroup = _room_of(request, slug)
        except _NotAMember as refused:
            return refused.response
        return view(request, workgroup, *args, **kwargs)

    return login_required(wrapper)


def _organised(request, workgroup):
    if not permissions.can_organise(request.user, workgroup):
        raise PermissionDenied(_("Only the workgroup's facilitators and coordinators organise its meetings."))


@members_only
@require_safe
def meetings(request, workgroup):
    """The workgroup's meetings, decisions, open tasks and files, on one page a phone scrolls. Its
    organisers record a decision here too, outside any meeting (a workshop's, in its follow-up room)."""
    can_organise = permissions.can_organise(request.user, workgroup)
    context = {
        "workgroup": workgroup,
        "meetings": selectors.meetings_of(workgroup),
        "decisions": selectors.decisions_of(workgroup),
        "tasks": list(selectors.tasks_of(workgroup)),
        "files": list(selectors.files_of(workgroup)),
        "can_organise": can_organise,
        "decision_form": DecisionForm() if can_organise else None,
        "can_share": permissions.can_share_file(request.user, workgroup),
        "file_form": SharedFileForm(),
        "me": person_of(request.user),
    }
    return render(request, "workgroups/meetings.html", context)


@members_only
@require_http_methods(["GET", "HEAD", "POST"])
def meeting_create(request, workgroup):
    _organised(request, workgroup)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(workgroup=workgroup, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The meeting is planned."))
            return redirect("workgroups:meeting", slug=workgroup.slug, meeting_id=meeting.pk)
    return render(request, "workgroups/meeting_form.html", {"workgroup": workgroup, "form": form})


def _meeting(workgroup, meeting_id):
    meeting = selectors.meeting_of(workgroup, meeting_id)
    if meeting is None:
        raise Http404
    return meeting


@members_only
@require_http_methods(["GET", "HEAD", "POST"])
def meeting_edit(request, workgroup, meeting_id):
    _organised(request, workgroup)
    meeting = _meeting(workgroup, meeting_id)
    initial = {field: getattr(meeting, field) for field in services.MEETING_FIELDS}
    form = MeetingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_update(meeting=meeting, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The meeting is saved."))
            return redirect("workgroups:meeting", slug=workgroup.slug, meeting_id=meeting.pk)
    return render(request, "workgroups/meeting_form.html", {"workgroup": workgroup, "form": form, "meeting": meeting})


@members_only
@require_safe
def meeting(request, workgroup, meeting_id):
    """One meeting: when, where, its agenda, its minutes, what it decided, who does what by when."""
    meeting = _meeting(workgroup, meeting_id)
    can_organise = permissions.can_organise(request.user, workgroup)
    members = list(selectors.members_of(workgroup))
    context = {
        "workgroup": workgroup,
        "meeting": meeting,
        "agenda": [line.strip() for line in meeting.agenda.splitlines() if line.strip()],
        "decisions": list(selectors.decisions_of_meeting(meeting)),
        "tasks": list(selectors.tasks_of(workgroup, meeting)),
        "files": list(selectors.files_of(workgroup, meeting)),
        "can_organise": can_organise,
        "can_share": permissions.can_share_file(request.user, workgroup),
        "me": person_of(request.user),
        "file_form": SharedFileForm(),
    }
    if can_organise:
        context |= {
            "minutes_form": MinutesForm(initial={"text": _minutes_as_text(meeting.minutes)}),
            "decision_form": DecisionForm(),
            "task_form": TaskForm(members=members),
        }
    return render(request, "workgroups/meeting.html", context)


def _minutes_as_text(minutes: str) -> str:
    """The stored minutes back to the plain paragraphs the form edits."""
    import html

    from django.utils.html import strip_tags

    text = (minutes or "").replace("<br/>", "\n").replace("</p>", "\n\n")
    return html.unescape(strip_tags(text)).strip()


@members_only
@require_POST
def meeting_minutes(request, workgroup, meeting_id):
    _organised(request, workgroup)
    meeting = _meeting(workgroup, meeting_id)
    form = MinutesForm(request.POST)
    if form.is_valid():
        services.meeting_write_minutes(meeting=meeting, by=request.user, text=form.cleaned_data["text"])
        messages.success(request, _("The minutes are saved."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(reverse("workgroups:meeting", args=[workgroup.slug, meeting.pk]) + "#minutes-title")


@members_only
@require_POST
def meeting_delete(request, workgroup, meeting_id):
    _organised(request, workgroup)
    services.meeting_delete(meeting=_meeting(workgroup, meeting_id), by=request.user)
    messages.success(request, _("The meeting is deleted; its decisions, tasks and files stay in the workgroup."))
    return redirect("workgroups:meetings", slug=workgroup.slug)


def _optional_meeting(request, workgroup):
    meeting_id = _positive_int(request.POST.get("meeting"))
    return _meeting(workgroup, meeting_id) if meeting_id else None


def _back(workgroup, meeting, anchor: str):
    if meeting is not None:
        return redirect(reverse("workgroups:meeting", args=[workgroup.slug, meeting.pk]) + anchor)
    return redirect(reverse("workgroups:meetings", args=[workgroup.slug]) + anchor)


@members_only
@require_POST
def decision_add(request, workgroup):
    _organised(request, workgroup)
    meeting = _optional_meeting(request, workgroup)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.decision_record(
                workgroup=workgroup, by=request.user, text=form.cleaned_data["text"], meeting=meeting
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The decision is recorded."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return _back(workgroup, meeting, "#decisions-title")


@members_only
@require_POST
def task_add(request, workgroup):
    _organised(request, workgroup)
    meeting = _optional_meeting(request, workgroup)
    form = TaskForm(request.POST, members=list(selectors.members_of(workgroup)))
    if form.is_valid():
        try:
            task = services.task_assign(workgroup=workgroup, by=request.user, meeting=meeting, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The task is given to %(person)s.") % {"person": task.owner})
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return _back(workgroup, meeting, "#tasks-title")


@members_only
@require_POST
def task_done(request, workgroup, task_id):
    task = get_object_or_404(Task.objects.select_related("workgroup", "meeting"), pk=task_id, workgroup=workgroup)
    done = request.POST.get("done", "1") == "1"
    services.task_set_done(task=task, by=request.user, done=done)
    messages.success(request, _("The task is done.") if done else _("The task is open again."))
    return _back(workgroup, task.meeting if request.POST.get("meeting") else None, "#tasks-title")


@members_only
@require_POST
def file_add(request, workgroup):
    meeting = _optional_meeting(request, workgroup)
    if not permissions.can_share_file(request.user, workgroup):
        raise PermissionDenied(_("Only the members of an open workgroup share files in it."))
    form = SharedFileForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.file_share(
                workgroup=workgroup,
                by=request.user,
                file=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
                meeting=meeting,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The file is shared with the workgroup."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return _back(workgroup, meeting, "#files-title")


@members_only
@require_safe
def file_download(request, workgroup, file_id):
    shared = get_object_or_404(SharedFile.objects.select_related("document"), pk=file_id, workgroup=workgroup)
    try:
        handle = shared.document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=shared.document.filename)
    response["X-Content-Type-Options"] = "nosniff"
    # Never kept by a shared cache: a workgroup's files are its members'.
    response["Cache-Control"] = "private, no-store"
    return response


@members_only
@require_POST
def file_remove(request, workgroup, file_id):
    shared = get_object_or_404(
        SharedFile.objects.select_related("document", "meeting"), pk=file_id, workgroup=workgroup
    )
    meeting = shared.meeting if request.POST.get("meeting") else None
    services.file_remove(shared=shared, by=request.user)
    messages.success(request, _("The file is removed."))
    return _back(workgroup, meeting, "#files-title")


# --- Participatory processes ------------------------------------------------------------------------


def _process(request, slug):
    from .models import ParticipatoryProcess

    process = get_object_or_404(ParticipatoryProcess, slug=slug)
    if not permissions.can_view_process(request.user, process):
        raise PermissionDenied
    return process


@login_required
@require_safe
def processes(request):
    return render(request, "workgroups/processes.html", {"processes": selectors.processes()})


@login_required
@require_safe
def process(request, slug):
    """A participatory process as a whole: its diagnosis (the portal's figures and imported tables), its
    events and their attendance, its rooms, and for those running it the rooms' decisions."""
    from . import processes as process_sections

    process = _process(request, slug)
    can_run = permissions.can_run_process(request.user, process)
    context = {
        "process": process,
        "figures": selectors.process_figures(process),
        "tables": list(selectors.process_tables(process)),
        "rooms": selectors.process_rooms(process),
        "process_sections": process_sections.sections(process, request.user),
        "can_run": can_run,
        "decisions": selectors.process_decisions(process) if can_run else [],
        "table_form": ProcessTableForm() if can_run else None,
    }
    return render(request, "workgroups/process.html", context)


@login_required
@require_POST
def process_table_import(request, slug):
    process = _process(request, slug)
    if not permissions.can_run_process(request.user, process):
        raise PermissionDenied(_("Only the people running this process import its tables."))
    form = ProcessTableForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            table = services.process_table_import(
                process=process, by=request.user, file=form.cleaned_data["file"], title=form.cleaned_data["title"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("The table “%(title)s” is imported (%(count)d rows).")
                % {"title": table.title, "count": len(table.rows)},
            )
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(reverse("workgroups:process", args=[process.slug]) + "#diagnosis-title")


@login_required
@require_POST
def process_table_remove(request, slug, table_id):
    from .models import ProcessTable

    process = _process(request, slug)
    table = get_object_or_404(ProcessTable, pk=table_id, process=process)
    services.process_table_remove(table=table, by=request.user)
    messages.success(request, _("The table is removed."))
    return redirect(reverse("workgroups:process", args=[process.slug]) + "#diagnosis-title")
