"""Journeys 4, 5 and 6 of the second release (#23), each in one browser run against PostgreSQL, Redis
and Elasticsearch, tried at desktop (1280×800) and phone (390×844) size.

4. An administrator gives a person two roles in two scopes, renames and re-brands the site (logo,
   colours) and turns on two-factor authentication for herself.
5. A visitor on a phone finds a business park on the map, reads its club's page, subscribes to the
   club's agenda and registers for the monthly breakfast.
6. A developer of a partner site reads the API documentation, creates a token and runs the README's
   example as written: the next events, then her unread messages.

Each step's screen is checked at one size, then at the other (tests/e2e/sizes.py: no sideways scroll,
the step's action reachable, axe-core clean) and kept as test-artifacts/e2e/journey-r2-*.png. Only
what the journey does not cover is seeded."""

import datetime
import os
import re
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Site

from cms.events.models import EventIndexPage, EventKind, EventPage, EventRegistration, EventSeriesPage
from cms.models import ClubPage, HomePage, SiteIdentity
from portal.members import services as member_services
from portal.members.models import PersonRole, Role, RoleAssignment
from portal.members.scopes import ScopeKind
from tests.cms.pages import add_event, add_page
from tests.e2e.conftest import signed_in_context
from tests.e2e.sizes import DESKTOP, PHONE, both_sizes, check_screen
from tests.e2e.test_journey_participation import _first_thursdays
from tests.factories import PASSWORD, AxisFactory, ClubFactory, PersonFactory, UserFactory, ZoneFactory
from workgroups.models import Message, Workgroup, WorkgroupMembership

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

README = Path(__file__).resolve().parents[2] / "README.md"


