"""Recurring and large events in Chromium, every screen checked by axe: an organiser on a phone sees a
monthly series and cancels a date (its registrants moved to the next one); at the door, on a tablet,
staff type a badge's code and tick the list; on a desktop, the programme of the event."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cms.events import services
from cms.events.models import EventIndexPage, EventPage, EventRegistration, EventSeriesPage, EventSession
from cms.models import HomePage
from portal.members import services as member_services
from portal.members.models import PersonRole
from tests.cms.pages import add_event, add_page
from tests.e2e.conftest import signed_in_context
from tests.e2e.test_site import assert_accessible
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE, TABLET, DESKTOP = {"width": 390, "height": 844}, {"width": 768, "height": 1024}, {"width": 1280, "height": 800}


def assert_no_horizontal_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.fixture
def organiser():
    user = UserFactory(email="organisatrice@example.org")
    member_services.person_create(user=user, role=PersonRole.ADMINISTRATOR)
    return user


@pytest.fixture
def agenda():
    return add_page(HomePage.objects.get(), EventIndexPage, title="Agenda")


def test_an_organiser_cancels_a_date_of_a_monthly_series_on_a_phone(
    browser, browser_context_args, live_portal, organiser, agenda
):
    year = timezone.localdate().year + 1
    series = EventSeriesPage(
        title="Petit-déjeuner du pôle", slug="petit-dejeuner", kind="breakfast", weekday=3, week_of_month=1,
        first_date=datetime.date(year, 1, 1), until=datetime.date(year, 4, 30), start_time=datetime.time(8),
        end_time=datetime.time(10), place="Maison des coopératives", capacity=20, summary="Chaque mois.",
    )  # fmt: skip
    agenda.add_child(instance=series)
    series.save_revision().publish()
    february = EventPage.objects.get(series=series, occurrence_date__month=2)
    services.registration_create(event=february, name="Nadia Berthier", email="nadia@example.org")

    context = signed_in_context(browser, browser_context_args, live_portal, organiser, viewport=PHONE)
    page = context.new_page()
    page.goto(series.url)
    expect(page.get_by_role("heading", level=1, name="Petit-déjeuner du pôle")).to_be_visible()
    expect(page.get_by_text("Le premier jeudi de chaque mois")).to_be_visible()
    assert page.locator(".series-dates li").count() == 4
    assert_accessible(page, "series page (phone)")
    assert_no_horizontal_scroll(page)

    page.goto(february.url)
    page.get_by_role("link", name="Déplacer cette date").click()
    expect(page.get_by_label("Nouveau début")).to_be_visible()
    assert_accessible(page, "move a date (phone)")
    assert_no_horizontal_scroll(page)
    page.goto(february.url)
    page.get_by_role("link", name="Annuler cette date").click()
    expect(page.get_by_label("Reporter les inscriptions sur")).to_be_visible()
    assert_accessible(page, "cancel a date (phone)")
    page.get_by_role("button", name="Annuler cette date").click()
    expect(page.get_by_text("1 inscriptions reportées")).to_be_visible()
    expect(page.get_by_text("Cette date est annulée").first).to_be_visible()
    assert_accessible(page, "cancelled date (phone)")
    march = EventPage.objects.get(series=series, occurrence_date__month=3)
    assert EventRegistration.objects.get(event=march).email == "nadia@example.org"
    context.close()


def test_staff_record_who_came_by_badge_code_and_on_the_tablet_list(
    browser, browser_context_args, live_portal, organiser, agenda
):
    event = add_event(agenda, kind="assises", title="Assises du pôle", capacity=100, days=1)
    camille = services.registration_create(event=event, name="Camille Lefèvre", email="camille@example.org")
    services.registration_create(event=event, name="Zoé Martin", email="zoe@example.org")

    context = signed_in_context(browser, browser_context_args, live_portal, organiser, viewport=TABLET)
    page = context.new_page()
    page.goto(event.url + event.reverse_subpage("check_in"))
    assert_accessible(page, "check-in (tablet)")
    page.get_by_label("Code du badge").fill(camille.badge_code.lower())
    page.get_by_role("button", name="Enregistrer présent").click()
    expect(page.get_by_text("Camille Lefèvre est enregistré·e présent·e.")).to_be_visible()
    page.get_by_role("button", name="Enregistrer Zoé Martin comme présent·e").click()
    expect(page.get_by_text("2 présents sur 2")).to_be_visible()
    for button in page.locator(".check-in-list button").all():
        box = button.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44
    assert_accessible(page, "check-in after ticking (tablet)")
    assert_no_horizontal_scroll(page)
    assert EventRegistration.objects.filter(event=event, attended=True).count() == 2
    context.close()


def test_the_programme_of_a_large_event_on_a_desktop(browser, browser_context_args, live_portal, organiser, agenda):
    event = add_event(agenda, kind="assises", title="Assises du pôle", capacity=100)
    EventSession.objects.create(event=event, starts_at=datetime.time(9), ends_at=datetime.time(10, 30),
                                title="Restitution du diagnostic", room="Amphi A", speakers="Léa Roux")  # fmt: skip
    context = signed_in_context(browser, browser_context_args, live_portal, organiser, viewport=DESKTOP)
    page = context.new_page()
    page.goto(event.url)
    expect(page.get_by_role("heading", name="Programme des sessions")).to_be_visible()
    expect(page.get_by_text("Restitution du diagnostic")).to_be_visible()
    expect(page.get_by_role("link", name="Badges nominatifs (PDF à imprimer)")).to_be_visible()
    assert_accessible(page, "event with its programme (desktop)")
    context.close()


def test_a_participant_answers_the_questionnaire_on_a_phone_and_the_organiser_reads_the_summary(
    browser, browser_context_args, live_portal, organiser, agenda
):
    event = add_event(agenda, title="Atelier santé", capacity=10)
    registration = services.registration_create(event=event, name="Nadia Berthier", email="nadia@example.org")
    EventPage.objects.filter(pk=event.pk).update(start=event.start.replace(year=2020), end=event.end.replace(year=2020))
    event = EventPage.objects.get(pk=event.pk)

    context = browser.new_context(**{**browser_context_args, "viewport": PHONE})
    page = context.new_page()
    link = services.feedback_url(registration)  # as in the e-mail; the path, on the live portal
    page.goto("/" + link.split("://", 1)[1].split("/", 1)[1])
    assert_accessible(page, "questionnaire (phone)")
    assert_no_horizontal_scroll(page)
    page.get_by_role("group", name="Dans l'ensemble").get_by_label("4").check()
    page.get_by_role("group", name="Était-ce utile").get_by_label("5").check()
    page.get_by_role("group", name="Reviendriez-vous").get_by_label("Oui").check()
    page.get_by_label("Commentaire").fill("Très utile, merci.")
    page.get_by_role("button", name="Envoyer ma réponse").click()
    expect(page.get_by_text("Merci : votre réponse est enregistrée.")).to_be_visible()
    context.close()

    context = signed_in_context(browser, browser_context_args, live_portal, organiser, viewport=DESKTOP)
    page = context.new_page()
    page.goto(event.url + event.reverse_subpage("feedback_summary"))
    expect(page.get_by_text("1 réponse de 1 participants.")).to_be_visible()
    expect(page.get_by_text("Très utile, merci.")).to_be_visible()
    assert_accessible(page, "questionnaire summary (desktop)")
    context.close()
