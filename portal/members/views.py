"""Account pages: profile, own organisation, invitations. Thin: rules live in services."""

from allauth.decorators import rate_limit
from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from portal.forms import add_service_errors
from portal.outside import company_register
from portal.outside.http import ServiceDown
from portal.privacy import services as privacy_services
from portal.privacy import wording as privacy_wording
from portal.privacy.models import Purpose

from . import permissions, selectors, services
from .forms import InvitationAcceptForm, InvitationForm, OrganisationForm, ProfileForm
from .models import Organisation, PersonRole
from .validators import validate_siret


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    person = services.person_ensure(user=request.user)
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            services.person_update_profile(person=person, by=request.user, **form.cleaned_data)
            messages.success(request, _("Your profile has been updated."))
            return redirect("members:profile")
    else:
        form = ProfileForm(
            initial={
                "first_name": request.user.first_name,
                "last_name": request.user.last_name,
                "job_title": person.job_title,
                "phone": person.phone,
            }
        )
    organisation = person.organisation
    context = {
        "person": person,
        "form": form,
        "organisation": organisation,
        "memberships": selectors.organisation_memberships(organisation) if organisation else [],
        "colleagues": selectors.organisation_people(organisation).exclude(pk=person.pk) if organisation else [],
        "can_edit_organisation": bool(organisation and permissions.can_edit_organisation(request.user, organisation)),
        "two_factor_on": is_mfa_enabled(request.user),
        "two_factor_required": permissions.must_use_two_factor(request.user),
    }
    return render(request, "members/profile.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def organisation_edit(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    if not permissions.can_edit_organisation(request.user, organisation):
        raise PermissionDenied(_("You can only edit your own organisation."))
    form = OrganisationForm(request.POST or None, instance=organisation)
    form.fields["in_public_directory"].help_text = privacy_wording.wording(Purpose.DIRECTORY)
    if request.method == "POST" and form.is_valid():
        details = dict(form.cleaned_data)
        listed = details.pop("in_public_directory")
        try:
            with transaction.atomic():
                services.organisation_update(organisation=organisation, by=request.user, **details)
                privacy_services.directory_listing_set(organisation=organisation, listed=listed, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The organisation's details have been saved."))
            return redirect("members:profile")
    return render(request, "members/organisation_edit.html", {"form": form, "organisation": organisation})


@login_required
@require_http_methods(["GET", "POST"])
def organisation_invite(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    if not permissions.can_invite_to(request.user, organisation):
        raise PermissionDenied(_("You can only invite people to your own organisation."))
    can_grant_roles = permissions.is_administrator(request.user)
    form = InvitationForm(request.POST or None, can_grant_roles=can_grant_roles)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_create(
                email=form.cleaned_data["email"],
                organisation=organisation,
                role=form.cleaned_data.get("role", PersonRole.MEMBER),
                by=request.user,
                base_url=request.build_absolute_uri("/"),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("An invitation has been sent to %(email)s.") % {"email": invitation.email})
            return redirect("members:organisation_invite", slug=organisation.slug)
    pending = organisation.invitations.filter(accepted_at__isnull=True).order_by("-created_at")[:20]
    return render(
        request, "members/organisation_invite.html", {"form": form, "organisation": organisation, "pending": pending}
    )


@require_http_methods(["GET", "POST"])
def invitation_accept(request, token):
    invitation = services.invitation_from_token(token)
    if invitation is None:
        return render(request, "members/invitation_invalid.html", status=410)
    form = InvitationAcceptForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(
                token=token,
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                password=form.cleaned_data["password1"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome! Your account is ready."))
            return redirect("members:profile")
    return render(request, "members/invitation_accept.html", {"form": form, "invitation": invitation})


MAX_LOOKUP_QUERY = 100


@require_safe
def register_lookup(request):
    """The company register's firms for ?q= (a SIRET or a name), for the organisation form's filler
    (members/register-lookup.js): {"results": [...]}; 400 for a query it cannot search, 503 with the
    reason when the register does not answer. One GET answering a short list: a plain JsonResponse,
    as the search suggestions, rather than an API framework's router for it."""
    if not permissions.can_lookup_register(request.user):
        message = _("Sign in with an account that may edit an organisation to search the company register.")
        return JsonResponse({"error": message}, status=403)
    query = company_register.normalise_query(request.GET.get("q", ""))
    if len(query) < company_register.MIN_QUERY_LENGTH or len(query) > MAX_LOOKUP_QUERY:
        return JsonResponse({"error": _("Type a SIRET (14 digits) or at least three letters of the name.")}, status=400)
    if company_register.SIRET_PATTERN.match(query):
        try:
            validate_siret(query)
        except ValidationError as error:
            return JsonResponse({"error": " ".join(error.messages)}, status=400)
    return register_lookup_answer(query)


def register_lookup_answer(query: str) -> JsonResponse:
    """The register's firms for a query already checked, as the lookup box reads them (also the public
    join form's, portal.clubs.views.join_register_lookup): 503 with the reason when it is down."""
    try:
        results = selectors.register_lookup(query)
    except ServiceDown as down:
        return JsonResponse({"error": down.message}, status=503)
    response = JsonResponse({"results": results})
    response["Cache-Control"] = "private, no-store"
    return response


# Reset links e-mailed before the portal moved to allauth (Django's token), throttled like allauth's.
legacy_password_reset_confirm = rate_limit(action="reset_password_from_key")(
    auth_views.PasswordResetConfirmView.as_view(
        template_name="members/password_reset_confirm.html",
        success_url=reverse_lazy("members:password_reset_complete"),
    )
)


def admin_login_redirect(request):
    """The Wagtail admin's sign-in page leads to the site's (throttled, with the second factor), `next` kept.

    A POST is answered the same way: credentials sent to the old page are never checked."""
    url = reverse("members:login")
    next_url = request.GET.get(REDIRECT_FIELD_NAME)
    if next_url:
        url += "?" + urlencode({REDIRECT_FIELD_NAME: next_url})
    return redirect(url)


def admin_password_reset_redirect(request):
    return redirect("members:password_reset")


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def calendar_address(request):
    """The secret address of my own calendar: made or renewed here, shown once (only its hash is kept)."""
    person = services.person_ensure(user=request.user)
    address = None
    if request.method == "POST":
        token = services.calendar_address_renew(person=person, by=request.user)
        address = request.build_absolute_uri(reverse("personal_calendar_ics", args=[token]))
    context = {"address": address, "made_at": selectors.calendar_address_made_at(person)}
    # The page showing the address must not stay in a shared cache or the browser's history.
    return render(request, "members/calendar_address.html", context)


def _sso(view, request, provider_id):
    """allauth's OpenID Connect `view`; a provider that does not answer (its discovery document, say) is
    said in French on the sign-in page, nothing changed (allauth's own errors go through
    portal.members.adapters.SocialAccountAdapter.on_authentication_error)."""
    import logging

    import requests
    from allauth.socialaccount.adapter import get_adapter as get_social_adapter
    from allauth.socialaccount.models import SocialApp

    from .adapters import sign_in_failed_message

    try:
        return view(request, provider_id)
    except (requests.RequestException, ValueError, KeyError) as error:
        try:
            name = get_social_adapter().get_provider(request, provider_id).name
        except SocialApp.DoesNotExist:
            raise Http404 from None
        logging.getLogger("portal.accounts").warning("Single sign-on through %s unreachable: %r", name, error)
        messages.error(request, sign_in_failed_message(name))
        return redirect("members:login")


@require_http_methods(["POST"])
def sso_login(request, provider_id):
    """Leaves for the identity provider, on a POST from the sign-in page's button."""
    from . import sso

    return _sso(sso.login, request, provider_id)


@require_safe
def sso_callback(request, provider_id):
    """Back from the identity provider: the code exchanged for the person's identity, then signed in."""
    from . import sso

    return _sso(sso.callback, request, provider_id)
