"""The public site in the portal's search (cms/indexing.py): live, public pages and the organisations
of the public directory, kept in step through the outbox when pages are published, unpublished,
moved, made private or deleted, and when an organisation joins or leaves the directory.

Run against every available backend; the outbox is drained on commit, as in production.
"""

import io

import pytest
from django.core.management import call_command
from wagtail.models import PageViewRestriction

import search
from cms.events.models import EventIndexPage
from cms.models import HomePage, NewsIndexPage, StandardPage
from portal.members.models import MembershipStatus, OrganisationKind
from search.models import IndexOutbox
from tests.cms.pages import add_event, add_news, add_page, axis_page
from tests.factories import AxisFactory, MembershipFactory, OrganisationFactory, PersonFactory


class AnonymousUser:
    is_authenticated = False
    is_active = False


VISITOR = AnonymousUser()


def found(text, backend, user=VISITOR, **filters) -> list[str]:
    backend.refresh()
    return sorted(hit.title for hit in search.query(text, user=user, filters=filters).hits)


@pytest.fixture
def home(db):
    return HomePage.objects.get()


@pytest.fixture
def site(home, any_backend, django_capture_on_commit_callbacks):
    """An axis with its news index, and a standard page, published (and so indexed)."""
    with django_capture_on_commit_callbacks(execute=True):
        axis = AxisFactory(title="Économie circulaire")
        axis_home = axis_page(home, axis, introduction="Le réemploi des matériaux du bâtiment.")
        news_index = add_page(axis_home, NewsIndexPage, title="Actualités de l'axe")
        standard = add_page(home, StandardPage, title="Qui sommes-nous", intro="Une coopérative de territoire.")
    return {"axis": axis, "axis_page": axis_home, "news_index": news_index, "standard": standard}