def app_code(secret: str) -> str:
    """What the administrator's authenticator app shows now (allauth's own HOTP helper, 30-second steps)."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


# --- Journey 4: the administrator ------------------------------------------------------------------


@pytest.fixture
def cluster_to_administer():
    """An administrator, a person without a role yet, an axis and a club (the scopes)."""
    administrator = UserFactory(email="helene.roussel@example.org", first_name="Hélène", last_name="Roussel")
    member_services.person_create(user=administrator, role=PersonRole.ADMINISTRATOR)
    member_services.account_email_ensure(user=administrator)
    camille = PersonFactory(user__first_name="Camille", user__last_name="Roux", user__email="camille.roux@example.org")
    axis = AxisFactory(number=3, title="Mobilité durable")
    club = ClubFactory(name="Club des Tanneries")
    return {"administrator": administrator, "camille": camille, "axis": axis, "club": club}


def choose(select, text):
    """Picks the option of `select` whose text contains `text`, as a person reads the list."""
    select.select_option(select.locator("option", has_text=text).first.get_attribute("value"))


def grant_in_the_admin(page, *, person, role, scope):
    page.goto(reverse("role_assignments:add"))
    choose(page.get_by_label("Personne"), person)
    page.get_by_label("Rôle").select_option(label=role)
    choose(page.get_by_label("Périmètre"), scope)


def test_an_administrator_grants_two_roles_rebrands_the_site_and_turns_on_two_factor(
    browser, browser_context_args, live_portal, cluster_to_administer, screenshot, tmp_path
):
    cluster = cluster_to_administer
    page = signed_in_context(browser, browser_context_args, live_portal, cluster["administrator"],
                             viewport=DESKTOP).new_page()  # fmt: skip

    # 1. Two roles in two scopes for Camille: coordinator of an axis, animator of a club.
    for number, (role, scope) in enumerate(
        [("Coordinateur d'axe", "Mobilité durable"), ("Animateur de club", "Club des Tanneries")], start=1
    ):
        grant_in_the_admin(page, person="Camille Roux", role=role, scope=scope)
        save = page.locator("form button[type=submit]", has_text=re.compile("Créer|Enregistrer")).first
        if number == 1:  # the second grant is the same screen
            both_sizes(page, "journey-r2-4-1-grant-role", screenshot, action=save, admin=True)
        save.click()
        expect(page.locator(".messages")).to_be_visible()
    grants = RoleAssignment.objects.filter(person=cluster["camille"]).exclude(role=Role.MEMBER)  # her firm's
    assert sorted(grants.values_list("role", "scope_kind", "scope_id")) == sorted(
        [(Role.ANIMATOR, ScopeKind.CLUB, cluster["club"].pk), (Role.COORDINATOR, ScopeKind.AXIS, cluster["axis"].pk)]
    )
    listing = page.locator("main table")
    expect(listing.get_by_role("row", name=re.compile("Camille Roux.*Mobilité durable"))).to_have_count(1)
    expect(listing.get_by_role("row", name=re.compile("Camille Roux.*Club des Tanneries"))).to_have_count(1)
    both_sizes(page, "journey-r2-4-3-roles-listed", screenshot, admin=True)

    # 2. The site's new name, logo and colours (Settings → Site identity).
    logo = tmp_path / "logo-ptce-val.png"
    logo.write_bytes(get_test_image_file("logo-ptce-val.png", colour="green").file.getvalue())
    site = Site.objects.get(is_default_site=True)
    page.goto(reverse("wagtailsettings:edit", args=["cms", "siteidentity", site.pk]))
    page.locator("#id_name").fill("Pôle coopératif du Val d'Arvière")
    page.locator("#id_short_name").fill("PTCE du Val")
    page.locator("#id_primary_colour").fill("#5a1e4b")
    page.locator("#id_accent_colour").fill("#8a2c1f")
    page.locator("[data-field-input] button", has_text=re.compile("image", re.I)).first.click()
    modal = page.locator(".modal-content")
    modal.get_by_role("tab", name=re.compile("Transférer|Importer")).click()
    modal.locator("input[type=file]").set_input_files(str(logo))
    # Wagtail fills the title from the file's name as the file is chosen: once it has, the title is
    # typed over it (typed before, the name was once written into the typed title).
    title = modal.locator("input[name='image-chooser-upload-title']")
    expect(title).to_have_value("logo-ptce-val")
    title.fill("Logo du pôle")
    modal.locator("form button[type=submit]").last.click()
    expect(modal).to_be_hidden()
    save = page.locator("form button[type=submit]", has_text="Enregistrer").first
    both_sizes(page, "journey-r2-4-4-site-identity", screenshot, action=save, admin=True)
    save.click()
    expect(page.locator(".messages")).to_be_visible()
    identity = SiteIdentity.for_site(site)
    assert (identity.name, identity.logo.title) == ("Pôle coopératif du Val d'Arvière", "Logo du pôle")

    # The public site wears it, at both sizes: the name in the header and the title, the logo, the colours.
    visitor = browser.new_context(**{**browser_context_args, "viewport": PHONE}).new_page()
    visitor.goto("/")
    expect(visitor).to_have_title(re.compile("Pôle coopératif du Val d'Arvière"))
    brand = visitor.locator(".site-header .brand")
    expect(brand.locator("img.brand-logo")).to_be_visible()
    # Its rendition was made (the test's daphne does not serve /media/, nginx does in production: the
    # screenshots show an empty frame where the logo is).
    rendition = brand.locator("img.brand-logo").get_attribute("src").removeprefix(settings.MEDIA_URL)
    assert (Path(settings.MEDIA_ROOT) / rendition).is_file(), rendition
    # The phone header is one line: the short name, which is also the home link's name there.
    expect(visitor.get_by_role("link", name="PTCE du Val", exact=True)).to_be_visible()
    header_colour = visitor.locator(".site-header").evaluate("element => getComputedStyle(element).backgroundColor")
    assert header_colour == "rgb(90, 30, 75)", header_colour
    both_sizes(visitor, "journey-r2-4-5-rebranded-home", screenshot, action=brand)
    visitor.set_viewport_size(DESKTOP)
    expect(visitor.get_by_role("link", name="Pôle coopératif du Val d'Arvière", exact=True)).to_be_visible()
    visitor.context.close()

    # 3. Two-factor authentication for herself, from her profile.
    page.goto(reverse("members:profile"))
    security = page.get_by_role("region", name="Connexion et sécurité")
    security.get_by_role("link", name="Activer la double authentification").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Double authentification")
    page.locator("main").get_by_role("link", name="Activer la double authentification").click()
    if page.get_by_role("heading", level=1, name="Confirmez que c'est bien vous").count():
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Confirmer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Activer la double authentification")
    activate = page.get_by_role("button", name="Activer la double authentification")
    both_sizes(page, "journey-r2-4-6-two-factor-setup", screenshot, action=activate)
    secret = page.locator(".totp-secret").inner_text().strip()
    page.get_by_label("Code affiché par l'application").fill(app_code(secret))
    activate.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Codes de secours")
    both_sizes(page, "journey-r2-4-7-recovery-codes", screenshot)
    page.goto(reverse("members:profile"))
    expect(page.get_by_role("region", name="Connexion et sécurité")).to_contain_text(
        "La double authentification est activée"
    )
    both_sizes(page, "journey-r2-4-8-profile", screenshot)
    page.context.close()


# --- Journey 5: the visitor on a phone -------------------------------------------------------------


@pytest.fixture
def club_with_breakfasts():
    """The Tanneries on the map, their club's page and agenda, and its monthly breakfast (first Thursday),
    as the club's animator set it up (journey of participation)."""
    tanneries = ZoneFactory(name="Parc des Tanneries", latitude=Decimal("47.0755"), longitude=Decimal("2.412"))
    club = ClubFactory(zone=tanneries, name="Club des Tanneries")
    club_page = add_page(HomePage.objects.get(), ClubPage, title=club.name, slug="club-des-tanneries", club=club,
                         introduction="Les entreprises du parc des Tanneries, chaque premier jeudi.")  # fmt: skip
    agenda = add_page(club_page, EventIndexPage, title="Agenda des Tanneries", slug="agenda")
    thursdays = _first_thursdays(datetime.date.today() + datetime.timedelta(days=1), 3)
    add_page(
        agenda, EventSeriesPage, title="Petit-déjeuner des Tanneries", slug="petit-dejeuner", kind=EventKind.BREAKFAST,
        frequency="monthly", week_of_month=1, weekday=3, first_date=thursdays[0], until=thursdays[-1],
        start_time=datetime.time(8), end_time=datetime.time(10), place="Salle du club, parc des Tanneries",
        capacity=30, summary="Chaque premier jeudi du mois, les entreprises du parc se retrouvent.",
    )  # fmt: skip
    occurrences = EventPage.objects.filter(series__title="Petit-déjeuner des Tanneries").order_by("start")
    assert occurrences.count() == 3
    return occurrences.first()


