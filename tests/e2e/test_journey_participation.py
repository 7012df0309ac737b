"""The journey of participation (#20, "Done when"), in two browser runs, the second of which is release
two's journey 3 (#23).

An animator, scoped to her club, sets up a monthly breakfast series (first Thursday, one date skipped)
in the site's editor, which an administrator publishes; on her phone she creates her club's commission
and holds two meetings with minutes and tasks.

A coordinator, scoped to her axis, uploads an image into her axis's collection and puts it on her
axis's news (another axis's images and pages stay closed to her); she runs a workshop of a participatory
process on a theme outside the axes: she puts it on her axis's agenda, opens its follow-up room, records
its decisions, turns them into a draft plan, publishes it and updates one action's progress from the
plan's page on her phone; her axis's page then shows the plan's progress.

Only the people, the club, the axes (with their pages) and the participatory process are seeded: every
step a person does is done on the screens. Each screen is checked by axe-core (no serious or critical
violation) and kept as test-artifacts/e2e/journey-participation-*.png (the animator's) and, at desktop
(1280×800) and phone (390×844) size, journey-3-*.png (the coordinator's)."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from cms import selectors as cms_selectors
from cms import services as cms_services
from cms.events.models import EventIndexPage, EventPage, EventSeriesPage
from cms.models import ClubPage, HomePage, NewsIndexPage, NewsPage
from portal.members import services as member_services
from portal.members.models import MembershipStatus, PersonRole, Role
from portal.members.scopes import ScopeKind
from tests.cms.pages import add_page, axis_page
from tests.e2e.conftest import signed_in_context
from tests.e2e.journeys import DESKTOP, PHONE, Journey
from tests.e2e.test_journey_scoped_editors import assert_accessible as assert_admin_accessible
from tests.e2e.test_journey_scoped_editors import click_hidden
from tests.e2e.test_site import assert_accessible
from tests.factories import AxisFactory, ClubFactory, MembershipFactory, OrganisationFactory, PersonFactory, UserFactory
from workgroups.models import Meeting, ParticipatoryProcess, Task, Workgroup
from workgroups.plans.models import ActionPlan, PlanStatus

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _first_thursdays(start: datetime.date, count: int) -> list[datetime.date]:
    days, month = [], start.replace(day=1)
    while len(days) < count:
        day = month + datetime.timedelta(days=(3 - month.weekday()) % 7)
        if day >= start:
            days.append(day)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return days


@pytest.fixture
def cluster():
    """The people, the club and the axis with their pages and agendas, and the participatory process
    (the administrators' setup, not the journey's)."""
    home = HomePage.objects.get()
    granter = UserFactory(is_superuser=True, is_staff=True)
    administrator = member_services.person_create(user=UserFactory(), role=PersonRole.ADMINISTRATOR)
    club = ClubFactory(name="Club des Platanes")
    club_page = add_page(home, ClubPage, title=club.name, slug="club-platanes", club=club)
    club_agenda = add_page(club_page, EventIndexPage, title="Agenda des Platanes", slug="agenda")
    axis = AxisFactory(number=4, title="Emploi et compétences", slug="emploi")
    the_axis_page = axis_page(home, axis, introduction="Former et recruter sur le parc.")
    axis_agenda = add_page(the_axis_page, EventIndexPage, title="Agenda emploi", slug="agenda-emploi")
    axis_news = add_page(the_axis_page, NewsIndexPage, title="Actualités emploi", slug="actualites-emploi")
    other_axis = AxisFactory(number=5, title="Mobilité", slug="mobilite")
    other_axis_page = axis_page(home, other_axis)
    cms_services.publishing_setup()
    get_image_model().objects.create(
        title="Vélos de la gare", file=get_test_image_file("velos.png"),
        collection=cms_selectors.scope_collection(ScopeKind.AXIS, other_axis.pk),
    )  # fmt: skip

    animator = PersonFactory(user__first_name="Anne", user__last_name="Morel")
    member_services.role_grant(person=animator, role=Role.ANIMATOR, scope_kind=ScopeKind.CLUB, scope_id=club.pk,
                               by=granter)  # fmt: skip
    coordinator = PersonFactory(user__first_name="Claire", user__last_name="Vasseur")
    member_services.role_grant(person=coordinator, role=Role.COORDINATOR, scope_kind=ScopeKind.AXIS,
                               scope_id=axis.pk, by=granter)  # fmt: skip
    firm = OrganisationFactory(name="Menuiserie Durand")
    MembershipFactory(organisation=firm, club=club, status=MembershipStatus.ACTIVE)
    member = PersonFactory(organisation=firm, user__first_name="Paul", user__last_name="Durand",
                           user__email="paul.durand@example.org")  # fmt: skip
    process = ParticipatoryProcess.objects.create(title="Plan économique participatif", slug="plan-participatif")
    process.leads.add(coordinator)
    return {
        "administrator": administrator, "animator": animator, "coordinator": coordinator, "member": member,
        "club_agenda": club_agenda, "axis_agenda": axis_agenda, "axis_page": the_axis_page, "process": process,
        "axis": axis, "axis_news": axis_news, "other_axis_page": other_axis_page,
    }  # fmt: skip


def close_date_pickers(page):
    """A click beside the form closes Wagtail's date picker; one that opens late (it follows the focus)
    needs another click, else axe reads its unlabelled buttons."""
    for _ in range(20):
        page.locator("body").click(position={"x": 5, "y": 5})
        page.wait_for_timeout(100)
        if not page.locator(".xdsoft_datetimepicker:visible").count():
            return
    raise AssertionError("a date picker stays open")


def open_as(browser, browser_context_args, live_portal, person, viewport):
    return signed_in_context(browser, browser_context_args, live_portal, person, viewport=viewport).new_page()


def publish(administrator, page):
    """An administrator publishes a page from its editor (Wagtail keeps the button in the footer's menu)."""
    administrator.goto(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    click_hidden(administrator, 'button[name="action-publish"]')
    expect(administrator).to_have_url(re.compile(r"/admin/pages/\d+/$"), timeout=30_000)


def test_an_animator_sets_up_her_club_s_breakfasts_and_holds_her_commission_s_meetings(
    browser, browser_context_args, live_portal, cluster, screenshot
):
    problems = []
    step = iter(range(1, 100))

    def check(page, name, *, admin=False, reload=False, axe=True):
        """The screen fits its width and passes axe; kept as a screenshot. After a post, the screen is
        read again first (its one-time message is base.html's, checked elsewhere). A screen already
        checked (`axe=False`) is only kept and measured: the file's budget is a minute."""
        if reload:
            page.reload()
        screenshot(page, f"journey-participation-{next(step):02d}-{name}")
        if not page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth + 1"):
            problems.append(f"{name}: scrolls sideways")
        if axe:
            (assert_admin_accessible if admin else assert_accessible)(page, name)

    today = timezone.localdate()
    thursdays = _first_thursdays(today + datetime.timedelta(days=1), 4)
    skipped = thursdays[1]

    # 1. The animator sets up the monthly breakfast series in the site's editor (desktop).
    animator = open_as(browser, browser_context_args, live_portal, cluster["animator"], DESKTOP)
    animator.goto(reverse("wagtailadmin_pages:add", args=["events", "eventseriespage", cluster["club_agenda"].pk]))
    animator.locator("#id_title").fill("Petit-déjeuner des Platanes")
    animator.locator("#id_slug").evaluate("input => { input.value = 'petit-dejeuner-des-platanes'; }")
    animator.locator("#id_kind").select_option("breakfast")
    animator.locator("#id_frequency").select_option("monthly")
    animator.locator("#id_week_of_month").select_option("1")
    animator.locator("#id_weekday").select_option("3")
    animator.locator("#id_first_date").fill(thursdays[0].isoformat())
    animator.locator("#id_until").fill(thursdays[-1].isoformat())
    animator.locator("#id_start_time").fill("08:00")
    animator.locator("#id_end_time").fill("10:00")
    animator.wait_for_load_state("networkidle")  # Wagtail's scripts, which make the "add a date" button work
    animator.locator("#id_skipped_dates-ADD").click()
    animator.locator("#id_skipped_dates-0-date").fill(skipped.isoformat())
    animator.locator("#id_place").fill("Salle du club, parc des Platanes")
    animator.locator("#id_summary").fill("Chaque premier jeudi du mois, les entreprises du parc se retrouvent.")
    close_date_pickers(animator)
    check(animator, "animator-series-editor", admin=True)
    animator.locator("button.action-save").first.click()
    expect(animator).to_have_url(re.compile(r"/admin/pages/\d+/edit/"), timeout=30_000)  # a page created
    series = EventSeriesPage.objects.get(title="Petit-déjeuner des Platanes")
    assert not series.live

    # An administrator publishes it (desktop): its occurrences are created.
    administrator = open_as(browser, browser_context_args, live_portal, cluster["administrator"], DESKTOP)
    publish(administrator, series)
    dates = sorted(EventPage.objects.filter(series=series).values_list("occurrence_date", flat=True))
    assert dates == [day for day in thursdays if day != skipped]

    # The series on the site, as a visitor of the agenda reads it (phone).
    animator.set_viewport_size(PHONE)
    animator.goto(EventSeriesPage.objects.get(pk=series.pk).url)
    expect(animator.locator(".series-dates li")).to_have_count(3)
    check(animator, "phone-series-page")

    # 2. The animator's commission, which meets twice with minutes and tasks (phone).
    animator.goto("/groupes/coordination/")
    animator.get_by_role("link", name="Créer un groupe").click()
    animator.get_by_label("Nom").fill("Commission bien-être au travail")
    check(animator, "phone-new-commission")
    animator.get_by_role("button", name="Créer le groupe").click()
    expect(animator.locator("h1")).to_contain_text("Commission bien-être au travail")
    commission = Workgroup.objects.get(name="Commission bien-être au travail")
    assert commission.club_id is not None and commission.axis_id is None
    animator.get_by_label("Adresse e-mail ou @identifiant").fill("paul.durand@example.org")
    animator.get_by_role("button", name="Ajouter au groupe").click()
    expect(animator.locator(".manage-members")).to_contain_text("Paul Durand")

    for number, (title, when, minutes, task, due) in enumerate(
        (
            ("Réunion de rentrée", thursdays[0], "Présents : 9 entreprises.", "Rédiger le questionnaire",
             thursdays[0] + datetime.timedelta(days=14)),
            ("Bilan du questionnaire", thursdays[2], "Présents : 11 entreprises.", "Réserver la salle",
             thursdays[2] + datetime.timedelta(days=7)),
        ),
        start=1,
    ):  # fmt: skip
        animator.goto(f"/groupes/{commission.slug}/reunions/")
        animator.get_by_role("link", name="Planifier une réunion").click()
        animator.get_by_label("Titre").fill(title)
        animator.get_by_label("Date et heure").fill(f"{when.isoformat()}T12:00")
        animator.get_by_label("Lieu").fill("Salle du club")
        animator.get_by_label("Ordre du jour").fill("Questionnaire bien-être\nPetit-déjeuner suivant")
        if number == 1:
            check(animator, "phone-plan-meeting")
        animator.get_by_role("button", name="Planifier la réunion").click()
        expect(animator.locator("h1")).to_have_text(title)
        animator.get_by_role("textbox", name="Compte rendu").fill(minutes)
        animator.get_by_role("button", name="Enregistrer le compte rendu").click()
        expect(animator.locator(".rich-text")).to_contain_text(minutes)
        animator.get_by_role("textbox", name=re.compile("^Tâche")).fill(task)
        animator.get_by_label("Qui s'en charge").select_option(label="Paul Durand" if number == 1 else "Anne Morel")
        animator.get_by_label("Échéance").fill(due.isoformat())
        animator.get_by_role("button", name="Confier la tâche").click()
        expect(animator.locator("#tasks-title + ul")).to_contain_text(task)
    check(animator, "phone-second-meeting", reload=True)
    assert Meeting.objects.filter(workgroup=commission).exclude(minutes="").count() == 2
    assert Task.objects.filter(workgroup=commission).count() == 2
    animator.goto(f"/groupes/{commission.slug}/reunions/")
    expect(animator.locator("main")).to_contain_text("Bilan du questionnaire")
    check(animator, "phone-meetings-list")

    assert not problems, problems


def test_a_coordinator_goes_from_her_axis_s_news_to_the_published_plan_of_a_workshop_outside_the_axes(
    browser, browser_context_args, live_portal, cluster, screenshot, tmp_path
):
    journey = Journey(3, screenshot)
    today = timezone.localdate()
    coordinator = open_as(browser, browser_context_args, live_portal, cluster["coordinator"], DESKTOP)
    administrator = open_as(browser, browser_context_args, live_portal, cluster["administrator"], DESKTOP)

    # 1. An image uploaded into her axis's collection, the only one she may add to (Wagtail does not ask).
    picture = tmp_path / "atelier-bois.png"
    picture.write_bytes(get_test_image_file().file.getvalue())
    coordinator.goto(reverse("wagtailimages:add"))
    expect(coordinator.locator("[name=collection]")).to_have_count(0)
    coordinator.locator("input[name=file]").set_input_files(str(picture))
    # The title typed over the one Wagtail fills from the file's name (see test_journey_release_two).
    expect(coordinator.locator("input[name=title]")).to_have_value("atelier-bois")
    coordinator.locator("input[name=title]").fill("L’atelier bois du lycée")
    journey.check(coordinator, "image-upload", accessible=assert_admin_accessible,
                  action=coordinator.locator("form button[type=submit]").last)  # fmt: skip
    coordinator.locator("form button[type=submit]").last.click()
    expect(coordinator).to_have_url(re.compile(r"/admin/images/"))
    image = get_image_model().objects.get(title="L’atelier bois du lycée")
    own_collection = cms_selectors.scope_collection(ScopeKind.AXIS, cluster["axis"].pk)
    assert image.collection == own_collection and image.uploaded_by_user == cluster["coordinator"].user

    # 2. Her axis's news, with that image: the chooser lists hers, not another axis's; sent for approval.
    news = cluster["axis_news"]
    coordinator.goto(reverse("wagtailadmin_pages:add", args=["cms", "newspage", news.pk]))
    coordinator.locator("#id_title").fill("Des apprentis du bois sur le parc")
    coordinator.locator("#id_summary").fill("Le lycée et trois menuiseries ouvrent un atelier partagé.")
    coordinator.locator("[data-field-input] button", has_text=re.compile("image", re.I)).first.click()
    modal = coordinator.locator(".modal-content")
    expect(modal.get_by_text("L’atelier bois du lycée")).to_be_visible()
    expect(modal.get_by_text("Vélos de la gare")).to_have_count(0)
    modal.get_by_text("L’atelier bois du lycée").first.click()
    expect(modal).to_be_hidden()
    journey.check(coordinator, "news-editor", accessible=assert_admin_accessible,
                  action=coordinator.locator("button.action-save").first)  # fmt: skip
    click_hidden(coordinator, 'button[name="action-submit"]')
    expect(coordinator).to_have_url(re.compile(rf"/admin/pages/{news.pk}/$"))
    item = NewsPage.objects.get(title="Des apprentis du bois sur le parc")
    assert item.get_latest_revision_as_object().feature_image == image
    assert item.workflow_in_progress and not item.live  # the administrators approve, as before
    other = cluster["other_axis_page"]
    coordinator.goto(reverse("wagtailadmin_pages:edit", args=[other.pk]))
    expect(coordinator).not_to_have_url(re.compile(rf"/admin/pages/{other.pk}/edit/"))  # another axis's: refused
    refused = coordinator.request.get(
        live_portal + reverse("wagtailadmin_pages:edit", args=[other.pk]), max_redirects=0
    )
    assert refused.status in (302, 403)

    # 3. The workshop of the process (a theme outside the axes) on her axis's agenda (desktop editor).
    workshop_day = today + datetime.timedelta(days=10)
    coordinator.goto(reverse("wagtailadmin_pages:add", args=["events", "eventpage", cluster["axis_agenda"].pk]))
    coordinator.locator("#id_title").fill("Atelier artisanat")
    coordinator.locator("#id_slug").evaluate("input => { input.value = 'atelier-artisanat'; }")
    coordinator.locator("#id_kind").select_option("workshop")
    coordinator.locator("#id_process").select_option(label="Plan économique participatif")
    coordinator.locator("#id_start").fill(f"{workshop_day.isoformat()} 14:00")
    coordinator.locator("#id_end").fill(f"{workshop_day.isoformat()} 17:00")
    coordinator.locator("#id_place").fill("Maison des coopératives")
    coordinator.locator("#id_summary").fill("Quatre ateliers thématiques : celui-ci sur l’artisanat.")
    close_date_pickers(coordinator)
    journey.check(coordinator, "workshop-editor", accessible=assert_admin_accessible,
                  action=coordinator.locator("button.action-save").first)  # fmt: skip
    coordinator.locator("button.action-save").first.click()
    expect(coordinator).to_have_url(re.compile(r"/admin/pages/\d+/edit/"), timeout=30_000)
    workshop = EventPage.objects.get(title="Atelier artisanat")
    publish(administrator, workshop)
    workshop.refresh_from_db()
    assert workshop.live and workshop.process_id == cluster["process"].pk

    # Its follow-up room opens from the event's page; the workshop's decisions are recorded there.
    coordinator.goto(workshop.url)
    journey.check(coordinator, "workshop-page",
                  action=coordinator.get_by_role("button", name=re.compile("salon|suite", re.I)))  # fmt: skip
    coordinator.get_by_role("button", name=re.compile("salon|suite", re.I)).click()
    room = Workgroup.objects.get(process=cluster["process"])
    expect(coordinator.locator("h1")).to_contain_text(room.name)
    assert room.theme == "Atelier artisanat"
    coordinator.reload()  # its one-time message is base.html's, checked elsewhere
    journey.check(coordinator, "follow-up-room")
    coordinator.goto(f"/groupes/{room.slug}/reunions/")
    for decision in ("Créer un annuaire des artisans du parc", "Mutualiser un atelier partagé"):
        box = coordinator.get_by_role("textbox", name=re.compile("^Décision"))
        box.fill(decision)
        coordinator.locator("form", has=box).get_by_role("button").click()
        expect(coordinator.locator("main")).to_contain_text(decision)
    journey.check(coordinator, "decisions")

    # The decisions become a draft plan, which she publishes.
    coordinator.goto("/plans-d-action/")
    coordinator.get_by_role("link", name=room.name).click()
    coordinator.get_by_label("Titre").fill("Plan artisanat 2027")
    journey.check(coordinator, "plan-from-room", action=coordinator.get_by_role("button", name="Créer le brouillon"))
    coordinator.get_by_role("button", name="Créer le brouillon").click()
    plan = ActionPlan.objects.get(title="Plan artisanat 2027")
    assert plan.status == PlanStatus.DRAFT and plan.actions.count() == 2 and plan.axis_id is not None
    expect(coordinator.locator(".notice")).to_contain_text("brouillon")
    coordinator.reload()
    journey.check(coordinator, "draft-plan", action=coordinator.get_by_role("button", name="Publier le plan"))
    coordinator.get_by_role("button", name="Publier le plan").click()
    expect(coordinator.get_by_role("button", name="Repasser en brouillon")).to_be_visible()

    # 4. On her phone, one action's progress and indicator from the plan's page.
    coordinator.set_viewport_size(PHONE)
    action = plan.actions.order_by("position").first()
    card = coordinator.locator(f"#action-{action.pk}")
    card.locator("summary", has_text="Mettre à jour cette action").click()
    card.get_by_label("Statut").select_option("in_progress")
    card.get_by_label("Valeur de l’indicateur").fill("12")
    card.get_by_label("Note (facultative)").fill("Douze artisans inscrits")
    journey.check(coordinator, "action-update",
                  action=card.get_by_role("button", name="Enregistrer la mise à jour"))  # fmt: skip
    card.get_by_role("button", name="Enregistrer la mise à jour").click()
    expect(coordinator.locator(f"#action-{action.pk}")).to_contain_text("Douze artisans inscrits")

    # 5. Her axis's page shows the plan's progress (on her phone; checked at both sizes).
    coordinator.goto(cluster["axis_page"].url)
    progress = coordinator.locator(".plan-progress")
    expect(progress).to_contain_text("Plan artisanat 2027")
    expect(progress).to_contain_text("2 actions : 0 réalisées, 1 en cours")
    journey.check(coordinator, "axis-page")
