"""The satisfaction questionnaire after an event: sent by e-mail to the participants (not to those
recorded absent), answered once from its link without an account, summed up for the organisers."""

import re

import pytest
from django.core.exceptions import ValidationError

from cms.events import services
from cms.events.models import EventFeedback, EventPage, EventRegistration
from portal.members import services as member_services
from portal.members.models import PersonRole
from tests.cms.pages import add_event
from tests.factories import UserFactory


@pytest.fixture
def organiser(db):
    user = UserFactory(email="organisatrice@example.org")
    member_services.person_create(user=user, role=PersonRole.ADMINISTRATOR)
    return user


@pytest.fixture
def workshop(agenda):
    """A workshop with four registrants, then held: one was recorded absent."""
    event = add_event(agenda, title="Atelier artisanat", capacity=10)
    for index in range(4):
        services.registration_create(event=event, name=f"Participante {index}", email=f"p{index}@example.org")
    EventRegistration.objects.filter(event=event, email="p3@example.org").update(attended=False)
    EventPage.objects.filter(pk=event.pk).update(start=event.start.replace(year=2020), end=event.end.replace(year=2020))
    return EventPage.objects.get(pk=event.pk)


def test_participants_answer_from_the_e_mailed_link_and_organisers_read_the_summary(
    workshop, organiser, client, smtp, django_capture_on_commit_callbacks
):
    client.force_login(organiser)
    summary_url = workshop.url + workshop.reverse_subpage("feedback_summary")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(summary_url)
    smtp.wait_for(3)
    assert sorted(smtp.recipients()) == ["p0@example.org", "p1@example.org", "p2@example.org"]  # not the absent

    client.logout()
    answers = [(5, 4, "yes", "Très concret, merci."), (3, 2, "no", "")]
    for (_recipients, message), (satisfaction, usefulness, again, comment) in zip(smtp.messages, answers, strict=False):
        link = re.search(r"https?://\S+/avis/\S+/", message.get_body(preferencelist=("plain",)).get_content()).group(0)
        path = link.split("://", 1)[1].split("/", 1)[1]
        response = client.post(f"/{path}", {"satisfaction": satisfaction, "usefulness": usefulness,
                                             "would_return": again, "comment": comment})  # fmt: skip
        assert response.status_code == 200 and "Merci" in response.content.decode()
    # The same link twice: the answer is not counted again.
    response = client.post(f"/{path}", {"satisfaction": 1, "usefulness": 1, "would_return": "no"})
    assert EventFeedback.objects.filter(event=workshop).count() == 2

    client.force_login(organiser)
    html = client.get(summary_url).content.decode()
    assert "2 réponses de 3 participants" in html
    assert "4,0 sur 5" in html  # (5 + 3) / 2
    assert "Très concret, merci." in html

    # A second sending goes only to the one who has not answered.
    smtp.messages.clear()
    smtp.count = 0
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.feedback_request_send(event=workshop, by=organiser)
    assert sent == 1


def test_a_forged_link_finds_nothing_and_an_event_not_over_takes_no_answer(workshop, agenda, client, organiser):
    assert client.get(workshop.url + workshop.reverse_subpage("feedback", args=["forged-token"])).status_code == 404
    coming = add_event(agenda, capacity=5)
    registration = services.registration_create(event=coming, name="Avant", email="avant@example.org")
    with pytest.raises(ValidationError):
        services.feedback_submit(registration=registration, satisfaction=5, usefulness=5, would_return=True)
    with pytest.raises(ValidationError):
        services.feedback_request_send(event=coming, by=organiser)
