"""Coordinators of an axis edit under their axis page only, animators of a club under their club's
page only, and they publish only through the administrators."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import WorkflowState
from wagtail.test.utils.form_data import nested_form_data, querydict_from_html, streamfield

from cms import services
from cms.models import ClubPage, NewsIndexPage, NewsPage
from portal.members import services as member_services
from portal.members.models import Role, RoleAssignment
from portal.members.scopes import ScopeKind
from tests.cms.pages import add_news, add_page, axis_page
from tests.factories import AxisFactory, ClubFactory, PersonFactory


def grant_coordinator(person, axis, by):
    member_services.role_grant(person=person, role=Role.COORDINATOR, scope_kind=ScopeKind.AXIS, scope_id=axis.pk, by=by)


@pytest.fixture
def site(home, administrator):
    """Axes A and B, each with its page, news index and coordinator; rights set up as in production."""
    tree = {"home": home, "administrator": administrator}
    for key in ("a", "b"):
        coordinator = PersonFactory()
        axis = AxisFactory(title=f"Axe {key.upper()}")
        grant_coordinator(coordinator, axis, administrator)
        page = axis_page(home, axis)
        tree[key] = {
            "axis": axis,
            "coordinator": coordinator.user,
            "page": page,
            "news": add_page(page, NewsIndexPage, title=f"Actualités {key.upper()}"),
        }
    services.publishing_setup()
    return tree


def news_form(client, parent, *, title, action):
    """The admin's "add a news item" form as the browser would post it, with one button pressed."""
    url = reverse("wagtailadmin_pages:add", args=("cms", "newspage", parent.pk))
    page = client.get(url)
    assert page.status_code == 200
    data = querydict_from_html(page.content.decode(), form_id="page-edit-form")
    data.update({"title": title, "slug": title.lower().replace(" ", "-"), "summary": "Un résumé.", action: "1"})
    data.update(nested_form_data({"body": streamfield([])}))  # the StreamField's editor adds this in a browser
    return client.post(url, data)


def test_the_page_forms_have_no_autosave_to_race_the_editor_s_save(site, client):
    """A Save clicked while Wagtail's autosave was creating the page posted the creation twice: the
    editor got a validation error (the slug the autosave had just taken). Still warned before leaving
    unsaved changes."""
    client.force_login(site["a"]["coordinator"])
    add = client.get(reverse("wagtailadmin_pages:add", args=("cms", "newspage", site["a"]["news"].pk)))
    edit = client.get(reverse("wagtailadmin_pages:edit", args=(site["a"]["page"].pk,)))
    for response in (add, edit):
        html = response.content.decode()
        assert response.status_code == 200 and 'id="page-edit-form"' in html
        assert "w-autosave#save" not in html and "data-w-autosave-interval-value" not in html
        assert "w-unsaved" in html


def test_a_coordinator_adds_and_edits_under_their_axis_but_does_not_publish(site):
    coordinator = site["a"]["coordinator"]
    axis_permissions = site["a"]["page"].permissions_for_user(coordinator)
    news_permissions = site["a"]["news"].permissions_for_user(coordinator)
    assert axis_permissions.can_edit() and news_permissions.can_add_subpage()
    assert not axis_permissions.can_publish() and not news_permissions.can_publish_subpage()
    item = add_news(site["a"]["news"], title="Sous l'axe A")
    assert item.permissions_for_user(coordinator).can_edit()
    assert not item.permissions_for_user(coordinator).can_publish()


def test_a_coordinator_of_axis_a_cannot_edit_add_or_publish_under_axis_b(site, client):
    coordinator = site["a"]["coordinator"]
    item_b = add_news(site["b"]["news"], title="Sous l'axe B")
    for page in (site["b"]["page"], site["b"]["news"], item_b):
        permissions = page.permissions_for_user(coordinator)
        assert not permissions.can_edit(), page
        assert not permissions.can_add_subpage(), page
        assert not permissions.can_publish(), page
    # Nor the home page, the site's other sections or the administrators' pages.
    assert not site["home"].permissions_for_user(coordinator).can_edit()
    assert not site["home"].permissions_for_user(coordinator).can_add_subpage()

    client.force_login(coordinator)
    add_url = reverse("wagtailadmin_pages:add", args=("cms", "newspage", site["b"]["news"].pk))
    for url in (add_url, reverse("wagtailadmin_pages:edit", args=(site["b"]["page"].pk,))):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        if response.status_code == 302:
            assert response["Location"] == reverse("wagtailadmin_home")
    response = client.post(add_url, {"title": "Intrusion", "slug": "intrusion", "action-publish": "1"})
    assert response.status_code in (302, 403)
    assert not NewsPage.objects.filter(slug="intrusion").exists()


