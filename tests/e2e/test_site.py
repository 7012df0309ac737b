"""A visitor on the public site in Chromium, every page checked by axe: home → an axis → a best
practice → a search → an event → registration → the e-mail, received by a real SMTP server."""

import re

import pytest
from playwright.sync_api import expect

from cms.events.models import EventIndexPage, EventRegistration, RegistrationStatus
from cms.models import HomePage
from search import indexing as search_indexing
from tests.cms.pages import add_event, add_page, axis_page
from tests.e2e.axe import assert_no_blocking_violation
from tests.e2e.conftest import search_until_found
from tests.factories import AxisFactory, BestPracticeFactory, OrganisationFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def assert_accessible(page, name):
    """No serious or critical axe-core violation on the page: none is accepted on the public site."""
    assert_no_blocking_violation(page, name)


@pytest.fixture
def food_axis_site():
    home = HomePage.objects.get()
    axis = AxisFactory(number=2, title="Alimentation durable", slug="alimentation")
    page = axis_page(home, axis, introduction="Manger mieux et local dans les cantines du Val.")
    agenda = add_page(home, EventIndexPage, title="Agenda")
    event = add_event(
        agenda,
        title="Atelier : approvisionner sa cantine en circuit court",
        axis=axis,
        capacity=12,
        place="Cuisine centrale d'Arvière",
    )
    return page, event


@pytest.fixture
def visitor_journey(search_index, food_axis_site):
    """The axis of the food, a published best practice on it, and a workshop on waste found by search."""
    axis_page_, _ = food_axis_site
    record = BestPracticeFactory(
        title="Une cantine sans gaspillage",
        summary="Le collège Jean-Moulin pèse ses restes chaque jour et a réduit ses déchets de moitié.",
        axis=axis_page_.axis,
        organisation=OrganisationFactory(name="Collège Jean-Moulin"),
    )
    search_indexing.schedule_index(record)  # the factory skips the service, which queues it
    workshop = add_event(
        EventIndexPage.objects.get(),
        title="Atelier : moins de déchets à la cantine",
        summary="Trier, peser, composter : les biodéchets de la restauration collective.",
        axis=axis_page_.axis,
        capacity=12,
        place="Cuisine centrale d'Arvière",
    )
    return axis_page_, record, workshop


def test_a_visitor_goes_from_the_home_page_to_an_event_found_by_search_and_gets_the_e_mail(
    smtp_sink, search_index, page, visitor_journey, screenshot
):
    axis_page_, record, workshop = visitor_journey
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    assert_accessible(page, "home")
    screenshot(page, "journey-visitor-1-home")

    page.get_by_role("link", name="Axe 2 — Alimentation durable").click()
    expect(page).to_have_url(re.compile(re.escape(axis_page_.url) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Alimentation durable")
    assert_accessible(page, "axis page")
    screenshot(page, "journey-visitor-2-axis")

    page.get_by_role("region", name="Dernières bonnes pratiques").get_by_role("link", name=record.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(record.title)
    expect(page.locator("main")).to_contain_text("Collège Jean-Moulin")
    assert_accessible(page, "best practice")
    screenshot(page, "journey-visitor-3-best-practice")

    result = search_until_found(page, "déchets", workshop.title)
    expect(result).to_be_visible()
    assert_accessible(page, "search results")
    screenshot(page, "journey-visitor-4-search")

    result.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(workshop.title)
    expect(page.get_by_text("12 places restantes sur 12")).to_be_visible()
    assert_accessible(page, "event page")
    screenshot(page, "journey-visitor-5-event")

    page.get_by_label("Prénom et nom").fill("Nadia Berthier")
    page.get_by_label("Organisation").fill("Communauté de communes du Val")
    page.get_by_label("E-mail").fill("nadia.berthier@example.org")
    page.get_by_role("button", name="S'inscrire").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Votre inscription est confirmée")
    expect(page.get_by_text("nadia.berthier@example.org")).to_be_visible()
    assert_accessible(page, "registration confirmed")
    screenshot(page, "journey-visitor-6-registered")
    registration = EventRegistration.objects.get(event=workshop)
    assert (registration.name, registration.status) == ("Nadia Berthier", RegistrationStatus.CONFIRMED)

    # The confirmation went out by SMTP, in French, with a cancellation link to this very site.
    smtp_sink.wait_for(1)
    [(recipients, message)] = smtp_sink.messages
    assert recipients == ["nadia.berthier@example.org"]
    # (.strip(): Django folds a long encoded subject after "Subject:", which parses back with a leading space)
    assert message["Subject"].strip() == f"Inscription confirmée : {workshop.title}"
    body = message.get_content()
    assert "Bonjour Nadia Berthier" in body and "Cuisine centrale d'Arvière" in body
    cancel_link = re.search(r"http://\S+/annuler/[\w-]+/", body).group(0)
    page.goto(cancel_link)  # a click in the mail reader
    expect(page.get_by_role("heading", level=1)).to_have_text("Annuler une inscription")
    page.get_by_role("button", name="Annuler mon inscription").click()
    expect(page.locator("main")).to_contain_text(workshop.title)
    screenshot(page, "journey-visitor-7-cancelled")
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED
    smtp_sink.wait_for(2)
    assert smtp_sink.messages[1][1]["Subject"].strip() == f"Inscription annulée : {workshop.title}"


def test_a_bad_registration_keeps_what_was_typed_and_says_why_in_french(page, food_axis_site):
    _, event = food_axis_site
    page.goto(event.url)
    page.get_by_label("Prénom et nom").fill("Nadia Berthier")
    page.get_by_label("E-mail").fill("nadia.berthier@")
    page.get_by_role("button", name="S'inscrire").click()
    expect(page.get_by_text("Saisissez une adresse de courriel valide.")).to_be_visible()
    expect(page.get_by_label("Prénom et nom")).to_have_value("Nadia Berthier")
    assert not EventRegistration.objects.filter(event=event).exists()
