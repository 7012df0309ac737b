"""The member's personal API tokens, from the profile: create (the secret is shown once), list, revoke."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from portal.members.permissions import person_of

from . import permissions, selectors, services
from .forms import TokenForm


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def tokens(request):
    if not permissions.can_hold_tokens(request.user):
        raise PermissionDenied
    person = person_of(request.user)
    secret = None
    if request.method == "POST":
        form = TokenForm(request.POST)
        if form.is_valid():
            token, secret = services.token_create(person=person, name=form.cleaned_data["name"])
            form = TokenForm()
    else:
        form = TokenForm()
    context = {"form": form, "tokens": selectors.tokens_of(person), "secret": secret}
    # The page showing a new secret must not stay in a shared cache or the browser's history.
    return render(request, "api/tokens.html", context)


@login_required
@require_POST
def token_revoke(request, pk: int):
    person = person_of(request.user)
    token = selectors.token_of(person, pk) if person else None
    if token is None or not permissions.can_revoke(request.user, token):
        raise Http404
    services.token_revoke(token=token)
    messages.success(request, _("The token “%(name)s” is revoked: it no longer opens anything.") % {"name": token.name})
    return redirect("api_tokens:list")