def test_a_coordinator_submits_to_moderation_and_an_administrator_approves(site, client):
    client.force_login(site["a"]["coordinator"])
    response = news_form(client, site["a"]["news"], title="Nouvelle cantine", action="action-submit")
    assert response.status_code == 302
    item = NewsPage.objects.get(slug="nouvelle-cantine")
    assert not item.live
    assert item.workflow_in_progress
    assert item.current_workflow_state.workflow.name == services.WORKFLOW_NAME

    # The coordinator cannot approve their own submission.
    task_state = item.current_workflow_task_state
    approve_url = reverse("wagtailadmin_pages:workflow_action", args=(item.pk, "approve", task_state.pk))
    client.post(approve_url)
    item.refresh_from_db()
    assert not item.live and item.workflow_in_progress

    client.force_login(site["administrator"])
    assert client.post(approve_url).status_code == 302
    item.refresh_from_db()
    assert item.live
    assert item.current_workflow_state is None
    assert WorkflowState.objects.get(object_id=str(item.pk)).status == WorkflowState.STATUS_APPROVED


def test_the_publish_button_does_not_publish_for_a_coordinator(site, client):
    client.force_login(site["a"]["coordinator"])
    response = news_form(client, site["a"]["news"], title="Essai de publication", action="action-publish")
    assert response.status_code == 302
    item = NewsPage.objects.get(slug="essai-de-publication")
    assert not item.live  # saved as a draft: Wagtail ignores a publish the user may not do
    assert not item.workflow_in_progress


def test_an_administrator_publishes_anywhere(site):
    administrator = site["administrator"]
    assert not administrator.is_superuser
    for key in ("a", "b"):
        assert site[key]["news"].permissions_for_user(administrator).can_publish_subpage()
        assert site[key]["page"].permissions_for_user(administrator).can_publish()
    assert site["home"].permissions_for_user(administrator).can_publish()


def test_groups_follow_the_coordinators_assignments(site):
    axis = site["a"]["axis"]
    group = Group.objects.get(name=f"{services.COORDINATION_GROUP_PREFIX}{axis.title}")
    assert list(group.user_set.all()) == [site["a"]["coordinator"]]

    newcomer = PersonFactory()
    grant_coordinator(newcomer, axis, site["administrator"])  # in force at once, in the grant's transaction
    assert set(group.user_set.all()) == {site["a"]["coordinator"], newcomer.user}
    assert site["a"]["page"].permissions_for_user(newcomer.user).can_edit()

    leaver = site["a"]["coordinator"]
    assignment = RoleAssignment.objects.get(person__user=leaver, role=Role.COORDINATOR)
    member_services.role_withdraw(assignment=assignment, by=site["administrator"])
    assert list(group.user_set.all()) == [newcomer.user]
    leaver = type(leaver).objects.get(pk=leaver.pk)
    assert not site["a"]["page"].permissions_for_user(leaver).can_edit()

    # Running the set-up again changes nothing.
    groups_before = Group.objects.count()
    services.publishing_setup()
    assert Group.objects.count() == groups_before
    assert group.page_permissions.count() == len(services.EDITOR_PAGE_PERMISSIONS)


def test_a_first_release_coordination_group_is_kept_with_its_people(site):
    """A cluster upgraded: its "Coordination — <axis>" group (found by its rights on the axis's page)
    becomes the axis's editors' group, not a second one."""
    axis = site["b"]["axis"]
    group = Group.objects.get(name=f"{services.COORDINATION_GROUP_PREFIX}{axis.title}")
    group.scope_editors.delete()
    services.publishing_setup()
    assert Group.objects.get(scope_editors__scope_id=axis.pk, scope_editors__scope_kind="axis") == group
    assert list(group.user_set.all()) == [site["b"]["coordinator"]]


def test_an_axis_page_created_in_the_admin_gives_its_coordinators_their_rights(site, client):
    coordinator = PersonFactory()
    axis = AxisFactory(title="Axe C")
    grant_coordinator(coordinator, axis, site["administrator"])
    client.force_login(site["administrator"])
    url = reverse("wagtailadmin_pages:add", args=("cms", "axispage", site["home"].pk))
    data = querydict_from_html(client.get(url).content.decode(), form_id="page-edit-form")
    data.update({"title": "Axe C", "slug": "axe-c", "axis": str(axis.pk), "action-publish": "1"})
    data.update(nested_form_data({"objectives": streamfield([])}))
    assert client.post(url, data).status_code == 302
    page = axis.page
    assert page.live
    permissions = page.permissions_for_user(coordinator.user)
    assert permissions.can_edit() and permissions.can_add_subpage() and not permissions.can_publish()
    assert not site["a"]["page"].permissions_for_user(coordinator.user).can_edit()


