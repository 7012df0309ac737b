"""Answers that must not tell more than the person asking may know: inviting a colleague does not
reveal whether an address already has an account; the survey export is never kept by a cache."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from portal.clubs import services as club_services
from portal.members.models import Invitation
from tests.factories import ClubFactory, UserFactory

pytestmark = pytest.mark.django_db


def _invite(client, inviter, organisation, email, django_capture_on_commit_callbacks):
    client.force_login(inviter)
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(
            reverse("members:organisation_invite", args=[organisation.slug]), {"email": email}, follow=True
        )


def _page_without_address(response, email):
    return response.content.decode().replace(email, "ADDRESS")


def test_inviting_an_address_that_has_an_account_answers_like_any_other(
    client, member, organisation, django_capture_on_commit_callbacks
):
    UserFactory(email="deja@example.org")
    existing = _invite(client, member, organisation, "deja@example.org", django_capture_on_commit_callbacks)
    new = _invite(client, member, organisation, "nouvelle@example.org", django_capture_on_commit_callbacks)
    assert existing.redirect_chain == new.redirect_chain and existing.status_code == new.status_code == 200
    page_existing = _page_without_address(existing, "deja@example.org")
    page_new = _page_without_address(new, "nouvelle@example.org").replace(
        "deja@example.org", "ADDRESS"
    )  # the second page lists both pending invitations
    assert "déjà un compte" not in page_existing and "already has an account" not in page_existing
    assert page_existing.count("ADDRESS") == page_new.count("ADDRESS") - 1
    assert set(Invitation.objects.values_list("email", flat=True)) == {"deja@example.org", "nouvelle@example.org"}
    # The person who has an account is told so by e-mail, with the way in, and gets no link to a second one.
    to_existing, to_new = mail.outbox
    assert to_existing.to == ["deja@example.org"] and to_new.to == ["nouvelle@example.org"]
    assert reverse("members:login") in to_existing.body and reverse("members:password_reset") in to_existing.body
    assert "/invitation/" not in to_existing.body.replace(reverse("members:login"), "")
    assert reverse("members:login") not in to_new.body


def test_the_survey_export_is_never_stored_by_a_cache(client, administrator):
    survey = club_services.survey_open(
        title="Besoins",
        club=ClubFactory(),
        closes_on=datetime.date.today() + datetime.timedelta(days=9),
        by=administrator,
    )
    client.force_login(administrator)
    response = client.get(reverse("club:survey_export", args=[survey.pk]))
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert response["Content-Disposition"].startswith("attachment")
