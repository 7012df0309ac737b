"""Composing in the admin: automatic sections, preview in the browser, test e-mail, sending, progress."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cms.models import HomePage, NewsIndexPage
from cms.newsletters import rendering, services
from cms.newsletters.models import Audience, Delivery, DeliveryStatus, Newsletter, NewsletterStatus
from tests.cms.newsletters.conftest import consenting_member
from tests.cms.newsletters.helpers import make_newsletter
from tests.cms.pages import add_news, add_page
from tests.factories import AxisFactory, BestPracticeFactory, ClubFactory, MembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db


def automatic(source, days=30, axis="", limit=5):
    return {"type": "automatic", "value": {"source": source, "title": "", "days": days, "axis": axis, "club": "",
                                           "limit": limit}}  # fmt: skip


def test_automatic_sections_list_what_is_new_in_the_period_and_axis():
    news_index = add_page(HomePage.objects.get(), NewsIndexPage, title="Actualités")
    axis, other_axis = AxisFactory(), AxisFactory()
    add_news(news_index, title="Nouvelle tournée mutualisée", axis=axis, days_ago=3)
    add_news(news_index, title="Vieille nouvelle", axis=axis, days_ago=60)
    add_news(news_index, title="Nouvelle d'un autre axe", axis=other_axis, days_ago=2)
    BestPracticeFactory(title="Récent et public", axis=axis)
    BestPracticeFactory(title="Réservé aux membres", axis=axis, visibility="members")
    BestPracticeFactory(title="Trop ancien", axis=axis, published_at=timezone.now() - datetime.timedelta(days=90))
    newsletter = make_newsletter(body=[automatic("news", axis=str(axis.pk)), automatic("best_practices")])

    html, text = rendering.render_content(newsletter)
    assert "Nouvelle tournée mutualisée" in html and "Nouvelle tournée mutualisée" in text
    for absent in ["Vieille nouvelle", "Nouvelle d'un autre axe", "Réservé aux membres", "Trop ancien"]:
        assert absent not in html
    assert "Récent et public" in html
    assert 'href="http://' in html  # links work outside the site


def test_the_club_audience_reaches_the_consenting_people_of_its_member_firms():
    club = ClubFactory()
    inside = consenting_member()
    MembershipFactory(organisation=inside.organisation, club=club)
    consenting_member()  # not a member of the club
    from cms.newsletters import audiences

    newsletter = make_newsletter(audience=Audience.CLUB, club=club)
    assert [email for email, _name in audiences.recipients(newsletter)] == [inside.user.email]


def test_withdrawing_consent_removes_a_member_from_a_sending_in_progress(sender):
    from portal.privacy import services as privacy_services
    from portal.privacy.models import Purpose

    person = consenting_member()
    newsletter = make_newsletter()
    services.newsletter_start(newsletter=newsletter, by=sender)
    privacy_services.consent_withdraw(person=person, purpose=Purpose.NEWSLETTER, by=person.user)
    assert not Delivery.objects.filter(email=person.user.email).exists()


def test_the_sender_previews_tests_sends_and_follows_the_progress(
    client, sender, members, django_capture_on_commit_callbacks
):
    newsletter = make_newsletter()
    client.force_login(sender)
    assert client.get(reverse("newsletter-issues:edit", args=[newsletter.pk])).status_code == 200
    preview = client.get(reverse("newsletters_admin:preview", args=[newsletter.pk]))
    assert preview.status_code == 200 and "<b>circuits courts</b>" in preview.content.decode()

    assert client.get(reverse("newsletters_admin:test", args=[newsletter.pk])).status_code == 200
    client.post(reverse("newsletters_admin:test", args=[newsletter.pk]))
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["organisatrice@example.org"]
    assert b"<organisatrice@example.org>" in mail.outbox[0].message().as_bytes()
    assert mail.outbox[0].subject.endswith(newsletter.title)
    assert not Delivery.objects.exists()  # a test is not a sending

    confirm = client.get(reverse("newsletters_admin:send", args=[newsletter.pk]))
    assert confirm.status_code == 200 and "3" in confirm.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("newsletters_admin:send", args=[newsletter.pk]))
    assert response.status_code == 302
    newsletter.refresh_from_db()
    assert newsletter.status == NewsletterStatus.SENT
    assert len(mail.outbox) == 4
    progress = client.get(reverse("newsletters_admin:progress", args=[newsletter.pk]))
    assert progress.status_code == 200
    assert 'data-status="sent">3<' in progress.content.decode()
    # A sent issue is no longer editable: the editor goes to its progress.
    edit = client.get(reverse("newsletter-issues:edit", args=[newsletter.pk]))
    assert edit.status_code == 302 and edit["Location"].endswith(
        reverse("newsletters_admin:progress", args=[newsletter.pk])
    )


def test_a_stalled_sending_can_be_resumed_from_the_progress_page(client, sender, members, settings):
    newsletter = make_newsletter()
    services.newsletter_start(newsletter=newsletter, by=sender)
    Delivery.objects.filter(pk=newsletter.deliveries.first().pk).update(
        status=DeliveryStatus.SENDING, claimed_at=timezone.now()
    )
    stalled_since = timezone.now() - datetime.timedelta(hours=1)
    type(newsletter).objects.filter(pk=newsletter.pk).update(heartbeat_at=stalled_since)
    client.force_login(sender)
    url = reverse("newsletters_admin:progress", args=[newsletter.pk])
    assert "resume" in client.get(url).content.decode()
    client.post(url, {"action": "resume"})
    assert newsletter.deliveries.filter(status=DeliveryStatus.UNCERTAIN).count() == 1
    client.post(url, {"action": "bogus"})  # unknown actions change nothing
    assert newsletter.deliveries.filter(status=DeliveryStatus.UNCERTAIN).count() == 1


def test_members_cannot_reach_the_sending_screens(client, members):
    newsletter = make_newsletter()
    client.force_login(PersonFactory().user)
    for name in ("preview", "test", "send", "progress"):
        response = client.get(reverse(f"newsletters_admin:{name}", args=[newsletter.pk]))
        assert response.status_code in (302, 403), name
    assert client.post(reverse("newsletters_admin:send", args=[newsletter.pk])).status_code in (302, 403)
    assert not Delivery.objects.exists()


def test_the_data_export_and_the_account_deletion_cover_newsletters(members, sender):
    from portal.privacy import services as privacy_services

    person = members[0]
    newsletter = make_newsletter()
    services.newsletter_start(newsletter=newsletter, by=sender)
    sections = {s["name"]: s["rows"] for s in privacy_services.data_sections(person)}
    assert newsletter.title in sections["newsletters"][0].values()
    privacy_services.account_delete(person=person, by=person.user)
    assert not Delivery.objects.filter(email="membre0@example.org").exists()


def test_a_newsletter_is_composed_in_the_admin(client, sender):
    client.force_login(sender)
    response = client.get(reverse("newsletter-issues:add"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "best_practices" in html  # the automatic sections' choices are offered to the editor
    assert client.get(reverse("newsletter-issues:index")).status_code == 200
    assert client.get(reverse("newsletter-subscribers:index")).status_code == 200


def test_the_editor_shows_a_live_preview_of_the_e_mail(client, sender):
    newsletter = make_newsletter()
    client.force_login(sender)
    edit = client.get(reverse("newsletter-issues:edit", args=[newsletter.pk])).content.decode()
    preview_url = reverse("newsletter-issues:preview_on_edit", args=[newsletter.pk])
    assert preview_url in edit
    # The editor posts the form as it stands, then loads the preview.
    data = {"title": "Titre en cours de saisie", "slug": newsletter.slug, "audience": "members", "axis": "",
            "club": "", "intro": "Bonjour à l'essai", "body-count": "0"}  # fmt: skip
    assert client.post(preview_url, data).json()["is_valid"] is True
    preview = client.get(preview_url)
    assert preview.status_code == 200
    assert "Titre en cours de saisie" in preview.content.decode()
    assert "Bonjour à l&#x27;essai" in preview.content.decode()  # the introduction typed, not the saved one


@pytest.fixture
def food_axis(db):
    return AxisFactory(title="Alimentation durable")


@pytest.fixture
def coordinator(food_axis):
    """The coordinator of one axis, granted by an administrator: her axis's letters are hers."""
    from portal.members import services as member_services
    from portal.members.models import Role
    from portal.members.scopes import ScopeKind
    from tests.factories import UserFactory

    person = PersonFactory(user=UserFactory(email="coordinatrice@example.org"))
    member_services.role_grant(person=person, role=Role.COORDINATOR, scope_kind=ScopeKind.AXIS,
                               scope_id=food_axis.pk, by=UserFactory(is_superuser=True))  # fmt: skip
    return person.user


