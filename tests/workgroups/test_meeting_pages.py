"""A club's commission that meets, as its animator and its members use it: a meeting planned with
its agenda, its minutes written, a decision and a task recorded, a file shared, and the task's
owner reminded by e-mail (on a real SMTP server) when it is due."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.members.models import MembershipStatus, Role
from portal.members.scopes import ScopeKind
from tests.cms.newsletters.smtp import Recorder, SmtpServer
from tests.factories import ClubFactory, MembershipFactory, OrganisationFactory, PersonFactory, UserFactory
from workgroups import services
from workgroups.models import Decision, Meeting, MembershipPolicy, SharedFile, Task, WorkgroupMembership


@pytest.fixture
def smtp(settings):
    server = SmtpServer(Recorder()).start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield server.handler
    server.stop()


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def commission(db):
    """A commission of a club, its animator (who joined it), a member of a member firm (in it) and
    a person of another firm."""
    from portal.members.services import role_grant

    club = ClubFactory(name="Club des Platanes")
    firm = OrganisationFactory(name="Menuiserie Durand")
    MembershipFactory(organisation=firm, club=club, status=MembershipStatus.ACTIVE)
    animator = PersonFactory(handle="animatrice", user__first_name="Anne")
    role_grant(
        person=animator,
        role=Role.ANIMATOR,
        scope_kind=ScopeKind.CLUB,
        scope_id=club.pk,
        by=UserFactory(is_superuser=True, is_staff=True),
    )
    animator.user.refresh_from_db()
    workgroup = services.workgroup_create(
        by=animator.user, name="Commission bien-être au travail", club=club, membership_policy=MembershipPolicy.OPEN
    )
    member = PersonFactory(
        organisation=firm, handle="paul", user__first_name="Paul", user__email="paul@menuiserie.example"
    )
    services.workgroup_join(workgroup=workgroup, by=member.user)
    outsider = PersonFactory(organisation=OrganisationFactory())
    return {"workgroup": workgroup, "animator": animator, "member": member, "outsider": outsider}


def test_a_commission_meets_with_minutes_a_decision_a_task_and_a_shared_file(commission):
    workgroup, animator, member = commission["workgroup"], commission["animator"], commission["member"]
    lead = signed_in(animator.user)
    slug = workgroup.slug

    response = lead.post(
        reverse("workgroups:meeting_create", args=[slug]),
        {
            "title": "Réunion de mars",
            "starts_at": "2026-03-05T08:30",
            "place": "Salle des Platanes",
            "agenda": "Bilan du petit-déjeuner\nQuestionnaire bien-être",
        },
    )
    meeting = Meeting.objects.get(workgroup=workgroup)
    assert response.status_code == 302 and response["Location"].endswith(f"/reunions/{meeting.pk}/")
    lead.post(
        reverse("workgroups:meeting_minutes", args=[slug, meeting.pk]),
        {"text": "Présents : 9 entreprises.\n\nLe questionnaire <b>part</b> en avril."},
    )
    lead.post(
        reverse("workgroups:decision_add", args=[slug]), {"text": "Lancer le questionnaire", "meeting": meeting.pk}
    )
    lead.post(
        reverse("workgroups:task_add", args=[slug]),
        {"title": "Envoyer le questionnaire", "owner": member.pk, "due_on": "2026-04-01", "meeting": meeting.pk},
    )
    assert Decision.objects.get(meeting=meeting).text == "Lancer le questionnaire"
    assert Task.objects.get(meeting=meeting).owner == member

    reader = signed_in(member.user)
    page = reader.get(reverse("workgroups:meeting", args=[slug, meeting.pk])).content.decode()
    assert "Salle des Platanes" in page and "Questionnaire bien-être" in page
    assert "<p>Présents : 9 entreprises.</p>" in page and "&lt;b&gt;part&lt;/b&gt;" in page
    assert "Lancer le questionnaire" in page and "Envoyer le questionnaire" in page
    assert "Save the minutes" not in page and "Enregistrer le compte rendu" not in page  # a plain member reads

    pdf = SimpleUploadedFile("ordre-du-jour.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    reader.post(reverse("workgroups:file_add", args=[slug]), {"file": pdf, "meeting": meeting.pk})
    shared = SharedFile.objects.get(workgroup=workgroup)
    assert shared.meeting == meeting
    download = reader.get(reverse("workgroups:file_download", args=[slug, shared.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    renamed = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00binary", content_type="application/pdf")
    reader.post(reverse("workgroups:file_add", args=[slug]), {"file": renamed})
    assert SharedFile.objects.filter(workgroup=workgroup).count() == 1

    overview = reader.get(reverse("workgroups:meetings", args=[slug])).content.decode()
    assert "Réunion de mars" in overview and "ordre-du-jour" in overview


def test_the_meetings_and_files_stay_the_commission_members(commission):
    workgroup, outsider = commission["workgroup"], commission["outsider"]
    meeting = services.meeting_create(
        workgroup=workgroup, by=commission["animator"].user, title="Réunion", starts_at=timezone.now()
    )
    pdf = SimpleUploadedFile("note.pdf", b"%PDF-1.4 note", content_type="application/pdf")
    shared = services.file_share(workgroup=workgroup, by=commission["member"].user, file=pdf)
    stranger = signed_in(outsider.user)
    assert stranger.get(reverse("workgroups:meeting", args=[workgroup.slug, meeting.pk])).status_code == 403
    assert stranger.get(reverse("workgroups:file_download", args=[workgroup.slug, shared.pk])).status_code == 403
    assert stranger.get(shared.document.url).status_code == 404
    assert Client().get(reverse("workgroups:meetings", args=[workgroup.slug])).status_code == 302
    # Nor do they join: the commission is open to the club's member firms only.
    stranger.post(reverse("workgroups:join", args=[workgroup.slug]))
    assert not WorkgroupMembership.objects.filter(workgroup=workgroup, person=outsider).exists()


def test_a_task_due_is_reminded_once_a_day_by_email_until_done(commission, smtp):
    workgroup, member = commission["workgroup"], commission["member"]
    today = timezone.localdate()
    task = services.task_assign(
        workgroup=workgroup, by=commission["animator"].user, title="Réserver la salle", owner=member, due_on=today
    )
    services.task_assign(
        workgroup=workgroup,
        by=commission["animator"].user,
        title="Plus tard",
        owner=member,
        due_on=today + datetime.timedelta(days=3),
    )

    call_command("send_task_reminders")
    smtp.wait_for(1)
    assert smtp.recipients() == ["paul@menuiserie.example"]
    _to, message = smtp.messages[0]
    assert "Réserver la salle" in message.get_body(preferencelist=("plain",)).get_content()
    assert "Plus tard" not in message.get_body(preferencelist=("plain",)).get_content()

    call_command("send_task_reminders")  # the same day: not again
    services.task_set_done(task=task, by=member.user)
    from workgroups.reminders import send_task_reminders

    assert send_task_reminders(today + datetime.timedelta(days=1)) == 0  # done: no more reminders
    assert smtp.count == 1
