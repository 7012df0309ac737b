"""Campaign invitations: a campaign invites its firms to an event, a Bourse session or a needs survey;
each firm gets its own link by e-mail (checked on a real SMTP server), the campaign sees who opened it
and who registered or answered, and the reminders go only to those who did not act, on the schedule
the animator set, never twice a day, never after the event."""

import datetime
import html
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import resolve, reverse
from django.utils import timezone

from cms.events import services as event_services
from cms.events.models import EventIndexPage, EventPage
from cms.models import HomePage
from knowledge.exchange import services as exchange_services
from knowledge.exchange.models import ExchangeSession
from portal.clubs import selectors as club_selectors
from portal.clubs import services as club_services
from portal.clubs.models import CampaignTarget, Survey, SurveyInvitation
from tests.cms.newsletters.smtp import Recorder, SmtpServer
from tests.cms.pages import add_event, add_page
from tests.factories import ClubFactory, OrganisationFactory, PersonFactory, ZoneFactory

from .test_prospect_files import another_animator

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://\S+/campagnes/\d+/lien/\S+/")


@pytest.fixture
def smtp(settings):
    server = SmtpServer(Recorder()).start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield server.handler
    server.stop()


@pytest.fixture
def agenda(db):
    return add_page(HomePage.objects.get(), EventIndexPage, title="Agenda")


@pytest.fixture
def park(agenda):
    """The Tanneries club, its animator Claire, four prospects (one without an e-mail address) and a
    breakfast on the agenda in three weeks."""
    zone = ZoneFactory(name="Parc des Tanneries")
    club = ClubFactory(zone=zone, name="Club des Tanneries")
    claire = another_animator(club)
    firms = {
        name: OrganisationFactory(zone=zone, name=name, email=email, phone="04 78 00 00 01")
        for name, email in [
            ("Atelier Durand", "contact@durand.example"),
            ("Boulangerie Martin", "bonjour@martin.example"),
            ("Garage du Pont", "garage@pont.example"),
            ("Imprimerie Roy", ""),
        ]
    }
    campaign = club_services.campaign_create(
        club=club, zone=zone, title="Petit-déjeuner de rentrée", kind="mailing", by=claire, assignees=[claire]
    )
    breakfast = add_event(agenda, days=21, title="Petit-déjeuner des Tanneries", capacity=40)
    return {"zone": zone, "club": club, "claire": claire, "firms": firms, "campaign": campaign, "event": breakfast}


def invite(park, *, kind="event", invite_id=None, days=(7, 14), most=2):
    return club_services.campaign_set_invitation(
        campaign=park["campaign"], by=park["claire"], invite_kind=kind,
        invite_id=invite_id or park["event"].pk, reminder_days=list(days), reminder_max=most,
    )  # fmt: skip