def test_a_published_news_item_is_found_with_its_streamfield_text_axis_tags_and_type(
    site, any_backend, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        news = add_news(
            site["news_index"],
            title="Une ressourcerie ouvre aux Tanneries",
            summary="Meubles et matériaux repartent pour une seconde vie.",
            body=[("text", "<p>Les <b>palettes</b> collectées chez douze entreprises.</p>")],
        )
        news.tags.add("réemploi")
        news.save_revision().publish()

    assert found("ressourcerie", any_backend) == ["Une ressourcerie ouvre aux Tanneries"]
    # The StreamField's rich text, folded and stemmed like the rest.
    assert found("palette", any_backend) == ["Une ressourcerie ouvre aux Tanneries"]
    any_backend.refresh()
    results = search.query("ressourcerie", user=VISITOR)
    hit = results.hits[0]
    assert hit.type == "news" and hit.url == news.url
    assert hit.axis == str(site["axis"]) and hit.tags == ["réemploi"]
    assert hit.year == news.date.year
    assert dict(results.facets["type"]) == {"news": 1}


def test_events_and_other_pages_have_their_own_types(site, any_backend, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        agenda = add_page(site["axis_page"], EventIndexPage, title="Agenda")
        add_event(agenda, title="Atelier réemploi", summary="Visite de la matériauthèque.")

    any_backend.refresh()
    results = search.query("réemploi", user=VISITOR)
    assert dict(results.facets["type"]) == {"event": 1, "page": 1}
    assert found("réemploi", any_backend, type="event") == ["Atelier réemploi"]
    # The axis page's introduction is its summary.
    assert found("matériaux", any_backend) == ["Économie circulaire"]
    # A page under an axis page belongs to that axis.
    assert found("matériauthèque", any_backend, axis=str(site["axis"])) == ["Atelier réemploi"]


def test_an_unpublished_page_leaves_the_search(site, any_backend, django_capture_on_commit_callbacks):
    assert found("coopérative", any_backend) == ["Qui sommes-nous"]

    with django_capture_on_commit_callbacks(execute=True):
        site["standard"].unpublish()

    assert found("coopérative", any_backend) == []


def test_a_draft_is_never_found_until_published(site, any_backend, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        draft = add_news(site["news_index"], title="Brouillon sur la mobilité", publish=False)
        draft.save_revision()
    assert found("mobilité", any_backend) == []

    with django_capture_on_commit_callbacks(execute=True):
        draft.get_latest_revision().publish()
    assert found("mobilité", any_backend) == ["Brouillon sur la mobilité"]


def test_a_deleted_page_and_its_subtree_leave_the_search(site, any_backend, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        add_news(site["news_index"], title="Bilan du réemploi 2025")
    assert found("réemploi", any_backend) == ["Bilan du réemploi 2025", "Économie circulaire"]

    with django_capture_on_commit_callbacks(execute=True):
        site["axis_page"].delete()

    assert found("réemploi", any_backend) == []
    assert not IndexOutbox.objects.exists()


def test_a_private_page_is_never_found_even_by_members(site, any_backend, django_capture_on_commit_callbacks, home):
    member = PersonFactory().user
    with django_capture_on_commit_callbacks(execute=True):
        private = add_page(home, StandardPage, title="Espace des adhérents", intro="Les tarifs négociés.")
        PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
        # Publishing again after the restriction changes nothing.
        private.save_revision().publish()
    assert found("tarifs", any_backend) == []
    assert found("tarifs", any_backend, user=member) == []
    assert search.autocomplete("espace des", user=member) == []


def test_making_a_section_private_removes_it_and_its_pages_and_public_again_restores_them(
    site, any_backend, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        add_news(site["news_index"], title="Collecte mutualisée des cartons")
    assert found("cartons", any_backend) == ["Collecte mutualisée des cartons"]

    with django_capture_on_commit_callbacks(execute=True):
        restriction = PageViewRestriction.objects.create(
            page=site["axis_page"], restriction_type=PageViewRestriction.PASSWORD, password="secret"
        )
    assert found("cartons", any_backend) == []
    assert found("matériaux", any_backend) == []

    with django_capture_on_commit_callbacks(execute=True):
        restriction.delete()
    assert found("cartons", any_backend) == ["Collecte mutualisée des cartons"]


def test_moving_a_page_into_a_private_section_removes_it(site, any_backend, django_capture_on_commit_callbacks, home):
    with django_capture_on_commit_callbacks(execute=True):
        news = add_news(site["news_index"], title="Covoiturage sur la zone")
        members_only = add_page(home, NewsIndexPage, title="Nouvelles internes")
        PageViewRestriction.objects.create(page=members_only, restriction_type=PageViewRestriction.LOGIN)
    assert found("covoiturage", any_backend) == ["Covoiturage sur la zone"]

    with django_capture_on_commit_callbacks(execute=True):
        news.move(members_only, pos="last-child")

    assert found("covoiturage", any_backend) == []


def test_a_new_slug_updates_the_links_of_the_whole_section(site, any_backend, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        add_news(site["news_index"], title="Compostage partagé")
    with django_capture_on_commit_callbacks(execute=True):
        axis_page = site["axis_page"]
        axis_page.slug = "circulaire"
        axis_page.save_revision().publish()

    any_backend.refresh()
    [hit] = search.query("compostage", user=VISITOR).hits
    assert hit.url == "/circulaire/actualites-de-laxe/compostage-partage/"


def test_rebuild_index_covers_pages_and_directory_organisations(home, any_backend, db):
    add_page(home, StandardPage, title="Charte du pôle", intro="Nos engagements de coopération.")
    MembershipFactory(organisation=OrganisationFactory(name="Coopérative Bois Local", description="Menuiserie."))
    IndexOutbox.objects.all().delete()  # as if the index had drifted: nothing was ever sent

    call_command("rebuild_index", stdout=io.StringIO(), stderr=io.StringIO())

    assert found("charte", any_backend) == ["Charte du pôle"]
    assert found("menuiserie", any_backend) == ["Coopérative Bois Local"]


# --- Organisations of the public directory ------------------------------------------------------


def test_directory_organisations_are_found_as_the_directory_shows_them(any_backend, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        listed = OrganisationFactory(
            name="Scop Les Menuisiers", kind=OrganisationKind.COOPERATIVE, description="Menuiserie en bois local."
        )
        MembershipFactory(organisation=listed)
        discreet = OrganisationFactory(
            name="Menuiserie Discrète", in_public_directory=False, description="Menuiserie industrielle."
        )
        MembershipFactory(organisation=discreet)
        pending = OrganisationFactory(name="Menuiserie en attente", description="Menuiserie.")
        MembershipFactory(organisation=pending, status=MembershipStatus.PENDING)

    assert found("menuiserie", any_backend) == ["Scop Les Menuisiers"]
    any_backend.refresh()
    hit = search.query("menuiserie", user=VISITOR).hits[0]
    assert hit.type == "organisation" and hit.organisation_kind == "sse"
    assert hit.url == f"/annuaire/{listed.slug}/"

    # Leaving the directory, or the membership ending, removes it; joining adds one.
    with django_capture_on_commit_callbacks(execute=True):
        listed.in_public_directory = False
        listed.save()
        membership = pending.memberships.get()
        membership.status = MembershipStatus.ACTIVE
        membership.save()
    assert found("menuiserie", any_backend) == ["Menuiserie en attente"]

    with django_capture_on_commit_callbacks(execute=True):
        pending.delete()
    assert found("menuiserie", any_backend) == []
