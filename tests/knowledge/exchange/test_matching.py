"""Matching suggestions: the offers most likely to answer a need, by text similarity in the search
index (Elasticsearch under ./run test), same category and zone first; members only."""

import pytest
from django.urls import reverse

from knowledge.exchange import selectors, services
from knowledge.exchange.models import Category, Direction
from tests.factories import OrganisationFactory, PersonFactory, ZoneFactory
from tests.search.support import any_backend  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


def file(firm, direction, category, title, description, zone=None):
    author = PersonFactory(organisation=firm).user
    return services.sheet_create(
        by=author, organisation=firm, direction=direction, category=category, title=title, description=description,
        zone=zone,
    )  # fmt: skip


def test_offers_for_a_need_rank_same_category_and_zone_first_then_text_similarity(
    any_backend,  # noqa: F811
    django_capture_on_commit_callbacks,
    member,
):
    park, elsewhere = ZoneFactory(), ZoneFactory()
    firms = [OrganisationFactory() for _ in range(5)]
    with django_capture_on_commit_callbacks(execute=True):
        need = file(
            firms[0],
            Direction.NEED,
            Category.MATERIALS,
            "Palettes bois pour expéditions",
            "Nous cherchons des palettes en bois d'occasion pour nos expéditions.",
            park,
        )
        near = file(
            firms[1],
            Direction.OFFER,
            Category.MATERIALS,
            "Palettes bois disponibles",
            "Palettes en bois d'occasion, à enlever sur place chaque semaine.",
            park,
        )
        far = file(
            firms[2],
            Direction.OFFER,
            Category.MATERIALS,
            "Palettes bois à donner",
            "Des palettes en bois d'occasion, un lot par mois.",
            elsewhere,
        )
        other_category = file(
            firms[3],
            Direction.OFFER,
            Category.WASTE,
            "Palettes bois cassées",
            "Palettes en bois cassées pour le broyage.",
            park,
        )
        another_need = file(
            firms[4],
            Direction.NEED,
            Category.MATERIALS,
            "Palettes bois",
            "Nous cherchons aussi des palettes en bois.",
            park,
        )
        own_offer = file(
            firms[0], Direction.OFFER, Category.MATERIALS, "Nos palettes bois", "Palettes en bois d'occasion.", park
        )
        unrelated = file(
            firms[4],
            Direction.OFFER,
            Category.SKILLS,
            "Formation sauveteur secouriste",
            "Quatre places par session de formation au secourisme.",
            park,
        )
    any_backend.refresh()

    suggestions = selectors.matching_sheets(need, user=member, limit=5)

    assert suggestions[:3] == [near, far, other_category]
    assert another_need not in suggestions and own_offer not in suggestions  # needs, and the firm's own sheets
    assert unrelated not in suggestions

    # The page shows them.
    from django.test import Client

    client = Client()
    client.force_login(member)
    page = client.get(reverse("exchange:sheet", args=[need.pk]))
    assert page.context["suggestions"][:3] == [near, far, other_category]


def test_closed_sheets_leave_the_index_and_the_suggestions(any_backend, django_capture_on_commit_callbacks, member):  # noqa: F811
    firms = [OrganisationFactory() for _ in range(2)]
    with django_capture_on_commit_callbacks(execute=True):
        need = file(firms[0], Direction.NEED, Category.ENERGY, "Chaleur pour un atelier", "Chauffer notre atelier.")
        offer = file(firms[1], Direction.OFFER, Category.ENERGY, "Chaleur fatale du four", "Chaleur pour un atelier.")
    any_backend.refresh()
    assert selectors.matching_sheets(need, user=member) == [offer]
    with django_capture_on_commit_callbacks(execute=True):
        services.sheet_update(sheet=offer, by=firms[1].people.first().user, status="closed")
    any_backend.refresh()
    assert selectors.matching_sheets(need, user=member) == []
