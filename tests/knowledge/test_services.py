"""The best-practice workflow as contributors and coordinators live it, and what the search then finds.

Writes go through knowledge.services; their index updates are drained on commit into the backend the
environment configures (Elasticsearch under ./run test, the database otherwise).
"""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver, reverse

import search
from knowledge import services
from knowledge.models import BestPractice, BestPracticeRevision
from portal.members.models import OrganisationKind, PersonRole
from portal.members.services import person_create
from portal.privacy.models import Purpose
from portal.privacy.services import consent_give
from tests.factories import (
    AxisFactory,
    OrganisationFactory,
    PersonFactory,
    UserFactory,
    WorkgroupFactory,
    WorkgroupMembershipFactory,
    make_coordinator,
)
from workgroups import services as workgroup_services

User = get_user_model()


@pytest.fixture
def scene(db):
    recyclerie = OrganisationFactory(name="Recyclerie du Val", kind=OrganisationKind.ASSOCIATION, siret="")
    garage = OrganisationFactory(name="Garage Martin", kind=OrganisationKind.CLASSIC_FIRM)
    axis = AxisFactory(title="Économie circulaire")
    coordinator = PersonFactory(role=PersonRole.COORDINATOR)
    make_coordinator(coordinator, axis)
    return {
        "axis": axis,
        "recyclerie": recyclerie,
        "author": PersonFactory(organisation=recyclerie).user,
        "colleague": PersonFactory(organisation=recyclerie).user,
        "outsider": PersonFactory(organisation=garage).user,
        "coordinator": coordinator.user,
        "other_coordinator": PersonFactory(role=PersonRole.COORDINATOR).user,
        "visitor": None,
    }


def draft(scene, *, title="Réemploi des déchets de chantier", visibility="public", **fields):
    return services.best_practice_create(
        by=scene["author"],
        organisation=scene["recyclerie"],
        axis=scene["axis"],
        title=title,
        summary="Les chutes de bois et les palettes repartent en atelier plutôt qu'en benne.",
        body="<p>Un conteneur de tri <b>sur chaque chantier</b>.</p>",
        visibility=visibility,
        tags=["réemploi", "BTP"],
        figures=[("-35 %", "de déchets enfouis"), ("12", "entreprises participantes")],
        **fields,
    )


def published(scene, **kwargs):
    record = draft(scene, **kwargs)
    services.best_practice_submit(record=record, by=scene["author"])
    return services.best_practice_publish(record=record, by=scene["coordinator"])


def titles(text, user, backend, **kwargs) -> list[str]:
    backend.refresh()
    return [hit.title for hit in search.query(text, user=user, **kwargs).hits]


class AnonymousUser:
    is_authenticated = False
    is_active = False


VISITOR = AnonymousUser()


