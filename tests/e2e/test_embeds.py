"""A visitor on a phone (390×844) and a desktop (1280×800) opens a page with a video: nothing is asked of
the video's host until they click "Charger le contenu (<provider>)", then the video's frame appears and
has the focus. Remembering the choice for the provider loads it on the next visit, and forgetting it
asks again. axe-core clean before and after. The oEmbed answer is recorded in Wagtail's Embed table
and the provider's host is answered by page.route: the network is never reached."""

import pytest
from playwright.sync_api import expect

from cms.models import HomePage, StandardPage
from tests.cms.embeds import VIDEO_HOST, VIDEO_URL, recorded_embed
from tests.cms.pages import add_page
from tests.e2e.test_site import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


@pytest.fixture
def video_page(live_portal):
    recorded_embed()
    return add_page(
        HomePage.objects.get(),
        StandardPage,
        title="Nos vidéos",
        body=[("embed", {"embed": VIDEO_URL, "title": "Atelier réemploi en vidéo", "caption": ""})],
    )


def test_a_video_loads_from_its_provider_only_after_the_visitor_clicks(
    video_page, browser, browser_context_args, live_portal, screenshot
):
    for device, viewport in VIEWPORTS.items():
        context = browser.new_context(**{**browser_context_args, "viewport": viewport})
        page = context.new_page()
        asked = []

        def answer(route, request, asked=asked):
            asked.append(request.url)
            route.fulfill(
                status=200, content_type="text/html; charset=utf-8", body="<!doctype html><title>Vidéo</title><p>Vidéo"
            )

        page.route(f"https://{VIDEO_HOST}/**", answer)
        page.goto(video_page.url)

        figure = page.locator("figure.embed")
        expect(figure).to_contain_text("Ce contenu est hébergé par PeerTube Coopératif.")
        load = figure.get_by_role("button", name="Charger le contenu (PeerTube Coopératif)")
        expect(load).to_be_visible()
        expect(figure.get_by_role("link", name="Ouvrir sur le site d'origine")).to_have_attribute("href", VIDEO_URL)
        expect(figure.locator("iframe")).to_have_count(0)
        assert_accessible(page, f"embed before consent ({device})")
        assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth"), f"sideways ({device})"
        screenshot(page, f"embed-consent-{device}")
        assert asked == [], f"asked of the provider before consent ({device}): {asked}"

        load.click()
        frame = figure.locator("iframe[title='Atelier réemploi en vidéo']")
        expect(frame).to_be_visible()
        expect(frame).to_be_focused()
        expect(page.frame_locator("iframe[title='Atelier réemploi en vidéo']").locator("p")).to_have_text("Vidéo")
        assert any(url.startswith(f"https://{VIDEO_HOST}/videos/embed/") for url in asked), asked
        assert_accessible(page, f"embed after consent ({device})")
        if device == "phone":
            context.close()

    # Desktop: a click alone is for this page only; "remember" loads the provider's content on the next
    # pages, and the visitor withdraws that as easily, next to the content.
    page.reload()
    expect(figure.locator("iframe")).to_have_count(0)
    figure.get_by_label("Retenir mon choix pour PeerTube Coopératif sur ce site").check()
    load.click()
    expect(frame).to_be_focused()
    page.reload()
    expect(frame).to_be_visible()  # no click this time
    forget = figure.get_by_role("button", name="Ne plus charger les contenus PeerTube Coopératif sans demander")
    assert_accessible(page, "embed remembered")
    forget.click()
    expect(figure.get_by_role("status")).to_contain_text("Choix oublié")
    page.reload()
    expect(figure.locator("iframe")).to_have_count(0)
    expect(load).to_be_visible()
    context.close()
