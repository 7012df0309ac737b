"""Probes of the public site's rules (Wagtail pages, images, documents, settings).

`scope_site(world, kind, inside)` builds, once per world, what the cms and events probes share: the
page of an axis or a club with its news and events, and an image and a document in the scope's
collection, with the rights set up by the real service (cms.services.publishing_setup).
"""

import datetime
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Collection, Site

from cms import selectors, services
from cms.events.models import EventIndexPage
from cms.models import ClubPage, HomePage, NewsIndexPage, SurveyResultsPage
from portal.clubs import services as club_services
from portal.clubs.models import SurveyInvitation
from tests.cms.pages import add_news, add_page, axis_page
from tests.factories import UserFactory

from ..kit import allowed, client_for, probe

Image = get_image_model()
Document = get_document_model()


def scope_site(world, kind: str, inside: bool) -> dict:
    """The page of the world's axis or club (inside or outside) with its news index, a news item and
    an agenda, and its collection holding an image and a document; built once per world, the rights
    set up by the real service."""
    name = f"{kind}_{'in' if inside else 'out'}"
    key = f"site-{name}"
    if key in world.extra:
        return world.extra[key]
    home = HomePage.objects.get()
    scope = getattr(world, name)
    if kind == "axis":
        page = axis_page(home, scope)
    else:
        page = add_page(home, ClubPage, title=scope.name, slug=f"club-{scope.pk}", club=scope)
    news = add_page(page, NewsIndexPage, title=f"Actualités {scope}", slug="actualites")
    entry = {
        "scope": scope,
        "page": page,
        "news": news,
        "news_item": add_news(news, title=f"Nouvelle de {scope}"),
        "agenda": add_page(page, EventIndexPage, title=f"Agenda {scope}", slug="agenda"),
    }
    services.publishing_setup()
    scope_collection = getattr(selectors, "scope_collection", None)  # before the collections per scope
    collection = scope_collection(kind, scope.pk) if scope_collection else Collection.get_first_root_node()
    entry["collection"] = collection
    entry["image"] = Image.objects.create(
        title=f"Image {name}", file=get_test_image_file(f"{name}.png"), collection=collection
    )
    entry["document"] = Document.objects.create(
        title=f"Document {name}", file=SimpleUploadedFile(f"{name}.txt", b"Compte rendu"), collection=collection
    )
    world.extra[key] = entry
    return entry


_entry = scope_site


def _page_editor(user, page):
    return allowed(client_for(user).get(reverse("wagtailadmin_pages:edit", args=[page.pk])))


def _add_news_form(user, index):
    return allowed(client_for(user).get(reverse("wagtailadmin_pages:add", args=["cms", "newspage", index.pk])))


@probe("cms.page.edit_axis_page")
def edit_axis_page(world, user, inside):
    return _page_editor(user, _entry(world, "axis", inside)["page"])


@probe("cms.page.explore_axis_page")
def explore_axis_page(world, user, inside):
    # Wagtail's page explorer lists an axis's pages: its news index shows to whoever may go there.
    entry = _entry(world, "axis", inside)
    response = client_for(user).get(reverse("wagtailadmin_explore", args=[entry["page"].pk]))
    return allowed(response) and entry["news"].title in response.content.decode()


@probe("cms.page.add_axis_news")
def add_axis_news(world, user, inside):
    return _add_news_form(user, _entry(world, "axis", inside)["news"])


@probe("cms.page.edit_axis_news")
def edit_axis_news(world, user, inside):
    return _page_editor(user, _entry(world, "axis", inside)["news_item"])


@probe("cms.page.publish_axis_news")
def publish_axis_news(world, user, inside):
    # Publishing goes through the administrators' approval: Wagtail's own test of the right.
    if user is None:
        return False
    return _entry(world, "axis", inside)["news_item"].permissions_for_user(user).can_publish()


@probe("cms.page.news_axis_choice")
def news_axis_choice(world, user, inside):
    """In a news form the user may open (under her axis's or her club's news), is the axis offered?"""
    axis = world.inside("axis", inside)
    for kind in ("axis", "club"):
        index = _entry(world, kind, True)["news"]
        response = client_for(user).get(reverse("wagtailadmin_pages:add", args=["cms", "newspage", index.pk]))
        if response.status_code == 200:
            select = re.search(r'<select name="axis"[^>]*>(.*?)</select>', response.content.decode(), re.S)
            return bool(select and f'value="{axis.pk}"' in select.group(1))
    return False


@probe("cms.page.edit_club_page")
def edit_club_page(world, user, inside):
    return _page_editor(user, _entry(world, "club", inside)["page"])


@probe("cms.page.add_club_news")
def add_club_news(world, user, inside):
    return _add_news_form(user, _entry(world, "club", inside)["news"])


def _upload(user, url_name, entry, title, file):
    """Posts the admin's upload form into the scope's collection: did it land there?"""
    model = Image if url_name.startswith("wagtailimages") else Document
    client_for(user).post(
        reverse(url_name), {"title": title, "file": file, "collection": entry["collection"].pk, "tags": ""}
    )
    return model.objects.filter(title=title, collection=entry["collection"]).exists()


