"""The best-practice pages as visitors, members, contributors and coordinators see them.

Pages are asked for in English (the msgids), so the assertions do not depend on the French catalogue.
"""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from knowledge.models import BestPractice, KeyFigure
from portal.members.models import OrganisationKind
from tests.factories import AxisFactory, BestPracticeFactory, OrganisationFactory, PersonFactory, make_coordinator


def english_client() -> Client:
    return Client(headers={"accept-language": "en"})


@pytest.fixture(autouse=True)
def keep_language():
    language = translation.get_language()
    yield
    translation.activate(language)


@pytest.fixture
def scene(db):
    axis = AxisFactory(title="Économie circulaire", slug="economie-circulaire")
    coordinator = PersonFactory()
    make_coordinator(coordinator, axis)
    recyclerie = OrganisationFactory(name="Recyclerie du Val", kind=OrganisationKind.ASSOCIATION)
    garage = OrganisationFactory(name="Garage Martin", kind=OrganisationKind.CLASSIC_FIRM)
    return {
        "axis": axis,
        "recyclerie": recyclerie,
        "garage": garage,
        "author": PersonFactory(organisation=recyclerie).user,
        "outsider": PersonFactory(organisation=garage).user,
        "coordinator": coordinator.user,
        "sse_record": BestPracticeFactory(
            title="Ressourcerie de zone", axis=axis, organisation=recyclerie, tags=["réemploi"]
        ),
        "firm_record": BestPracticeFactory(title="Pneus rechapés", axis=axis, organisation=garage),
        "members_record": BestPracticeFactory(
            title="Tarifs groupés d'enlèvement", organisation=garage, visibility="members"
        ),
        "draft": BestPracticeFactory(title="Brouillon confidentiel", organisation=recyclerie, status="draft"),
    }


def signed_in(user) -> Client:
    client = english_client()
    client.force_login(user)
    return client


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_visitors_see_published_public_records_only(scene):
    listing = page(english_client().get(reverse("knowledge:list")))

    assert "Ressourcerie de zone" in listing and "Pneus rechapés" in listing
    assert "Tarifs groupés" not in listing and "Brouillon confidentiel" not in listing
    assert "2 best practices" in listing


def test_members_also_see_the_records_for_members(scene):
    listing = page(signed_in(scene["outsider"]).get(reverse("knowledge:list")))

    assert "Tarifs groupés d&#x27;enlèvement" in listing and "Members only" in listing
    assert "Brouillon confidentiel" not in listing


def test_the_library_filters_by_kind_of_contributing_organisation_axis_and_tag(scene):
    client = english_client()

    sse = page(client.get(reverse("knowledge:list"), {"type": "sse"}))
    firms = page(client.get(reverse("knowledge:list"), {"type": "classic_firm"}))
    tagged = page(client.get(reverse("knowledge:list"), {"tag": "réemploi"}))
    by_axis = page(client.get(reverse("knowledge:list"), {"axe": "economie-circulaire"}))

    assert "Ressourcerie de zone" in sse and "Pneus rechapés" not in sse and "Social economy" in sse
    assert "Pneus rechapés" in firms and "Ressourcerie de zone" not in firms
    assert "Ressourcerie de zone" in tagged and "Pneus rechapés" not in tagged
    assert "2 best practices" in by_axis


def test_a_record_page_shows_its_content(scene):
    record = scene["sse_record"]
    KeyFigure.objects.create(record=record, value="-35 %", label="de déchets enfouis")

    detail = page(english_client().get(reverse("knowledge:detail", args=[record.slug])))

    assert "Ressourcerie de zone" in detail
    assert "Recyclerie du Val" in detail and "Social economy" in detail
    assert "-35 %" in detail and "de déchets enfouis" in detail
    assert "No organisation has said it adopted this practice yet." in detail


def test_a_members_only_record_sends_visitors_to_sign_in_and_drafts_stay_hidden(scene):
    client = english_client()

    members_only = client.get(reverse("knowledge:detail", args=[scene["members_record"].slug]))
    draft = client.get(reverse("knowledge:detail", args=[scene["draft"].slug]))
    outsider_on_draft = signed_in(scene["outsider"]).get(reverse("knowledge:detail", args=[scene["draft"].slug]))

    assert members_only.status_code == 302 and reverse("members:login") in members_only["Location"]
    assert draft.status_code == 404
    assert outsider_on_draft.status_code == 404
    assert "Brouillon confidentiel" in page(
        signed_in(scene["author"]).get(reverse("knowledge:detail", args=[scene["draft"].slug]))
    )


def test_a_member_shares_a_draft_submits_it_and_the_coordinator_publishes_it(scene, search_backend):
    author = signed_in(scene["author"])
    response = author.post(
        reverse("knowledge:create"),
        {
            "title": "Atelier vélo partagé",
            "summary": "Les salariés de la zone réparent leurs vélos ensemble.",
            "axis": scene["axis"].pk,
            "body": "Un local, des outils.\n\nUn bénévole le jeudi.",
            "figures": "40 vélos réparés\n-12 % de trajets en voiture",
            "tags": "mobilité, vélo",
            "visibility": "public",
        },
    )
    record = BestPractice.objects.get(title="Atelier vélo partagé")
    assert response.status_code == 302 and response["Location"] == record.get_absolute_url()
    assert record.status == "draft" and record.organisation == scene["recyclerie"]
    assert record.body == "<p>Un local, des outils.</p><p>Un bénévole le jeudi.</p>"
    assert [(f.value, f.label) for f in record.figures.all()] == [
        ("40", "vélos réparés"),
        ("-12 %", "de trajets en voiture"),
    ]
    assert sorted(record.tags.names()) == ["mobilité", "vélo"]

    author.post(reverse("knowledge:submit", args=[record.slug]))
    coordinator = signed_in(scene["coordinator"])
    assert "Atelier vélo partagé" in page(coordinator.get(reverse("knowledge:review")))
    assert signed_in(scene["outsider"]).post(reverse("knowledge:publish", args=[record.slug])).status_code == 403
    coordinator.post(reverse("knowledge:publish", args=[record.slug]))

    record.refresh_from_db()
    assert record.status == "published"
    detail = page(author.get(record.get_absolute_url()))
    assert "Version history" in detail and "published" in detail


def test_the_form_explains_a_figure_it_cannot_read(scene):
    response = signed_in(scene["author"]).post(
        reverse("knowledge:create"),
        {"title": "x", "summary": "y", "axis": scene["axis"].pk, "figures": "beaucoup", "visibility": "public"},
    )

    assert "Write each figure as the number then what it measures." in page(response)
    assert not BestPractice.objects.filter(title="x").exists()


def test_another_organisation_says_it_adopted_a_record(scene):
    record = scene["sse_record"]
    client = signed_in(scene["outsider"])

    assert "Our organisation adopted it" in page(client.get(record.get_absolute_url()))
    client.post(reverse("knowledge:adopt", args=[record.slug]), {"comment": "Sur notre parking"})

    detail = page(client.get(record.get_absolute_url()))
    assert "Garage Martin — Sur notre parking" in detail
    assert "Our organisation adopted it" not in detail