def test_after_migrate_people_whose_assignments_came_from_the_migration_get_their_rights(home):
    """The data migration writes assignments without the services: the sync run after every migrate
    gives those coordinators their axis's group, pages and collection."""
    from cms import selectors
    from cms.models import ScopeEditors
    from portal.members.scopes import ScopeKind

    axis = AxisFactory(title="Axe migré")
    page = axis_page(home, axis)
    coordinator = PersonFactory()
    RoleAssignment.objects.create(
        person=coordinator, role=Role.COORDINATOR, scope_kind=ScopeKind.AXIS, scope_id=axis.pk
    )
    assert not page.permissions_for_user(coordinator.user).can_edit()

    services.site_rights_sync()
    user = type(coordinator.user).objects.get(pk=coordinator.user.pk)
    assert page.permissions_for_user(user).can_edit()
    assert ScopeEditors.objects.get(scope_kind=ScopeKind.AXIS, scope_id=axis.pk).group in user.groups.all()
    assert selectors.scope_collection(ScopeKind.AXIS, axis.pk).name == "Axe — Axe migré"


def test_an_editor_changes_her_own_images_not_a_colleagues(site):
    """Wagtail's "add" right on a collection: upload, and change or delete what one uploaded oneself."""
    from wagtail.images import get_image_model
    from wagtail.images.permissions import permission_policy
    from wagtail.images.tests.utils import get_test_image_file

    from cms import selectors
    from portal.members.scopes import ScopeKind

    colleague = PersonFactory()
    grant_coordinator(colleague, site["a"]["axis"], site["administrator"])
    colleague = type(colleague.user).objects.get(pk=colleague.user.pk)
    coordinator = type(site["a"]["coordinator"]).objects.get(pk=site["a"]["coordinator"].pk)
    collection = selectors.scope_collection(ScopeKind.AXIS, site["a"]["axis"].pk)
    Image = get_image_model()
    mine = Image.objects.create(title="La mienne", file=get_test_image_file(), collection=collection,
                                uploaded_by_user=coordinator)  # fmt: skip
    theirs = Image.objects.create(title="La sienne", file=get_test_image_file(), collection=collection,
                                  uploaded_by_user=colleague)  # fmt: skip
    assert permission_policy.user_has_permission_for_instance(coordinator, "change", mine)
    assert not permission_policy.user_has_permission_for_instance(coordinator, "change", theirs)
    assert permission_policy.user_has_permission_for_instance(coordinator, "choose", theirs)


def test_a_club_animator_submits_club_news_and_once_approved_it_is_on_the_club_page_its_feed_and_the_home_page(
    home, administrator, client
):
    """#17: a club's animators publish under its page through the same workflow as the axes' coordinators."""
    club = ClubFactory(name="Club des Tanneries", slug="tanneries")
    club_page = add_page(home, ClubPage, title=club.name, slug="tanneries", club=club)
    news = add_page(club_page, NewsIndexPage, title="Actualités des Tanneries")
    animator = PersonFactory()
    member_services.role_grant(person=animator, role=Role.ANIMATOR, scope_kind=ScopeKind.CLUB, scope_id=club.pk,
                               by=administrator)  # fmt: skip
    services.publishing_setup()

    def shown():
        return {
            "club page": "Une benne commune" in client.get(club_page.url).content.decode(),
            "club feed": "Une benne commune" in client.get("/flux/clubs/tanneries/actualites.rss").content.decode(),
            "home page": "Une benne commune" in client.get("/").content.decode(),
        }

    client.force_login(animator.user)
    assert news_form(client, news, title="Une benne commune", action="action-submit").status_code == 302
    item = NewsPage.objects.get(slug="une-benne-commune")
    client.logout()
    assert shown() == {"club page": False, "club feed": False, "home page": False}  # awaiting approval

    client.force_login(administrator)
    task_state = item.current_workflow_task_state
    assert (
        client.post(reverse("wagtailadmin_pages:workflow_action", args=(item.pk, "approve", task_state.pk))).status_code
        == 302
    )
    client.logout()
    assert shown() == {"club page": True, "club feed": True, "home page": True}