def test_a_record_is_found_by_its_reviewers_in_review_by_all_once_published_and_archiving_removes_it(
    scene, search_backend, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        record = draft(scene)
    assert titles("déchets", VISITOR, search_backend) == []
    assert titles("déchets", scene["coordinator"], search_backend) == []  # a draft is its authors' only

    with django_capture_on_commit_callbacks(execute=True):
        services.best_practice_submit(record=record, by=scene["author"])
    # In review: the coordinators of its axis and its organisation find it, nobody else.
    assert titles("déchets", scene["coordinator"], search_backend) == ["Réemploi des déchets de chantier"]
    assert titles("déchets", scene["colleague"], search_backend) == ["Réemploi des déchets de chantier"]
    for someone in (VISITOR, scene["outsider"], scene["other_coordinator"]):
        assert titles("déchets", someone, search_backend) == []

    with django_capture_on_commit_callbacks(execute=True):
        services.best_practice_publish(record=record, by=scene["coordinator"])
    assert titles("dechet", VISITOR, search_backend) == ["Réemploi des déchets de chantier"]
    # The body's rich text, the figures and the tags are searchable too.
    assert titles("conteneur", VISITOR, search_backend) == ["Réemploi des déchets de chantier"]
    assert titles("enfouis", VISITOR, search_backend) == ["Réemploi des déchets de chantier"]

    with django_capture_on_commit_callbacks(execute=True):
        services.best_practice_archive(record=record, by=scene["coordinator"])
    assert titles("déchets", scene["author"], search_backend) == []


def test_a_deleted_record_leaves_the_search(scene, search_backend, django_capture_on_commit_callbacks, administrator):
    with django_capture_on_commit_callbacks(execute=True):
        record = published(scene)
    assert titles("déchets", VISITOR, search_backend) == [record.title]

    with django_capture_on_commit_callbacks(execute=True):
        services.best_practice_delete(record=record, by=administrator)

    assert titles("déchets", VISITOR, search_backend) == []


def test_a_members_only_record_is_found_by_members_not_by_visitors(
    scene, search_backend, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        published(scene, title="Tarifs négociés pour les déchets", visibility="members")

    assert titles("déchets", VISITOR, search_backend) == []
    assert search.autocomplete("tarif", user=VISITOR) == []
    assert titles("déchets", scene["outsider"], search_backend) == ["Tarifs négociés pour les déchets"]
    assert [s.title for s in search.autocomplete("tarif", user=scene["outsider"])] == [
        "Tarifs négociés pour les déchets"
    ]


def test_the_contributing_organisation_kind_is_a_facet(scene, search_backend, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        published(scene)
    search_backend.refresh()

    results = search.query("déchets", user=VISITOR)

    assert results.facets["organisation_kind"] == [("sse", 1)]
    assert results.facets["axis"] == [(str(scene["axis"]), 1)]
    assert sorted(results.facets["tags"]) == [("BTP", 1), ("réemploi", 1)]


def test_workgroup_messages_are_found_by_the_workgroup_members_only(
    scene, search_backend, django_capture_on_commit_callbacks
):
    workgroup = WorkgroupFactory(name="Filière bois")
    member = WorkgroupMembershipFactory(workgroup=workgroup).person.user
    with django_capture_on_commit_callbacks(execute=True):
        message = workgroup_services.message_send(
            workgroup=workgroup, by=member, body="Qui récupère nos palettes cassées ?"
        )

    assert titles("palettes", member, search_backend) == [f"Filière bois · {member.person}"]
    assert titles("palettes", scene["outsider"], search_backend) == []
    assert titles("palettes", VISITOR, search_backend) == []
    hit = search.query("palette", user=member).hits[0]
    assert hit.url == f"/groupes/{workgroup.slug}/?before={message.sequence + 1}#m{message.sequence}"

    with django_capture_on_commit_callbacks(execute=True):
        workgroup_services.message_remove(message=message, by=member)
    assert titles("palettes", member, search_backend) == []


def test_leaving_a_workgroup_takes_its_messages_out_of_ones_results(
    scene, search_backend, django_capture_on_commit_callbacks
):
    workgroup = WorkgroupFactory(name="Filière bois")
    member = WorkgroupMembershipFactory(workgroup=workgroup).person.user
    with django_capture_on_commit_callbacks(execute=True):
        workgroup_services.message_send(workgroup=workgroup, by=member, body="Inventaire des palettes")
    assert len(titles("palettes", member, search_backend)) == 1

    workgroup_services.workgroup_leave(workgroup=workgroup, by=member)

    assert titles("palettes", member, search_backend) == []


# --- Permissions and history --------------------------------------------------------------------


def test_only_the_organisations_people_write_for_it(scene):
    with pytest.raises(PermissionDenied):
        services.best_practice_create(
            by=scene["outsider"], organisation=scene["recyclerie"], axis=scene["axis"], title="x", summary="y"
        )


def test_colleagues_edit_a_draft_but_not_people_of_other_organisations(scene):
    record = draft(scene)

    services.best_practice_update(record=record, by=scene["colleague"], title="Réemploi du bois de chantier")
    with pytest.raises(PermissionDenied):
        services.best_practice_update(record=record, by=scene["outsider"], title="Pris")

    record.refresh_from_db()
    assert record.title == "Réemploi du bois de chantier"


def test_only_the_axis_coordinators_or_administrators_publish(scene, administrator):
    record = draft(scene)
    services.best_practice_submit(record=record, by=scene["author"])

    for someone in ("author", "outsider", "other_coordinator"):
        with pytest.raises(PermissionDenied):
            services.best_practice_publish(record=record, by=scene[someone])
    services.best_practice_publish(record=record, by=administrator)

    record.refresh_from_db()
    assert record.status == "published" and record.published_at is not None


def test_a_coordinator_sends_a_submission_back_with_a_note(scene):
    record = draft(scene)
    services.best_practice_submit(record=record, by=scene["author"])

    with pytest.raises(ValidationError):
        services.best_practice_request_changes(record=record, by=scene["coordinator"], note="  ")
    services.best_practice_request_changes(record=record, by=scene["coordinator"], note="Ajoutez les coûts.")

    record.refresh_from_db()
    assert (record.status, record.review_note) == ("draft", "Ajoutez les coûts.")


def test_every_change_keeps_a_version_with_its_content(scene):
    record = draft(scene)
    services.best_practice_update(record=record, by=scene["author"], summary="Nouveau résumé.")
    services.best_practice_submit(record=record, by=scene["author"])
    services.best_practice_publish(record=record, by=scene["coordinator"])

    versions = list(BestPracticeRevision.objects.filter(record=record).order_by("number"))

    assert [(v.number, v.action) for v in versions] == [
        (1, "created"),
        (2, "edited"),
        (3, "submitted"),
        (4, "published"),
    ]
    assert versions[0].snapshot["summary"].startswith("Les chutes de bois")
    assert versions[1].snapshot["summary"] == "Nouveau résumé."
    assert versions[0].snapshot["tags"] == ["BTP", "réemploi"]
    assert versions[0].snapshot["figures"][0] == {"value": "-35 %", "label": "de déchets enfouis"}
    assert versions[3].author == scene["coordinator"].person


def test_another_organisation_says_once_that_it_adopted_a_practice(scene):
    record = published(scene)

    services.best_practice_adopt(record=record, by=scene["outsider"], comment="Testé sur notre parking.")
    with pytest.raises(ValidationError):
        services.best_practice_adopt(record=record, by=scene["outsider"])
    with pytest.raises(PermissionDenied):
        services.best_practice_adopt(record=record, by=scene["colleague"])

    assert [a.organisation.name for a in record.adoptions.all()] == ["Garage Martin"]


def test_a_workgroup_discussion_becomes_a_draft_quoting_its_messages(scene):
    workgroup = WorkgroupFactory(name="Filière bois", axis=scene["axis"])
    WorkgroupMembershipFactory(workgroup=workgroup, person=scene["author"].person)
    first = workgroup_services.message_send(workgroup=workgroup, by=scene["author"], body="Les palettes <cassées>")
    second = workgroup_services.message_send(workgroup=workgroup, by=scene["author"], body="On les répare ensemble")

    record = services.best_practice_from_discussion(
        workgroup=workgroup, by=scene["author"], title="Atelier palettes", sequences=[first.sequence, second.sequence]
    )

    assert (record.status, record.axis, record.organisation) == ("draft", scene["axis"], scene["recyclerie"])
    assert "Les palettes &lt;cassées&gt;" in record.body and "On les répare ensemble" in record.body
    with pytest.raises(PermissionDenied):
        services.best_practice_from_discussion(
            workgroup=workgroup, by=scene["outsider"], title="x", sequences=[first.sequence]
        )


def test_an_account_without_a_profile_searches_as_a_visitor(scene, search_backend, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        published(scene, title="Déchets: accord cadre", visibility="members")
    bare = UserFactory()

    assert search.grants_for(bare) == ["public"]
    assert titles("déchets", bare, search_backend) == []
    person_create(user=bare, role=PersonRole.MEMBER)
    bare.refresh_from_db()
    assert titles("déchets", bare, search_backend) == ["Déchets: accord cadre"]


def test_a_contact_person_must_have_agreed_to_be_shown(scene, client):
    colleague = scene["colleague"].person
    with pytest.raises(ValidationError) as refused:
        draft(scene, contact=colleague)
    assert "n'a pas accepté" in " ".join(refused.value.messages)

    consent_give(person=colleague, purpose=Purpose.CONTACT, by=colleague.user)
    record = draft(scene, contact=colleague)
    assert record.contact == colleague

    # The form offers only the people who agreed.
    client.force_login(scene["author"])
    form = client.get(reverse("knowledge:create")).content.decode()
    assert str(colleague) in form
    assert str(scene["author"].person) not in form.split('name="contact"')[1].split("</select>")[0]


def _queries_of_a_publish(scene, size: int) -> list[str]:
    """The statements one publication costs, for a record with `size` tags, figures and partners,
    submitted and sent back `size` times, loaded afresh with its coordinator (as a request has them)."""
    record = services.best_practice_create(
        by=scene["author"],
        organisation=scene["recyclerie"],
        axis=scene["axis"],
        title=f"Réemploi {size}",
        summary="Les palettes repartent en atelier.",
        tags=[f"étiquette {index}" for index in range(size)],
        figures=[(str(index), f"chiffre {index}") for index in range(size)],
        partners=[OrganisationFactory() for _ in range(size)],
    )
    for _ in range(size):
        services.best_practice_submit(record=record, by=scene["author"])
        services.best_practice_request_changes(record=record, by=scene["coordinator"], note="Précisez.")
    services.best_practice_submit(record=record, by=scene["author"])
    record = BestPractice.objects.get(pk=record.pk)
    coordinator = User.objects.get(pk=scene["coordinator"].pk)
    with CaptureQueriesContext(connection) as captured:
        services.best_practice_publish(record=record, by=coordinator)
    return [query["sql"] for query in captured.captured_queries]


def test_publishing_costs_the_same_queries_whatever_the_record_holds(scene):
    # As in any serving process, the URLconf is loaded: the Wagtail admin then tracks the record in
    # its reference index (one task run inline by the test settings' immediate backend).
    assert get_resolver().url_patterns
    small, large = _queries_of_a_publish(scene, 1), _queries_of_a_publish(scene, 8)
    # The coordinator's role assignments (read once per user object: she reviews the record's axis),
    # her person, then in the transaction (a savepoint inside the test's): the UPDATE, the reference
    # index task (the record, a savepoint, its tags, its figures, the index rows, the release), the
    # last revision number, the snapshot's partners, tags and figures (one query each, whatever their
    # number), the revision, the search outbox row: 17.
    assert len(small) == len(large) == 17, [sql[:100] for sql in small]


# --- Moving a published record to another axis ------------------------------------------------------


def test_a_reviewer_moving_a_published_record_to_another_axis_sends_it_to_that_axis_for_review(
    scene, client, search_backend, django_capture_on_commit_callbacks
):
    """The hole of the first release: the record stayed published in an axis whose coordinators had
    never reviewed it."""
    other_axis = AxisFactory(title="Mobilité")
    other_reviewer = make_coordinator(PersonFactory(), other_axis).user
    with django_capture_on_commit_callbacks(execute=True):
        record = published(scene)
    client.force_login(scene["coordinator"])
    data = {"title": record.title, "summary": record.summary, "axis": other_axis.pk, "visibility": "public"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("knowledge:edit", args=[record.slug]), data)

    record.refresh_from_db()
    assert (record.axis, record.status) == (other_axis, "submitted")
    assert record.revisions.first().action == "submitted"
    # She no longer reviews it: back to her review page, told why; the new axis's coordinator has it.
    assert response["Location"] == reverse("knowledge:review")
    assert list(BestPractice.objects.filter(pk=record.pk, status="submitted", axis=other_axis)) == [record]
    assert titles("déchets", VISITOR, search_backend) == []  # out of the library until reviewed
    services.best_practice_publish(record=record, by=other_reviewer)
    with pytest.raises(PermissionDenied):
        services.best_practice_publish(record=record, by=scene["coordinator"])


def test_a_record_moved_by_a_reviewer_of_both_axes_stays_published(scene, administrator):
    other_axis = AxisFactory(title="Mobilité")
    record = published(scene)
    make_coordinator(scene["coordinator"].person, other_axis)
    services.best_practice_update(record=record, by=scene["coordinator"], axis=other_axis)
    assert BestPractice.objects.get(pk=record.pk).status == "published"
    services.best_practice_update(record=record, by=administrator, axis=scene["axis"])
    assert BestPractice.objects.get(pk=record.pk).status == "published"