def test_a_visitor_on_a_phone_finds_the_park_reads_the_club_subscribes_and_registers_for_the_breakfast(
    browser, browser_context_args, live_portal, club_with_breakfasts, smtp_sink, screenshot
):
    breakfast = club_with_breakfasts
    page = browser.new_context(**{**browser_context_args, "viewport": PHONE}).new_page()

    # 1. The home page, the menu, the directory, its map.
    page.goto("/")
    menu = page.get_by_role("button", name="Menu")
    expect(menu).to_be_visible()  # the phone's one-line header
    menu.click()
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Annuaire des membres").click()
    page.get_by_role("navigation", name="Affichage de l'annuaire").get_by_role("link", name="Carte").click()
    the_map = page.get_by_role("region", name="Carte des parcs d'activités et des membres listés")
    expect(the_map).to_have_attribute("data-ready", re.compile(r"\d"))
    park = the_map.get_by_role("button", name="Parc des Tanneries")
    check_screen(page, "journey-r2-5-1-map", screenshot, action=park)

    # 2. The park's marker, then its club's page.
    park.click()
    expect(page.locator(".leaflet-popup")).to_have_css("opacity", "1")
    to_club = page.locator(".leaflet-popup-content").get_by_role("link", name="Page du club : Club des Tanneries")
    check_screen(page, "journey-r2-5-2-popup", screenshot, action=to_club)
    to_club.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Club des Tanneries")
    events = page.get_by_role("region", name="Événements du club")
    expect(events).to_contain_text("Petit-déjeuner des Tanneries")
    subscribe = page.get_by_role("link", name="Ses événements dans votre agenda (iCalendar)")
    both_sizes(page, "journey-r2-5-3-club-page", screenshot, action=subscribe)

    # 3. Subscribing to the club's agenda: the calendar application reads the address behind the link.
    calendar = page.request.get(live_portal + subscribe.get_attribute("href"))
    assert calendar.ok and calendar.headers["content-type"].startswith("text/calendar")
    ics = calendar.text().replace("\r\n ", "")  # RFC 5545 folds long lines
    summaries = re.findall(r"^SUMMARY:(.*)$", ics, flags=re.M)
    assert len(summaries) == 3 and all(s.startswith("Petit-déjeuner des Tanneries") for s in summaries), summaries
    assert f"{live_portal}{breakfast.url}" in ics
    news_feed = page.request.get(
        live_portal
        + page.get_by_role("link", name="Ses actualités dans votre lecteur de flux (RSS)").get_attribute("href")
    )
    assert news_feed.ok and "xml" in news_feed.headers["content-type"]

    # 4. The next breakfast, and its registration form.
    events.get_by_role("link", name=re.compile("Petit-déjeuner des Tanneries")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(breakfast.title)
    register = page.get_by_role("button", name="S'inscrire")
    check_screen(page, "journey-r2-5-4-breakfast", screenshot, action=register)
    page.get_by_label("Prénom et nom").fill("Yasmine Haddad")
    page.get_by_label("Organisation").fill("Imprimerie des Tanneries")
    page.get_by_label("E-mail").fill("yasmine.haddad@example.org")
    register.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Votre inscription est confirmée")
    check_screen(page, "journey-r2-5-5-registered", screenshot)
    registration = EventRegistration.objects.get(event=breakfast)
    assert (registration.name, registration.email) == ("Yasmine Haddad", "yasmine.haddad@example.org")
    smtp_sink.wait_for(1)
    [(recipients, message)] = smtp_sink.messages
    assert recipients == ["yasmine.haddad@example.org"]
    assert message["Subject"].strip() == f"Inscription confirmée : {breakfast.title}"
    page.context.close()


# --- Journey 6: the developer of a partner site ----------------------------------------------------


@pytest.fixture
def developer_with_unread_messages():
    """A developer, member of a commission where a colleague wrote three messages, the first one read;
    a public event on the agenda."""
    agenda = add_page(HomePage.objects.get(), EventIndexPage, title="Agenda")
    add_event(agenda, days=5, title="Atelier : ouvrir ses données", capacity=20)
    developer = PersonFactory(user__first_name="Inès", user__last_name="Garnier")
    colleague = PersonFactory(user__first_name="Marc", user__last_name="Olivier")
    workgroup = Workgroup.objects.create(name="Commission numérique", slug="commission-numerique", axis=AxisFactory(),
                                         description="Les outils numériques du pôle.")  # fmt: skip
    for person in (developer, colleague):
        WorkgroupMembership.objects.create(workgroup=workgroup, person=person)
    from workgroups import services as workgroup_services

    for body in ("Réunion jeudi à 9 h.", "Le site partenaire affichera nos événements.", "Qui teste l'API ?"):
        workgroup_services.message_send(workgroup=workgroup, by=colleague.user, body=body)
    workgroup_services.mark_read(workgroup=workgroup, by=developer.user, sequence=1)
    assert Message.objects.filter(workgroup=workgroup).count() == 3
    return developer


def readme_api_example() -> str:
    """The README's Python example of the API, as a partner's developer copies it."""
    text = README.read_text(encoding="utf-8")
    section = text.split("## The API", 1)[1].split("\n## ", 1)[0]
    return re.search(r"```python\n(.*?)```", section, flags=re.S).group(1)


def test_a_partner_s_developer_reads_the_api_docs_creates_a_token_and_runs_the_readme_example(
    browser, browser_context_args, live_portal, developer_with_unread_messages, screenshot, tmp_path
):
    page = signed_in_context(browser, browser_context_args, live_portal, developer_with_unread_messages,
                             viewport=DESKTOP).new_page()  # fmt: skip

    # 1. The documentation: the endpoints of the example are there.
    page.goto("/api/v1/docs")
    events = page.locator(".opblock-summary-path", has_text=re.compile(r"^/api/v1/events$"))
    expect(events).to_be_visible(timeout=15_000)
    expect(page.locator(".opblock-summary-path", has_text="/api/v1/me/workgroups").first).to_be_visible()
    both_sizes(page, "journey-r2-6-1-api-docs", screenshot, action=events)

    # 2. A token, from her profile.
    page.goto(reverse("members:profile"))
    page.get_by_role("link", name=re.compile("Mes jetons d'API")).click()
    page.get_by_label("Nom du jeton").fill("Site du partenaire")
    create = page.get_by_role("button", name="Créer le jeton")
    both_sizes(page, "journey-r2-6-2-tokens", screenshot, action=create)
    create.click()
    secret = page.get_by_label("Jeton", exact=True).input_value()
    assert secret.startswith("ptce_")
    both_sizes(page, "journey-r2-6-3-token-created", screenshot)

    # 3. The README's example, as written, against the portal with her token.
    script = tmp_path / "example.py"
    script.write_text(readme_api_example(), encoding="utf-8")
    environment = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    environment.update(PTCE_URL=live_portal, PTCE_TOKEN=secret, PYTHONIOENCODING="utf-8")
    run = subprocess.run([sys.executable, str(script)], env=environment, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert any("Atelier : ouvrir ses données" in line and "/agenda/" in line for line in lines), run.stdout
    assert lines[-2:] == [
        "[Commission numérique] Marc Olivier: Le site partenaire affichera nos événements.",
        "[Commission numérique] Marc Olivier: Qui teste l'API ?",
    ], run.stdout
    assert "Réunion jeudi" not in run.stdout  # read already
    page.context.close()
