"""Member pages of the workgroups: the list, joining and leaving, the discussion room.

Thin: rules live in services, reads in selectors, and every view asks permissions who may do what.
The room works without JavaScript (history pages, a plain form to post); room.js adds the websocket.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from portal.consumers import CLOSE_FORBIDDEN, CLOSE_NOT_FOUND, CLOSE_NOT_SIGNED_IN, CLOSE_TOO_MANY_SOCKETS
from portal.members.permissions import person_of
from portal.pagination import page_of

from . import permissions, selectors, services
from .forms import MessageForm
from .models import MESSAGE_MAX_LENGTH, Workgroup, WorkgroupMembership, WorkgroupMembershipStatus

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
    }
    return render(request, "workgroups/index.html", context)


@login_required
@require_POST
def join(request, slug):
    workgroup = get_object_or_404(Workgroup, slug=slug)
    if permissions.can_read(request.user, workgroup):
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
    was_member = permissions.can_read(request.user, workgroup)
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
    workgroup = get_object_or_404(Workgroup.objects.select_related("axis", "club"), slug=slug)
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
        key = ("axis", workgroup.axis_id) if workgroup.axis_id else ("club", workgroup.club_id)
        if not groups or groups[-1]["key"] != key:
            groups.append({"key": key, "axis": workgroup.axis, "club": workgroup.club, "workgroups": []})
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
