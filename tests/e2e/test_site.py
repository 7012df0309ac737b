"""A visitor on the public site in Chromium: home → an axis → an event → registration, every page checked by axe."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from cms.models import EventIndexPage, EventRegistration, HomePage, RegistrationStatus
from tests.cms.pages import add_event, add_page, axis_page
from tests.factories import AxisFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# Impacts axe-core rates as blocking for some visitors: none is accepted on the public site.
BLOCKING = {"serious", "critical"}


def assert_accessible(page, name):
    results = Axe().run(page)
    blocking = [violation for violation in results.response["violations"] if violation["impact"] in BLOCKING]
    assert not blocking, f"{name}: " + results.generate_report()


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


def test_a_visitor_finds_an_event_through_its_axis_and_registers(page, food_axis_site, screenshot):
    axis_page_, event = food_axis_site
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    assert_accessible(page, "home")
    screenshot(page, "site-home")

    page.get_by_role("link", name="Axe 2 — Alimentation durable").click()
    expect(page).to_have_url(re.compile(re.escape(axis_page_.url) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Alimentation durable")
    assert_accessible(page, "axis page")
    screenshot(page, "site-axis")

    page.get_by_role("region", name="Événements de l'axe").get_by_role("link", name=event.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(event.title)
    expect(page.get_by_text("12 places restantes sur 12")).to_be_visible()
    assert_accessible(page, "event page")

    page.get_by_label("Prénom et nom").fill("Nadia Berthier")
    page.get_by_label("Organisation").fill("Communauté de communes du Val")
    page.get_by_label("E-mail").fill("nadia.berthier@example.org")
    page.get_by_role("button", name="S'inscrire").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Votre inscription est confirmée")
    expect(page.get_by_text("nadia.berthier@example.org")).to_be_visible()
    assert_accessible(page, "registration confirmed")
    screenshot(page, "site-registration-confirmed")
    registration = EventRegistration.objects.get(event=event)
    assert (registration.name, registration.status) == ("Nadia Berthier", RegistrationStatus.CONFIRMED)

    page.goto(event.url)
    expect(page.get_by_text("11 places restantes sur 12")).to_be_visible()


def test_a_bad_registration_keeps_what_was_typed_and_says_why_in_french(page, food_axis_site):
    _, event = food_axis_site
    page.goto(event.url)
    page.get_by_label("Prénom et nom").fill("Nadia Berthier")
    page.get_by_label("E-mail").fill("nadia.berthier@")
    page.get_by_role("button", name="S'inscrire").click()
    expect(page.get_by_text("Saisissez une adresse de courriel valide.")).to_be_visible()
    expect(page.get_by_label("Prénom et nom")).to_have_value("Nadia Berthier")
    assert not EventRegistration.objects.filter(event=event).exists()
