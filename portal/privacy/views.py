"""The privacy pages: my consents, my data, deleting my account, the privacy policy. Thin: rules in services."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from portal import exports, identity
from portal.members import permissions as member_permissions
from portal.members.models import Person
from portal.members.services import person_ensure

from . import registry, selectors, services
from .forms import AccountDeleteForm, ConsentForm
from .models import Purpose
from .wording import WORDING


@login_required
def my_data(request):
    person = person_ensure(user=request.user)
    states = selectors.consent_states(person)
    for state in states:
        state["wording"] = WORDING[state["purpose"]]
        state["available"] = state["purpose"] != Purpose.DIRECTORY or bool(person.organisation_id)
    context = {
        "person": person,
        "states": states,
        "organisation": person.organisation,
        "sections": registry.sections(),
    }
    return render(request, "privacy/my_data.html", context)


@login_required
@require_POST
def consent_change(request):
    person = person_ensure(user=request.user)
    form = ConsentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("This choice is not valid: nothing was changed."))
        return redirect("privacy:my_data")
    purpose, action = form.cleaned_data["purpose"], form.cleaned_data["action"]
    label = Purpose(purpose).label
    try:
        if action == "give":
            services.consent_give(person=person, purpose=purpose, by=request.user)
            messages.success(request, _("Consent given: %(purpose)s.") % {"purpose": label})
        else:
            services.consent_withdraw(person=person, purpose=purpose, by=request.user)
            messages.success(request, _("Consent withdrawn, effective at once: %(purpose)s.") % {"purpose": label})
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("privacy:my_data")


@login_required
@require_POST
def download(request):
    person = person_ensure(user=request.user)
    content = services.data_export_zip(person=person, by=request.user)
    return exports.download(content, filename=services.export_filename(person), content_type=exports.ZIP_CONTENT_TYPE)


@login_required
@require_http_methods(["GET", "POST"])
def admin_download(request, person_id):
    """A cluster administrator downloads someone's data (a request made by post, for example): logged.
    POST only: a GET answers the page whose button posts."""
    if not member_permissions.is_administrator(request.user):
        raise PermissionDenied(_("Only cluster administrators can export someone else's data."))
    person = get_object_or_404(Person.objects.select_related("user"), pk=person_id)
    if request.method != "POST":
        return exports.download_confirm_page(
            request, title=_("Personal data of %(name)s") % {"name": person.user.get_full_name() or person}
        )
    content = services.data_export_zip(person=person, by=request.user, request_path=request.get_full_path())
    filename = services.export_filename(person)
    response = exports.download(content, filename=filename, content_type=exports.ZIP_CONTENT_TYPE)
    response.privacy_logged = True  # the service has logged it, with whose data it was
    return response


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request):
    person = person_ensure(user=request.user)
    form = AccountDeleteForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.account_delete(person=person, by=request.user)
        logout(request)
        messages.success(request, _("Your account has been deleted and your personal data erased."))
        return redirect("/")
    return render(request, "privacy/account_delete.html", {"form": form, "sections": registry.sections()})


def privacy_policy(request):
    processings = []
    for processing in registry.processings():
        days = registry.retention_days(processing.retention_setting) if processing.retention_setting else None
        processings.append({"processing": processing, "days": days})
    context = {
        "controller": identity.privacy_controller(),
        "contact_email": settings.PRIVACY_CONTACT_EMAIL,
        "processings": processings,
        "purges": registry.purges(),
        "purposes": [(purpose.label, WORDING[purpose]) for purpose in Purpose],
    }
    return render(request, "privacy/policy.html", context)
