"""Journey 4 of the release: a club organiser opens a needs survey, two firms answer through their own
links (no account), the organiser reads the ranked common issues and publishes them as a page of the
site, which a visitor then reads. The firms answer on their phones (390×844); the organiser's screens
and the published page, seen at desktop size (1280×800), are checked again at phone size (tests/e2e/sizes.py: no
sideways scroll, the action reachable, axe-core clean)."""

import datetime

import pytest
from playwright.sync_api import expect

from cms.models import ClubPage, HomePage, SurveyResultsPage
from portal.clubs.models import Survey
from portal.members import services as member_services
from portal.members.models import PersonRole
from tests.cms.pages import add_page
from tests.e2e.conftest import sign_in_through_the_form
from tests.e2e.sizes import DESKTOP, PHONE, at_phone_too, check_screen
from tests.factories import PASSWORD, ClubFactory, OrganisationFactory, UserFactory, ZoneFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ANSWERS = {
    "Garage du Pont": {"waste": ("3", "Bennes pleines dès le lundi"), "traffic": ("2", "")},
    "Boulangerie Marchal": {"waste": ("2", ""), "signage": ("1", "On ne trouve pas nos ateliers")},
}


@pytest.fixture
def club_of_the_park():
    zone = ZoneFactory(name="Parc de la Gare")
    club = ClubFactory(zone=zone, name="Club de la Gare")
    # An organiser of the first release, made once the club exists: its animator, as migrated.
    organiser = UserFactory(first_name="Nadia", last_name="Benali", email="nadia.benali@example.org")
    member_services.person_create(user=organiser, role=PersonRole.ORGANISER)
    for name in (*ANSWERS, "Imprimerie Vidal"):
        OrganisationFactory(zone=zone, name=name)
    add_page(HomePage.objects.get(), ClubPage, title="Club de la Gare", club=club)
    return organiser


def test_an_organiser_opens_a_survey_two_firms_answer_and_the_results_go_on_the_site(
    browser, browser_context_args, live_portal, club_of_the_park, screenshot
):
    page = browser.new_context(**{**browser_context_args, "viewport": DESKTOP}).new_page()
    sign_in_through_the_form(page, club_of_the_park.email, PASSWORD)
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Clubs d'entreprises").click()
    page.get_by_role("link", name="Enquêtes de besoins").click()
    page.get_by_label("Titre").fill("Besoins 2027 du parc de la Gare")
    page.get_by_label("Club :").select_option(label="Club de la Gare")
    page.get_by_label("Close le").fill((datetime.date.today() + datetime.timedelta(days=21)).isoformat())
    screenshot(page, "journey-club-1-open-survey")
    at_phone_too(
        page, "journey-club-1-open-survey", screenshot, action=page.get_by_role("button", name="Ouvrir l'enquête")
    )
    page.get_by_role("button", name="Ouvrir l'enquête").click()
    expect(page.locator("h1")).to_contain_text("Besoins 2027 du parc de la Gare")
    links = {name: page.locator(f'input[data-firm="{name}"]').input_value() for name in ANSWERS}
    screenshot(page, "journey-club-2-links")

    for number, (firm, answers) in enumerate(ANSWERS.items(), start=1):
        # No account, only the link, opened on the firm's phone.
        firm_page = browser.new_context(**{**browser_context_args, "viewport": PHONE}).new_page()
        firm_page.goto(links[firm])
        expect(firm_page.locator("main")).to_contain_text(firm)
        if number == 1:  # the second firm's form is the same screen
            action = firm_page.locator("main button[type=submit]")
            check_screen(firm_page, "journey-club-3-firm-form", screenshot, action=action)
        for problem, (importance, comment) in answers.items():
            firm_page.select_option(f"select[name=importance_{problem}]", importance)
            if comment:
                firm_page.fill(f"input[name=comment_{problem}]", comment)
        firm_page.locator("main button[type=submit]").click()
        expect(firm_page.locator("main [role=status]")).to_contain_text("Besoins 2027 du parc de la Gare")
        screenshot(firm_page, f"journey-club-3-firm-{number}-answered")
        firm_page.context.close()

    page.reload()
    ranking = page.locator("ol.bar-chart li")
    expect(ranking).to_have_count(3)
    expect(ranking.first).to_contain_text("Collecte des déchets")
    expect(ranking.first.locator(".bar-value")).to_have_text("2")
    screenshot(page, "journey-club-4-ranking")
    at_phone_too(page, "journey-club-4-ranking", screenshot,
               action=page.get_by_role("button", name="Publier les résultats sur le site"))  # fmt: skip

    page.get_by_role("button", name="Publier les résultats sur le site").click()
    expect(page.locator("h1")).to_have_text("Résultats : Besoins 2027 du parc de la Gare")
    published = SurveyResultsPage.objects.get(survey=Survey.objects.get(title="Besoins 2027 du parc de la Gare"))
    assert published.live and published.get_parent().title == "Club de la Gare"

    visitor = browser.new_context(**browser_context_args).new_page()
    visitor.goto(published.url)
    main = visitor.locator("main")
    expect(main).to_contain_text("2 entreprises ont répondu sur 3 invitées")
    expect(main).to_contain_text("Bennes pleines dès le lundi")
    expect(visitor.locator("ol.bar-chart li").first).to_contain_text("Collecte des déchets")
    screenshot(visitor, "journey-club-5-public-results")
    at_phone_too(visitor, "journey-club-5-public-results", screenshot)
