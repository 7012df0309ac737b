"""A firm answers a needs survey through its public link, without an account; the organiser sees it."""

import datetime

import pytest
from django.test import Client
from playwright.sync_api import expect

from portal.clubs import services as club_services
from portal.clubs.models import SurveyInvitation, SurveyResponse
from portal.members import services
from portal.members.models import PersonRole
from tests.factories import ClubFactory, OrganisationFactory, UserFactory, ZoneFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def open_survey():
    zone = ZoneFactory(name="Technoparc des Vergers")
    club = ClubFactory(zone=zone, name="Club Vergers Innovation")
    # An organiser of the first release, made once the club exists: its animator, as migrated.
    organiser = UserFactory(first_name="Mathieu", last_name="Caron")
    services.person_create(user=organiser, role=PersonRole.ORGANISER)
    firm = OrganisationFactory(zone=zone, name="BioSenseurs SAS")
    OrganisationFactory(zone=zone, name="Pharmacie des Vergers")
    survey = club_services.survey_open(title="Besoins du Technoparc", club=club, by=organiser,
                                 closes_on=datetime.date.today() + datetime.timedelta(days=20))  # fmt: skip
    token = club_services.invitation_token(SurveyInvitation.objects.get(survey=survey, organisation=firm))
    return {"survey": survey, "organiser": organiser, "token": token, "firm": firm}


def test_a_firm_answers_through_its_link_and_the_organiser_sees_it_in_the_results(
    browser, browser_context_args, live_portal, open_survey, screenshot
):
    survey, token = open_survey["survey"], open_survey["token"]
    firm_page = browser.new_context(**browser_context_args).new_page()
    firm_page.goto(f"/clubs/repondre/{token}/")
    expect(firm_page.locator("h1")).to_have_text("Besoins du Technoparc")
    expect(firm_page.locator("main")).to_contain_text("BioSenseurs SAS")
    firm_page.select_option("select[name=importance_traffic]", "3")
    firm_page.fill("input[name=comment_traffic]", "La sortie sur la départementale est saturée à 17 h.")
    firm_page.select_option("select[name=importance_catering]", "2")
    firm_page.fill("textarea[name=free_text]", "Un restaurant inter-entreprises nous intéresserait.")
    screenshot(firm_page, "survey-answer-form")
    firm_page.locator("main button[type=submit]").click()
    expect(firm_page.locator("main [role=status]")).to_contain_text("Besoins du Technoparc")
    screenshot(firm_page, "survey-answer-thanks")
    assert SurveyResponse.objects.filter(survey=survey).count() == 1

    # The same link cannot be used twice.
    again = firm_page.goto(f"/clubs/repondre/{token}/")
    assert again.status == 409
    tampered = firm_page.goto(f"/clubs/repondre/{token[:-3]}xyz/")
    assert tampered.status == 404

    client = Client()
    client.force_login(open_survey["organiser"])
    context = browser.new_context(**browser_context_args)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_portal}])
    organiser_page = context.new_page()
    organiser_page.goto(f"/clubs/enquetes/{survey.pk}/")
    ranking = organiser_page.locator("ol.bar-chart li")
    expect(ranking).to_have_count(2)
    expect(ranking.first).to_contain_text("1")
    expect(organiser_page.locator("main")).to_contain_text("La sortie sur la départementale est saturée à 17 h.")
    expect(organiser_page.locator("main")).to_contain_text("Un restaurant inter-entreprises nous intéresserait.")
    expect(organiser_page.locator("ul.figures li").first).to_contain_text("1")
    screenshot(organiser_page, "survey-results-organiser")
