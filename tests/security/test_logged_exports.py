"""Administrators' logged exports are POST only: a link, an image or a prefetch (GET) shows a page
whose button posts (with the CSRF token); only that click exports someone's data, and logs it."""

import pytest
from django.urls import reverse

from portal.privacy.models import ExportAccess
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

URLS = [
    lambda person: reverse("privacy:admin_download", args=[person.pk]),
    lambda person: reverse("organisations:index") + "?export=csv",
    lambda person: reverse("clubs:index") + "?export=xlsx",
]


@pytest.mark.parametrize("url_of", URLS)
def test_a_get_exports_nothing_and_logs_nothing(client, administrator, url_of):
    url = url_of(PersonFactory())
    client.force_login(administrator)
    response = client.get(url)
    assert response.status_code == 200 and "Content-Disposition" not in response
    page = response.content.decode()
    assert 'method="post"' in page and "csrfmiddlewaretoken" in page
    assert not ExportAccess.objects.exists()


@pytest.mark.parametrize("url_of", URLS)
def test_the_post_exports_and_is_logged(client, administrator, url_of):
    url = url_of(PersonFactory())
    client.force_login(administrator)
    response = client.post(url)
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert ExportAccess.objects.filter(user=administrator).count() == 1


def test_the_post_needs_the_csrf_token(administrator):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(administrator)
    assert client.post(reverse("privacy:admin_download", args=[PersonFactory().pk])).status_code == 403
    assert client.post(reverse("organisations:index") + "?export=csv").status_code == 403
    assert not ExportAccess.objects.exists()
