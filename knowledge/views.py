"""The best-practice pages: the library with its filters, a record, the member form, the review actions.

Thin: rules live in services and permissions, reads in selectors.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

import search
from portal.forms import add_service_errors
from portal.members.permissions import person_of
from portal.pagination import page_of, query_string
from workgroups import permissions as workgroup_permissions
from workgroups import selectors as workgroup_selectors
from workgroups.models import Axis, Workgroup

from . import permissions, selectors, services
from .forms import AdoptionForm, AttachmentForm, BestPracticeForm, DiscussionPromotionForm, ReviewForm
from .models import BestPractice, BestPracticeStatus

PAGE_SIZE = 12


@require_safe
def index(request):
    axis = Axis.objects.filter(slug=request.GET.get("axe", "")).first()
    kind = request.GET.get("type", "")
    kind = kind if kind in selectors.KIND_FILTERS else ""
    tag = request.GET.get("tag", "")[:100]
    records = selectors.visible_best_practices(request.user, axis=axis, kind=kind, tag=tag)
    page = page_of(request, records, PAGE_SIZE)
    query = {key: value for key, value in (("axe", axis.slug if axis else ""), ("type", kind), ("tag", tag)) if value}
    context = {
        "page": page,
        "axes": selectors.axes_with_records(request.user),
        "tags": selectors.tags_in_use(request.user),
        "kinds": [(sector.value, sector.label) for sector in selectors.KIND_FILTERS],
        "selected": {"axis": axis, "kind": kind, "tag": tag},
        "query_string": query_string(query),
        "can_contribute": person_of(request.user) is not None and person_of(request.user).organisation_id is not None,
        "to_review": selectors.records_to_review(request.user).count() if request.user.is_authenticated else 0,
        "can_see_transfers": permissions.can_view_transfers(request.user),
    }
    return render(request, "knowledge/index.html", context)


@require_safe
def detail(request, slug):
    record = selectors.best_practice_for(request.user, slug)
    if record is None:
        published = BestPractice.objects.filter(slug=slug, status=BestPracticeStatus.PUBLISHED)
        if not request.user.is_authenticated and published.exists():
            return redirect(f"{_login_url()}?next={request.path}")
        raise Http404
    user = request.user
    can_see_history = permissions.is_contributor(user, record) or permissions.is_reviewer(user, record)
    person = person_of(user)
    context = {
        "record": record,
        "figures": record.figures.all(),
        "partners": record.partners.order_by("name"),
        "attachments": record.attachments.order_by("title"),
        "attachment_form": AttachmentForm() if permissions.can_edit(user, record) else None,
        "adoptions": record.adoptions.select_related("organisation"),
        "already_adopted": bool(person and record.adoptions.filter(organisation_id=person.organisation_id).exists()),
        "similar": search.more_like_this("best_practice", record.pk, user=user) if record.is_published else [],
        "revisions": record.revisions.select_related("author__user")[:20] if can_see_history else [],
        "can": {
            "edit": permissions.can_edit(user, record),
            "submit": permissions.can_submit(user, record),
            "publish": permissions.can_publish(user, record),
            "request_changes": permissions.can_request_changes(user, record),
            "archive": permissions.can_archive(user, record),
            "adopt": permissions.can_adopt(user, record),
        },
        "review_form": ReviewForm(),
        "adoption_form": AdoptionForm(),
    }
    return render(request, "knowledge/detail.html", context)


def _login_url() -> str:
    return resolve_url(settings.LOGIN_URL)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def create(request):
    person = person_of(request.user)
    if person is None or person.organisation is None:
        raise PermissionDenied(_("Your account belongs to no organisation."))
    form = BestPracticeForm(request.POST or None, organisation=person.organisation, initial={"contact": person.pk})
    if request.method == "POST" and form.is_valid():
        try:
            record = services.best_practice_create(
                by=request.user, organisation=person.organisation, **form.service_arguments()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your draft is saved. Submit it for review when it is ready."))
            return redirect(record)
    return render(request, "knowledge/form.html", {"form": form, "record": None})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def edit(request, slug):
    record = get_object_or_404(BestPractice.objects.select_related("organisation", "axis"), slug=slug)
    if not permissions.can_edit(request.user, record):
        raise PermissionDenied(_("You cannot edit this best practice."))
    form = BestPracticeForm(
        request.POST or None, organisation=record.organisation, initial=BestPracticeForm.initial_for(record)
    )
    if request.method == "POST" and form.is_valid():
        was_published = record.is_published
        try:
            services.best_practice_update(record=record, by=request.user, **form.service_arguments())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if was_published and record.status == BestPracticeStatus.SUBMITTED:
                messages.success(
                    request,
                    _(
                        "Your changes are saved. Moved to another axis, the record waits for the review of that "
                        "axis's coordinators."
                    ),
                )
            else:
                messages.success(request, _("Your changes are saved."))
            # Moved to an axis the user does not review, the record may no longer be hers to see.
            return redirect(record if permissions.can_view(request.user, record) else "knowledge:review")
    return render(request, "knowledge/form.html", {"form": form, "record": record})


TRANSITIONS = {
    "submit": (services.best_practice_submit, gettext_lazy("Submitted: the coordinators of the axis will review it.")),
    "publish": (services.best_practice_publish, gettext_lazy("Published: it can now be found in the library.")),
    "archive": (
        services.best_practice_archive,
        gettext_lazy("Archived: it no longer appears in the library or the search."),
    ),
}


@login_required
@require_POST
def transition(request, slug, action):
    record = get_object_or_404(BestPractice.objects.select_related("axis", "organisation"), slug=slug)
    try:
        if action == "request_changes":
            form = ReviewForm(request.POST)
            form.is_valid()
            services.best_practice_request_changes(record=record, by=request.user, note=form.cleaned_data["note"])
            messages.success(request, _("Sent back to its authors with your note."))
        elif action in TRANSITIONS:
            service, done = TRANSITIONS[action]
            service(record=record, by=request.user)
            messages.success(request, str(done))
        else:
            raise Http404
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(record)


@login_required
@require_POST
def adopt(request, slug):
    record = get_object_or_404(BestPractice, slug=slug)
    form = AdoptionForm(request.POST)
    form.is_valid()
    try:
        services.best_practice_adopt(record=record, by=request.user, comment=form.cleaned_data.get("comment", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Thank you: your organisation now appears among those that adopted it."))
    return redirect(record)


@login_required
@require_safe
def review(request):
    """The records waiting for the coordinator's review, and the records of my organisation."""
    return render(
        request,
        "knowledge/review.html",
        {
            "to_review": selectors.records_to_review(request.user),
            "mine": selectors.records_of_my_organisation(request.user),
        },
    )