def test_a_coordinator_writes_to_her_axis_only(client, coordinator, food_axis):
    axis, other_axis = food_axis, AxisFactory(title="Mobilité")
    client.force_login(coordinator)
    form = client.get(reverse("newsletter-issues:add")).content.decode()
    audience = form[form.index('name="audience"') : form.index("</select>", form.index('name="audience"'))]
    assert 'value="axis"' in audience and 'value="members"' not in audience and 'value="subscribers"' not in audience
    data = {"title": "La lettre de l'axe", "slug": "lettre-axe", "audience": "axis", "axis": str(axis.pk), "club": "",
            "intro": "Bonjour", "body-count": "0"}  # fmt: skip
    assert client.post(reverse("newsletter-issues:add"), data).status_code == 302
    assert Newsletter.objects.get(slug="lettre-axe").axis == axis

    # Another axis, or every member: refused by the form, nothing written.
    for audience, axis_id in (("axis", other_axis.pk), ("members", "")):
        data.update({"slug": f"intrusion-{audience}", "audience": audience, "axis": str(axis_id)})
        assert client.post(reverse("newsletter-issues:add"), data).status_code == 200
    assert not Newsletter.objects.filter(slug__startswith="intrusion").exists()


def test_a_coordinator_cannot_send_another_axis_letter_nor_one_to_every_member(coordinator, food_axis, members):
    from django.core.exceptions import PermissionDenied

    others = [make_newsletter("Autre axe", audience=Audience.AXIS, axis=AxisFactory()), make_newsletter("À tous")]
    for letter in others:
        with pytest.raises(PermissionDenied):
            services.newsletter_start(newsletter=letter, by=coordinator)
    assert not Delivery.objects.exists()
    mine = make_newsletter("Mon axe", audience=Audience.AXIS, axis=food_axis)
    assert services.newsletter_send_test(newsletter=mine, by=coordinator) == "coordinatrice@example.org"


def test_the_subscribers_are_the_administrators_only(client, coordinator, sender):
    client.force_login(coordinator)
    assert client.get(reverse("newsletter-subscribers:index")).status_code in (302, 403)
    client.force_login(sender)
    assert client.get(reverse("newsletter-subscribers:index")).status_code == 200
