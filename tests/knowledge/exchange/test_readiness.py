"""Before the morning: the organisers see each firm's sheets against the five and five expected, its
contact and its seat, and remind only the firms behind, by e-mail through the real SMTP path."""

import re

import pytest
from django.urls import reverse

from knowledge.exchange.models import Direction, Registration
from tests.factories import OrganisationFactory

from .conftest import SessionFactory, SheetFactory

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://\S+/bourse/entreprise/[\w-]+/")


@pytest.fixture
def session():
    """Durand is ready (five and five, contact agreed), Leroy has two offers, Martin has no e-mail."""
    session = SessionFactory()
    durand = OrganisationFactory(name="Menuiserie Durand", email="contact@durand.example.org")
    leroy = OrganisationFactory(name="Transports Leroy", email="contact@leroy.example.org")
    martin = OrganisationFactory(name="Garage Martin", email="")
    for _n in range(5):
        SheetFactory(organisation=durand, direction=Direction.OFFER)
        SheetFactory(organisation=durand, direction=Direction.NEED)
    SheetFactory(organisation=leroy, direction=Direction.OFFER)
    SheetFactory(organisation=leroy, direction=Direction.OFFER)
    for firm in (durand, leroy, martin):
        Registration.objects.create(session=session, organisation=firm)
    return session


def agree_contact(client, session, name, django_capture_on_commit_callbacks, smtp):
    """The firm opens its e-mailed link and gives its contact."""
    registration = session.registrations.get(organisation__name=name)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("exchange:links", args=[session.pk]), {"action": "send", "registration": registration.pk})
    smtp.wait_for(1)
    link = "/" + LINK.search(smtp.messages[-1][1].get_content()).group(0).split("/", 3)[3]
    return link


def test_the_readiness_view_and_reminders_to_the_firms_behind_only(
    client, organiser, member, session, smtp, django_capture_on_commit_callbacks
):
    client.force_login(organiser)
    link = agree_contact(client, session, "Menuiserie Durand", django_capture_on_commit_callbacks, smtp)
    anonymous = client.__class__()
    response = anonymous.post(
        link + "contact/", {"name": "Claire Durand", "email": "claire@durand.example.org", "agree": "on"}
    )
    assert response.status_code == 302
    durand = session.registrations.get(organisation__name="Menuiserie Durand")
    assert durand.contact_email == "claire@durand.example.org" and durand.contact_agreed_at is not None

    page = client.get(reverse("exchange:readiness", args=[session.pk])).content.decode()
    assert "2 entreprises sont en retard" in page
    rows = {
        name.split()[1]: page.split(f'<th scope="row">{name}', 1)[1].split("</tr>", 1)[0]
        for name in ("Menuiserie Durand", "Transports Leroy", "Garage Martin")
    }
    assert "5 / 5" in rows["Durand"] and "Prêt" in rows["Durand"]
    assert "2 / 5" in rows["Leroy"] and "0 / 5" in rows["Leroy"] and "En retard" in rows["Leroy"]

    before = len(smtp.messages)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("exchange:readiness", args=[session.pk]))
    smtp.wait_for(before + 1)
    new = smtp.messages[before:]
    assert [recipients for recipients, _message in new] == [["contact@leroy.example.org"]]
    body = new[0][1].get_content()
    assert str(new[0][1]["Subject"]).strip().startswith("Rappel")
    assert "3 offres" in body and "5 besoins" in body and LINK.search(body)
    shown = client.get(response["Location"]).content.decode()
    assert "Garage Martin" in shown and "Un rappel est envoyé à 1 entreprise." in shown

    # Only the session's organisers see it or send reminders.
    client.force_login(member)
    assert client.get(reverse("exchange:readiness", args=[session.pk])).status_code in (403, 404)
    assert client.post(reverse("exchange:readiness", args=[session.pk])).status_code in (403, 404)