def send(park, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return club_services.campaign_send_invitations(campaign=park["campaign"], by=park["claire"])


def links_by_recipient(recorder) -> dict[str, str]:
    return {rcpt[0]: LINK.search(message.get_content()).group(0) for rcpt, message in recorder.messages}


def target(park, name) -> CampaignTarget:
    return CampaignTarget.objects.get(campaign=park["campaign"], organisation=park["firms"][name])


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def test_each_firm_with_an_address_gets_its_own_link_the_others_are_to_call(
    park, smtp, django_capture_on_commit_callbacks
):
    invite(park)
    assert send(park, django_capture_on_commit_callbacks) == 3
    links = links_by_recipient(smtp)
    assert sorted(links) == ["bonjour@martin.example", "contact@durand.example", "garage@pont.example"]
    assert len(set(links.values())) == 3
    subject = smtp.messages[0][1]["Subject"]
    assert "Petit-déjeuner des Tanneries" in subject
    funnel = club_selectors.campaign_invitation_funnel(park["campaign"])
    assert (funnel.total, funnel.sent, funnel.opened, funnel.acted, funnel.without_email) == (4, 3, 0, 0, 1)
    to_call = club_selectors.campaign_targets(park["campaign"], result=club_selectors.TO_CALL)
    assert [t.organisation.name for t in to_call][0] == "Imprimerie Roy"  # no address: the first to call
    # Sending again sends nothing twice.
    assert send(park, django_capture_on_commit_callbacks) == 0
    assert len(smtp.messages) == 3


def test_reminders_go_only_to_the_firms_that_did_not_act(park, smtp, django_capture_on_commit_callbacks):
    invite(park)
    send(park, django_capture_on_commit_callbacks)
    links = links_by_recipient(smtp)
    # Durand follows its link and registers on the event's page; Martin only opens it; the garage does nothing.
    visitor = Client()
    response = visitor.get(path_of(links["contact@durand.example"]))
    assert response.status_code == 302 and response.url == park["event"].get_url()
    response = visitor.post(park["event"].get_url(), {"name": "Paul Durand", "email": "paul@durand.example"})
    assert response.status_code == 302
    Client().get(path_of(links["bonjour@martin.example"]))
    assert target(park, "Atelier Durand").acted_at is not None
    assert target(park, "Boulangerie Martin").opened_at is not None
    assert target(park, "Boulangerie Martin").acted_at is None

    smtp.messages.clear()
    sent_on = timezone.localdate()
    assert club_services.campaign_reminders_send(today=sent_on + datetime.timedelta(days=3)) == 0  # not due yet
    assert club_services.campaign_reminders_send(today=sent_on + datetime.timedelta(days=7)) == 2
    assert sorted(r for rcpt, _m in smtp.messages for r in rcpt) == ["bonjour@martin.example", "garage@pont.example"]
    assert "Reminder" in smtp.messages[0][1]["Subject"] or "Relance" in smtp.messages[0][1]["Subject"]
    # Never twice the same day, whatever runs it again (the button included).
    assert club_services.campaign_reminders_send(today=sent_on + datetime.timedelta(days=7)) == 0
    assert club_services.campaign_reminders_send(today=sent_on + datetime.timedelta(days=14)) == 2
    assert club_services.campaign_reminders_send(today=sent_on + datetime.timedelta(days=20)) == 0  # two at most
    assert len(smtp.messages) == 4
    assert target(park, "Garage du Pont").reminder_count == 2
    funnel = club_selectors.campaign_invitation_funnel(park["campaign"])
    assert [count for _label, count, _share in funnel.steps] == [3, 2, 1, 0]


def test_remind_now_and_never_after_the_event(park, smtp, django_capture_on_commit_callbacks):
    invite(park, days=(7,), most=3)
    send(park, django_capture_on_commit_callbacks)
    smtp.messages.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert club_services.campaign_remind_now(campaign=park["campaign"], by=park["claire"]) == 3
    assert len(smtp.messages) == 3
    with django_capture_on_commit_callbacks(execute=True):
        assert club_services.campaign_remind_now(campaign=park["campaign"], by=park["claire"]) == 0  # today already
    past = timezone.now() - datetime.timedelta(days=1)
    EventPage.objects.filter(pk=park["event"].pk).update(start=past, end=past + datetime.timedelta(hours=2))
    call_command("send_campaign_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert club_services.campaign_reminders_send(today=timezone.localdate() + datetime.timedelta(days=8)) == 0
    assert len(smtp.messages) == 3
    with pytest.raises(ValidationError):
        club_services.campaign_remind_now(campaign=park["campaign"], by=park["claire"])


def test_a_survey_answered_through_the_link_counts_as_answered(park, smtp, django_capture_on_commit_callbacks):
    survey = Survey.objects.create(
        title="Vos besoins 2026", club=park["club"], closes_on=timezone.localdate() + datetime.timedelta(days=30)
    )
    invite(park, kind="survey", invite_id=survey.pk)
    send(park, django_capture_on_commit_callbacks)
    visitor = Client()
    response = visitor.get(path_of(links_by_recipient(smtp)["garage@pont.example"]))
    assert response.status_code == 302 and "/repondre/" in response.url
    answered = visitor.post(response.url, {"importance_signage": "2", "free_text": ""})
    assert answered.status_code == 200
    assert target(park, "Garage du Pont").acted_at is not None
    funnel = club_selectors.campaign_invitation_funnel(park["campaign"])
    assert (funnel.acted, funnel.acted_label) == (1, "Ont répondu")


def test_opening_a_survey_link_writes_nothing_the_invitation_is_made_when_sent(
    park, smtp, django_capture_on_commit_callbacks
):
    """Each invited firm's questionnaire exists from the sending: a GET on its link (a mail scanner
    following every link, say) creates nothing; the link leads to the firm's own questionnaire."""
    survey = Survey.objects.create(
        title="Vos besoins 2026", club=park["club"], closes_on=timezone.localdate() + datetime.timedelta(days=30)
    )
    invite(park, kind="survey", invite_id=survey.pk)
    send(park, django_capture_on_commit_callbacks)
    invited = SurveyInvitation.objects.filter(survey=survey)
    assert sorted(invited.values_list("organisation__name", flat=True)) == [
        "Atelier Durand", "Boulangerie Martin", "Garage du Pont"
    ]  # fmt: skip
    made = {invitation.pk: invitation.nonce for invitation in invited}
    response = Client().get(path_of(links_by_recipient(smtp)["garage@pont.example"]))
    assert response.status_code == 302
    garage = invited.get(organisation=park["firms"]["Garage du Pont"])
    # The token carries its signing time, so the one in the link is compared by what it stands for.
    answer = resolve(response.url)
    assert answer.view_name == "club:survey_answer"
    assert club_services.invitation_from_token(answer.kwargs["token"]) == garage
    assert {invitation.pk: invitation.nonce for invitation in invited} == made  # nothing written


def test_an_older_survey_link_still_opens_its_questionnaire_after_a_confirmation(
    park, smtp, django_capture_on_commit_callbacks
):
    """A link e-mailed before the invitations were made at the sending: the GET asks the firm to open
    its questionnaire (a button, nothing written); the POST makes it and leads there."""
    survey = Survey.objects.create(
        title="Vos besoins 2026", club=park["club"], closes_on=timezone.localdate() + datetime.timedelta(days=30)
    )
    invite(park, kind="survey", invite_id=survey.pk)
    send(park, django_capture_on_commit_callbacks)
    SurveyInvitation.objects.all().delete()  # as those links were sent
    visitor = Client(enforce_csrf_checks=True)
    link = path_of(links_by_recipient(smtp)["garage@pont.example"])
    page = visitor.get(link)
    assert page.status_code == 200 and "Ouvrir le questionnaire" in page.content.decode()
    assert not SurveyInvitation.objects.exists()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    response = visitor.post(link, {"csrfmiddlewaretoken": token})
    assert response.status_code == 302 and "/repondre/" in response.url
    assert SurveyInvitation.objects.get().organisation == park["firms"]["Garage du Pont"]
    assert visitor.post(link, {"csrfmiddlewaretoken": token}).url == response.url  # never a second one
    assert SurveyInvitation.objects.count() == 1
    answered = visitor.post(response.url, {"importance_signage": "2", "free_text": "", "csrfmiddlewaretoken": token})
    assert answered.status_code == 200 and target(park, "Garage du Pont").acted_at is not None


def test_a_bourse_session_registration_counts_as_registered(park, smtp, django_capture_on_commit_callbacks):
    session = ExchangeSession.objects.create(
        title="Bourse d'automne", date=timezone.localdate() + datetime.timedelta(days=20), venue="SCOP La Fabrique",
        club=park["club"],
    )  # fmt: skip
    add_event(park["event"].get_parent(), days=20, title="Bourse d'automne", exchange_session=session)
    invite(park, kind="session", invite_id=session.pk)
    send(park, django_capture_on_commit_callbacks)
    durand = park["firms"]["Atelier Durand"]
    durand.siret = "73282932000074"
    durand.save()
    exchange_services.registration_by_firm(
        session=session, name="Atelier Durand", siret="73282932000074", contact_name="Paul Durand",
        contact_email="paul@durand.example", base_url="http://testserver/",
    )  # fmt: skip
    assert target(park, "Atelier Durand").acted_at is not None
    assert target(park, "Garage du Pont").acted_at is None


def test_bad_links_are_refused_in_french_and_count_nothing(park, smtp, django_capture_on_commit_callbacks):
    invite(park)
    send(park, django_capture_on_commit_callbacks)
    link = links_by_recipient(smtp)["garage@pont.example"]
    campaign_id = park["campaign"].pk
    forged = Client().get(reverse("club:campaign_link", args=[campaign_id, "abc.def"]))
    assert forged.status_code == 404
    assert "Ce lien d'invitation n'est pas valide" in html.unescape(forged.content.decode())
    # The same firm's link on another campaign's address is refused.
    other = club_services.campaign_create(
        club=park["club"], zone=park["zone"], title="Autre", kind="mailing", by=park["claire"],
        assignees=[park["claire"]],
    )  # fmt: skip
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert Client().get(reverse("club:campaign_link", args=[other.pk, token])).status_code == 404
    # A link of a campaign inviting to another event counts nothing for this one.
    other_event = add_event(park["event"].get_parent(), days=10, title="Atelier énergie", capacity=10)
    visitor = Client()
    visitor.get(path_of(link))
    visitor.post(other_event.get_url(), {"name": "Luc Pont", "email": "luc@pont.example"})
    assert target(park, "Garage du Pont").acted_at is None
    # A firm taken out of the campaign: its link is withdrawn.
    martin_link = links_by_recipient(smtp)["bonjour@martin.example"]
    target(park, "Boulangerie Martin").delete()
    withdrawn = Client().get(path_of(martin_link))
    assert withdrawn.status_code == 404
    assert "Ce lien d'invitation n'est pas valide" in html.unescape(withdrawn.content.decode())
    # Once the event is over, the link says so (and counts nothing).
    past = timezone.now() - datetime.timedelta(days=1)
    EventPage.objects.filter(pk=park["event"].pk).update(start=past, end=past + datetime.timedelta(hours=2))
    over = Client().get(path_of(link))
    assert over.status_code == 410
    assert "Cette invitation est terminée" in html.unescape(over.content.decode())


def test_only_the_clubs_animators_invite_and_the_event_is_fixed_once_sent(
    park, smtp, django_capture_on_commit_callbacks
):
    stranger = another_animator(ClubFactory(zone=ZoneFactory()))
    with pytest.raises(PermissionDenied):
        club_services.campaign_set_invitation(
            campaign=park["campaign"], by=stranger, invite_kind="event", invite_id=park["event"].pk,
            reminder_days=[7], reminder_max=1,
        )  # fmt: skip
    with pytest.raises(ValidationError):
        invite(park, invite_id=999999)  # not a coming event of the agenda
    with pytest.raises(ValidationError):
        club_services.campaign_send_invitations(campaign=park["campaign"], by=park["claire"])  # nothing chosen
    invite(park)
    with pytest.raises(PermissionDenied):
        club_services.campaign_send_invitations(campaign=park["campaign"], by=stranger)
    send(park, django_capture_on_commit_callbacks)
    other_event = add_event(park["event"].get_parent(), days=10, title="Atelier énergie", capacity=10)
    with pytest.raises(ValidationError):
        invite(park, invite_id=other_event.pk)
    invite(park, days=(3, 10, 20), most=3)  # the schedule changes at any time
    park["campaign"].refresh_from_db()
    assert (park["campaign"].reminder_days, park["campaign"].reminder_max) == ("3, 10, 20", 3)


def test_the_campaign_screen_shows_the_invitation_funnel_and_the_firms_to_call(
    park, smtp, django_capture_on_commit_callbacks
):
    client = Client()
    client.force_login(park["claire"])
    url = reverse("club:campaign_detail", args=[park["campaign"].pk])
    form_url = reverse("club:campaign_invitation", args=[park["campaign"].pk])
    chosen = f"event:{park['event'].pk}"
    bad = client.post(form_url, {"invitation": chosen, "reminder_days": "sept", "reminder_max": "2"})
    assert bad.status_code == 400
    saved = client.post(form_url, {"invitation": chosen, "reminder_days": "7, 14", "reminder_max": "2"})
    assert saved.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("club:campaign_send", args=[park["campaign"].pk]))
    assert len(smtp.messages) == 3
    page = client.get(url + "?qui=tous&resultat=a_appeler").content.decode()
    assert "Petit-déjeuner des Tanneries" in page
    assert reverse("club:prospect_file", args=[park["zone"].slug, park["firms"]["Imprimerie Roy"].pk]) in page


def test_a_member_of_an_invited_firm_registering_from_her_account_counts(
    park, smtp, django_capture_on_commit_callbacks
):
    invite(park)
    send(park, django_capture_on_commit_callbacks)
    member = PersonFactory(organisation=park["firms"]["Garage du Pont"])
    event_services.registration_create(event=park["event"], name="Luc Pont", email=member.user.email, person=member)
    assert target(park, "Garage du Pont").acted_at is not None
    assert target(park, "Atelier Durand").acted_at is None
