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
from portal.members import services as member_services
from portal.members.demo import fictional_siret
from portal.members.models import MembershipStatus, Organisation, OrganisationKind, PersonRole
from portal.privacy import services as privacy_services
from portal.privacy.models import Purpose
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
    assert hit.facets["axis"] == hit.subtitle == str(site["axis"]) and hit.tags == ["réemploi"]
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


@pytest.fixture
def administrator(db):
    return PersonFactory(role=PersonRole.ADMINISTRATOR).user


def register(administrator, name, *, listed=True, status=MembershipStatus.ACTIVE, **fields):
    """An organisation and its membership of the cluster, through the members' services."""
    organisation = member_services.organisation_create(
        by=administrator, name=name, kind=fields.pop("kind", OrganisationKind.CLASSIC_FIRM),
        siret=fictional_siret(900_000 + Organisation.objects.count()), naf_code="62.01Z",
        in_public_directory=listed, commune="Arvière", **fields,
    )  # fmt: skip
    member_services.membership_create(organisation=organisation, status=status, by=administrator)
    return organisation


def test_directory_organisations_are_found_as_the_directory_shows_them(
    any_backend, administrator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        listed = register(
            administrator,
            "Scop Les Menuisiers",
            kind=OrganisationKind.COOPERATIVE,
            description="Menuiserie en bois local.",
        )
        register(administrator, "Menuiserie Discrète", listed=False, description="Menuiserie industrielle.")
        pending = register(
            administrator, "Menuiserie en attente", status=MembershipStatus.PENDING, description="Menuiserie."
        )

    assert found("menuiserie", any_backend) == ["Scop Les Menuisiers"]
    any_backend.refresh()
    hit = search.query("menuiserie", user=VISITOR).hits[0]
    assert hit.type == "organisation" and hit.facets["organisation_kind"] == "sse" and hit.subtitle == ""
    assert hit.url == f"/annuaire/{listed.slug}/"

    # Leaving the directory, or the membership ending, removes it; joining adds one.
    with django_capture_on_commit_callbacks(execute=True):
        member_services.organisation_update(organisation=listed, by=administrator, in_public_directory=False)
        member_services.membership_approve(membership=pending.memberships.get(), by=administrator)
    assert found("menuiserie", any_backend) == ["Menuiserie en attente"]

    with django_capture_on_commit_callbacks(execute=True):
        member_services.organisation_delete(organisation=pending, by=administrator)
    assert found("menuiserie", any_backend) == []


# Each service that changes what the directory shows of an organisation, and the change it makes:
# (description, function(organisation, administrator) -> None, found afterwards).
def _rename(organisation, by):
    member_services.organisation_update(organisation=organisation, by=by, name="Atelier Vélo Solidaire")


def _unlist(organisation, by):
    member_services.organisation_update(organisation=organisation, by=by, in_public_directory=False)


def _end_membership(organisation, by):
    member_services.membership_end(membership=organisation.memberships.get(), by=by)


def _delete_membership(organisation, by):
    member_services.membership_delete(membership=organisation.memberships.get(), by=by)


def _delete(organisation, by):
    member_services.organisation_delete(organisation=organisation, by=by)


def _withdraw_directory_consent(organisation, by):
    person = PersonFactory(organisation=organisation)
    privacy_services.consent_withdraw(person=person, purpose=Purpose.DIRECTORY, by=person.user)


def _admin_unticks_the_directory(organisation, by):
    privacy_services.directory_listing_set(organisation=organisation, listed=False, by=by)


@pytest.mark.parametrize(
    "change, expected",
    [
        (_rename, ["Atelier Vélo Solidaire"]),
        (_unlist, []),
        (_end_membership, []),
        (_delete_membership, []),
        (_delete, []),
        (_withdraw_directory_consent, []),
        (_admin_unticks_the_directory, []),
    ],
    ids=lambda value: value.__name__.strip("_") if callable(value) else "",
)
def test_every_service_change_of_an_organisation_reaches_the_index(
    any_backend, administrator, django_capture_on_commit_callbacks, change, expected
):
    with django_capture_on_commit_callbacks(execute=True):
        organisation = register(administrator, "Atelier Vélo", description="Réparation de vélos.")
    assert found("vélos", any_backend) == ["Atelier Vélo"]

    with django_capture_on_commit_callbacks(execute=True):
        change(organisation, administrator)

    assert found("vélos", any_backend) == expected
    assert not IndexOutbox.objects.exists()


def test_giving_the_directory_consent_lists_the_organisation(any_backend, django_capture_on_commit_callbacks):
    administrator = PersonFactory(role=PersonRole.ADMINISTRATOR).user
    with django_capture_on_commit_callbacks(execute=True):
        organisation = register(administrator, "Atelier Vélo", listed=False, description="Réparation de vélos.")
    assert found("vélos", any_backend) == []

    person = PersonFactory(organisation=organisation)
    with django_capture_on_commit_callbacks(execute=True):
        privacy_services.consent_give(person=person, purpose=Purpose.DIRECTORY, by=person.user)

    assert found("vélos", any_backend) == ["Atelier Vélo"]


def test_no_signal_indexes_organisations_behind_the_services(db):
    """Writes outside the services queue nothing: every writer of organisations schedules explicitly."""
    organisation = OrganisationFactory()
    MembershipFactory(organisation=organisation)
    organisation.delete()

    assert not IndexOutbox.objects.exists()


def test_the_demo_queues_every_organisation(db):
    from portal.members.demo import load_members

    load_members()

    queued = set(IndexOutbox.objects.filter(doc_type="organisation").values_list("object_id", flat=True))
    assert queued == {str(pk) for pk in Organisation.objects.values_list("pk", flat=True)}
