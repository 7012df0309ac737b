"""Public pages of the newsletters: the archive, sign-up with double opt-in, unsubscription. Thin."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from portal.clubs import selectors as club_selectors
from portal.pagination import page_of
from portal.ratelimits import TOO_MANY, over_rate

from . import rendering, selectors, services, tokens
from .forms import SignupForm
from .models import PROSPECTS_KEY

ARCHIVE_PAGE_SIZE = 12


def archive(request):
    page = page_of(request, selectors.archived(request.user), ARCHIVE_PAGE_SIZE)
    return render(request, "newsletters/archive.html", {"page": page})


def issue(request, slug):
    newsletter = selectors.archived_issue(slug, request.user)
    if newsletter is None:
        raise Http404
    # The frozen content was rendered by the portal from the editor's sanitised blocks.
    content = rendering.web_html(newsletter)
    return render(request, "newsletters/issue.html", {"newsletter": newsletter, "content": content})


@require_http_methods(["GET", "POST"])
def signup(request):
    form = SignupForm(request.POST or None)
    if request.method == "POST" and over_rate(request, "newsletter_signup"):
        form.is_valid()
        form.add_error(None, TOO_MANY)
        return render(request, "newsletters/signup.html", {"form": form}, status=429)
    if request.method == "POST" and form.is_valid():
        services.subscriber_signup(email=form.cleaned_data["email"], name=form.cleaned_data["name"])
        return render(request, "newsletters/signup_sent.html", {"email": form.cleaned_data["email"]})
    return render(request, "newsletters/signup.html", {"form": form})


@require_http_methods(["GET", "POST"])
def confirm(request, token):
    if tokens.read_confirm_token(token) is None:
        return render(request, "newsletters/link_invalid.html", status=410)
    if request.method == "POST":
        try:
            services.subscriber_confirm(token=token)
        except ValidationError:
            return render(request, "newsletters/link_invalid.html", status=410)
        return render(request, "newsletters/confirmed.html")
    return render(request, "newsletters/confirm.html")


# Mail clients post the one-click unsubscription (RFC 8058) without any cookie or CSRF token.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    found = tokens.read_unsubscribe_token(token)
    if found is None:
        return render(request, "newsletters/link_invalid.html", status=400)
    email, audience_key = found
    context = {"email": email, "audience": services.audience_label(audience_key),
               "prospecting": audience_key == PROSPECTS_KEY}  # fmt: skip
    if request.method == "POST":
        services.unsubscribe(token=token)
        return render(request, "newsletters/unsubscribed.html", context)
    if context["prospecting"]:
        # Followed again after objecting: the page says it is done (and since when) instead of asking again.
        context["objection"] = club_selectors.address_objection(email)
    return render(request, "newsletters/unsubscribe.html", context)