@login_required
@require_safe
def transfers(request):
    """The SSE ↔ classic transfer dashboard: adoption marks per year and per axis."""
    if not permissions.can_view_transfers(request.user):
        raise PermissionDenied(_("Only axis coordinators and administrators can see the transfer dashboard."))
    axis = Axis.objects.filter(slug=request.GET.get("axe", "")[:100]).first()
    year = request.GET.get("annee", "")
    year = int(year) if year.isdigit() and len(year) == 4 else None
    data = selectors.adoption_transfers(axis=axis, year=year)
    flows = [
        (_("SSE → classic firm"), "sse-classic"),
        (_("Classic firm → SSE"), "classic-sse"),
        (_("SSE → SSE"), "sse-sse"),
        (_("Classic firm → classic firm"), "classic-classic"),
    ]
    widest = data.widest or 1
    chart = [
        (row, [(flows[i][1], n, round(100 * n / widest, 1)) for i, n in enumerate(row.counts)]) for row in data.by_year
    ]
    context = {
        "data": data,
        "flows": flows,
        "chart": chart,
        "axes": Axis.objects.order_by("number"),
        "selected": {"axis": axis, "year": year},
    }
    return render(request, "knowledge/transfers.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def promote_discussion(request, workgroup_slug):
    """Members of a workgroup choose messages of its discussion to start a best-practice draft."""
    workgroup = get_object_or_404(Workgroup.objects.select_related("axis"), slug=workgroup_slug)
    if not workgroup_permissions.can_read(request.user, workgroup):
        raise PermissionDenied(_("You are not a member of this workgroup."))
    person = person_of(request.user)
    if person.organisation_id is None:
        raise PermissionDenied(_("Your account belongs to no organisation."))
    before = request.GET.get("before", "")
    before = int(before) if before.isdigit() and len(before) < 10 else None
    history, has_older = workgroup_selectors.history_page(workgroup, before)
    history = [message for message in history if not message.is_removed]
    form = DiscussionPromotionForm(request.POST or None, history=history)
    if request.method == "POST" and form.is_valid():
        try:
            record = services.best_practice_from_discussion(
                workgroup=workgroup,
                by=request.user,
                title=form.cleaned_data["title"],
                sequences=form.cleaned_data["messages"],
                axis=form.cleaned_data["axis"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("Your draft quotes the chosen messages. Complete it, then submit it for review.")
            )
            return redirect("knowledge:edit", slug=record.slug)
    context = {
        "workgroup": workgroup,
        "history": history,
        "has_older": has_older,
        "oldest": history[0].sequence if history else None,
        "is_history_page": before is not None,
        "form": form,
        "chosen": {str(value) for value in (form["messages"].value() or [])},
    }
    return render(request, "knowledge/promote.html", context)


# --- Attachments ----------------------------------------------------------------------------------


@require_safe
def attachment(request, slug, document_id):
    """Downloads an attachment if the record may be read (members-only and draft records included)."""
    record = selectors.best_practice_for(request.user, slug)
    if record is None:
        if not request.user.is_authenticated and BestPractice.objects.filter(slug=slug).exists():
            return redirect(f"{_login_url()}?next={request.path}")
        raise Http404
    document = get_object_or_404(record.attachments, pk=document_id)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=document.filename)
    response["X-Content-Type-Options"] = "nosniff"
    # Never kept by a shared cache: what a member may download, a visitor may not.
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def attach(request, slug):
    record = get_object_or_404(BestPractice, slug=slug)
    if not permissions.can_edit(request.user, record):
        raise PermissionDenied(_("You cannot edit this best practice."))
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.best_practice_attach(
                record=record, by=request.user, file=form.cleaned_data["file"], title=form.cleaned_data["title"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The document is attached."))
            return redirect(record)
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(record.get_absolute_url() + "#attachments")


@login_required
@require_POST
def detach(request, slug, document_id):
    record = get_object_or_404(BestPractice, slug=slug)
    document = get_object_or_404(record.attachments, pk=document_id)
    services.best_practice_detach(record=record, by=request.user, document=document)
    messages.success(request, _("The document is removed."))
    return redirect(record.get_absolute_url() + "#attachments")