def _png():
    return SimpleUploadedFile("envoi.png", get_test_image_file().file.getvalue(), content_type="image/png")


def _chooser_lists(user, url_name, title):
    response = client_for(user).get(reverse(url_name))
    return allowed(response) and title in response.content.decode()


@probe("cms.image.upload_axis")
def image_upload_axis(world, user, inside):
    entry = _entry(world, "axis", inside)
    return _upload(user, "wagtailimages:add", entry, "Photo envoyée", _png())


@probe("cms.image.choose_axis")
def image_choose_axis(world, user, inside):
    return _chooser_lists(user, "wagtailimages_chooser:choose", _entry(world, "axis", inside)["image"].title)


@probe("cms.image.upload_club")
def image_upload_club(world, user, inside):
    entry = _entry(world, "club", inside)
    return _upload(user, "wagtailimages:add", entry, "Photo envoyée", _png())


@probe("cms.image.choose_club")
def image_choose_club(world, user, inside):
    return _chooser_lists(user, "wagtailimages_chooser:choose", _entry(world, "club", inside)["image"].title)


@probe("cms.document.upload_axis")
def document_upload_axis(world, user, inside):
    entry = _entry(world, "axis", inside)
    return _upload(user, "wagtaildocs:add", entry, "Compte rendu envoyé", SimpleUploadedFile("cr.txt", b"Notes"))


@probe("cms.document.choose_axis")
def document_choose_axis(world, user, inside):
    return _chooser_lists(user, "wagtaildocs_chooser:choose", _entry(world, "axis", inside)["document"].title)


@probe("cms.document.upload_club")
def document_upload_club(world, user, inside):
    entry = _entry(world, "club", inside)
    return _upload(user, "wagtaildocs:add", entry, "Compte rendu envoyé", SimpleUploadedFile("cr.txt", b"Notes"))


@probe("cms.document.choose_club")
def document_choose_club(world, user, inside):
    return _chooser_lists(user, "wagtaildocs_chooser:choose", _entry(world, "club", inside)["document"].title)


@probe("cms.settings.site_identity")
def site_identity(world, user, inside):
    # The cluster's identity is one scope: inside and outside are the same screen.
    site = Site.objects.get(is_default_site=True)
    return allowed(client_for(user).get(f"/admin/settings/cms/siteidentity/{site.pk}/"))


@probe("cms.survey_results.publish")
def survey_results_publish(world, user, inside):
    """A club's needs survey, answered by its member firm, published as a page in one click."""
    club, firm = world.inside("club", inside), world.inside("org", inside)
    survey = club_services.survey_open(
        title=f"Besoins de {club}", club=club, closes_on=datetime.date.today() + datetime.timedelta(days=30),
        by=UserFactory(is_superuser=True),
    )  # fmt: skip
    invitation = SurveyInvitation.objects.get(survey=survey, organisation=firm)
    club_services.survey_answer(
        token=club_services.invitation_token(invitation),
        answers=[{"problem": "waste", "importance": 3, "comment": "Bennes pleines"}],
    )
    client_for(user).post(reverse("survey_results_page", args=[survey.pk]))
    return SurveyResultsPage.objects.filter(survey=survey).exists()


# --- Subscriptions (#21) --------------------------------------------------------------------------


def _members_only_news_in_feed(world, user, kind, inside) -> bool:
    from wagtail.models import PageViewRestriction

    entry = scope_site(world, kind, inside)
    key = f"members-only-news-{kind}-{inside}"
    if key not in world.extra:
        news = add_news(entry["news"], title=f"Réservée aux membres {entry['scope']}")
        PageViewRestriction.objects.create(page=news, restriction_type=PageViewRestriction.LOGIN)
        world.extra[key] = news
    response = client_for(user).get(reverse(f"{kind}_rss", args=[entry["scope"].slug]))
    return response.status_code == 200 and world.extra[key].title.encode() in response.content


@probe("cms.feeds.axis_members_only_news")
def feeds_axis_members_only_news(world, user, inside):
    return _members_only_news_in_feed(world, user, "axis", inside)


@probe("cms.feeds.club_members_only_news")
def feeds_club_members_only_news(world, user, inside):
    return _members_only_news_in_feed(world, user, "club", inside)


def _on_the_map(world, user, inside: bool, *, listed: bool) -> bool:
    """Whether the world's firm (org_in or org_out, an active member of its zone's club) is on the
    directory's map, in the page and in its map data, once it is placed and listed as said."""
    firm = world.inside("org", inside)
    firm.latitude, firm.longitude, firm.in_public_directory = 47.1, 2.4, listed
    firm.save(update_fields=["latitude", "longitude", "in_public_directory"])
    response = client_for(user).get(reverse("cms:directory_map"))
    return allowed(response) and reverse("cms:directory_entry", args=[firm.slug]) in response.content.decode()


@probe("cms.directory.map_listed_firm")
def directory_map_listed_firm(world, user, inside):
    return _on_the_map(world, user, inside, listed=True)


@probe("cms.directory.map_unlisted_firm")
def directory_map_unlisted_firm(world, user, inside):
    return _on_the_map(world, user, inside, listed=False)
