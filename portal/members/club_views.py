"""Pages of the clubs' life: public club pages, and the organisers' tools (stage, merger, imports,
prospects, surveys, growth). Thin: rules in clubs.py, imports.py, surveys.py, growth.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from . import clubs as club_rules
from . import permissions
from .club_forms import MergeForm, StageForm
from .models import Club


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _require(check, user, message):
    if not user.is_authenticated:
        return False
    if not check(user):
        raise PermissionDenied(message)
    return True


# --- Clubs --------------------------------------------------------------------------------------


@require_safe
def club_list(request):
    return render(
        request,
        "members/clubs/club_list.html",
        {"clubs": club_rules.active_clubs(), "can_organise": permissions.can_organise_clubs(request.user)},
    )


@require_safe
def club_detail(request, slug):
    club = get_object_or_404(Club.objects.select_related("zone", "merged_into"), slug=slug)
    if club.is_merged:
        # The absorbed club's address keeps working: it leads to the club that carries it on.
        return redirect("club:detail", slug=club_rules.current_club(club).slug, permanent=True)
    can_organise = permissions.can_organise_clubs(request.user)
    context = {
        "club": club,
        "timeline": club_rules.stage_timeline(club),
        "history": club_rules.club_history(club),
        "board": club_rules.club_board(club),
        "commissions": club_rules.club_commissions(club),
        "absorbed": club.absorbed_clubs.order_by("merged_on"),
        "other_zones": club.other_zones.order_by("name"),
        "member_count": club_rules.club_member_count(club),
        "can_organise": can_organise,
        "can_merge": permissions.can_merge_clubs(request.user),
        "stage_form": StageForm(initial={"stage": club.stage}) if can_organise else None,
    }
    return render(request, "members/clubs/club_detail.html", context)


@login_required
@require_POST
def club_stage(request, slug):
    club = get_object_or_404(Club, slug=slug)
    if not permissions.can_organise_clubs(request.user):
        raise PermissionDenied(_("Only organisers and administrators change a club's stage."))
    form = StageForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The stage was not changed: check the stage and the date."))
        return redirect("club:detail", slug=club.slug)
    try:
        club_rules.club_set_stage(club=club, by=request.user, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("“%(club)s” is now at the stage “%(stage)s”.")
                         % {"club": club.name, "stage": club.get_stage_display()})  # fmt: skip
    return redirect("club:detail", slug=club.slug)


@login_required
@require_http_methods(["GET", "POST"])
def club_merge(request, slug):
    into = get_object_or_404(Club, slug=slug, merged_into__isnull=True)
    if not permissions.can_merge_clubs(request.user):
        raise PermissionDenied(_("Only cluster administrators merge clubs."))
    form = MergeForm(request.POST or None, into=into)
    if request.method == "POST" and form.is_valid():
        absorbed = form.cleaned_data["absorbed"]
        try:
            club_rules.club_merge(
                absorbed=absorbed, into=into, by=request.user, merged_on=form.cleaned_data["merged_on"]
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(
                request, _("“%(absorbed)s” has joined “%(into)s”.") % {"absorbed": absorbed.name, "into": into.name}
            )
            return redirect("club:detail", slug=into.slug)
    return render(request, "members/clubs/club_merge.html", {"club": into, "form": form})
