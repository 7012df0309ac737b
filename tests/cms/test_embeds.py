"""Third-party embeds wait for the visitor's consent (CNIL): the page names the provider and says what
loading sends it; the provider's iframe is held in an inert <template>, so nothing reaches it first."""

from bs4 import BeautifulSoup

from cms.models import StandardPage
from tests.cms.embeds import VIDEO_HOST, VIDEO_URL, recorded_embed
from tests.cms.pages import add_page


def embed_page(home, url=VIDEO_URL):
    return add_page(
        home,
        StandardPage,
        title="Nos vidéos",
        body=[("embed", {"embed": url, "title": "Atelier réemploi en vidéo", "caption": ""})],
    )


def test_a_page_with_a_video_names_its_provider_and_loads_nothing_from_it_before_consent(home, client):
    recorded_embed()
    page = embed_page(home)

    html = client.get(page.url).content.decode()
    soup = BeautifulSoup(html, "html.parser")
    held = soup.select("template[data-embed-html]")
    assert len(held) == 1 and held[0].find("iframe")["title"] == "Atelier réemploi en vidéo"
    for template in soup.find_all("template"):
        template.decompose()
    # Outside the inert template: no frame, no image, no script, no address from the provider's host.
    assert not soup.find("iframe")
    assert not [tag for tag in soup.find_all(src=True) if VIDEO_HOST in tag["src"]]

    figure = soup.select_one("figure.embed")
    text = " ".join(figure.get_text(" ").split())
    assert "Ce contenu est hébergé par PeerTube Coopératif." in text
    assert "Le charger transmet des données à PeerTube Coopératif" in text
    assert figure.find("button", string="Charger le contenu (PeerTube Coopératif)").has_attr("hidden")  # JS shows it
    assert figure.find("a", string="Ouvrir sur le site d'origine")["href"] == VIDEO_URL  # works without JS
    assert soup.find("script", src=lambda src: src and src.endswith("cms/embed-consent.js"))


def test_an_embed_without_a_provider_name_is_named_by_its_host(home, client):
    recorded_embed(provider="")
    page = embed_page(home)

    soup = BeautifulSoup(client.get(page.url).content, "html.parser")

    assert soup.find("button", string="Charger le contenu (video.example.org)")
