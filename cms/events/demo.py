"""The demo's events (all fictional): the events calendars, coming events and a past one with its
registrations and attendance. Called by cms.demo.load_pages through the "cms_demo_pages" hook
(wagtail_hooks.py); safe to run again, it refreshes the pages it finds by slug."""

import datetime
import secrets

from django.utils import timezone

from cms.demo import AXES_WITH_SECTIONS, text_body, upsert_page
from portal.members.models import Person

from .models import (
    EventIndexPage,
    EventKind,
    EventPage,
    EventRegistration,
    EventSeriesPage,
    EventSeriesSkippedDate,
    RegistrationStatus,
)
from .selectors import token_hash

# slug, title, kind, days from today, start, end, place, capacity, axis number or None, summary
EVENTS = [
    ("petit-dejeuner-tanneries", "Petit-déjeuner des entreprises du parc des Tanneries", EventKind.BREAKFAST, 7,
     (8, 0), (9, 30), "Maison des coopératives, salle 2", 30, None,
     "Trois membres présentent leur activité, puis échanges libres autour d'un café du Val."),
    ("atelier-cantine-circuit-court", "Atelier : approvisionner sa cantine en circuit court", EventKind.WORKSHOP, 14,
     (14, 0), (17, 0), "Cuisine centrale d'Arvière", 12, 2,
     "Méthode, calendrier des saisons et commandes groupées, avec les cuisiniers qui l'ont fait."),
    ("after-work-croix-blanche", "After-work du club de la Croix-Blanche", EventKind.AFTER_WORK, 21,
     (18, 0), (20, 30), "Brasserie coopérative La Croix-Blanche", 60, None,
     "Le rendez-vous convivial des entreprises de la zone, ouvert aux nouveaux venus."),
    ("session-echanges-materiel", "Session d'échanges : matériel et locaux à partager", EventKind.EXCHANGE_SESSION,
     28, (9, 30), (12, 0), "Tiers-lieu du Moulin", 20, None,
     "Chacun vient avec ce qu'il peut prêter ou ce qu'il cherche : véhicules, salles, outils, compétences."),
]  # fmt: skip
PAST_EVENT = (
    "assises-du-pole", "Assises du pôle", EventKind.ASSISES, -30, (9, 0), (17, 0),
    "Salle des fêtes d'Arvière", 120, None,
    "La journée annuelle du pôle : bilan des axes, ateliers et vote des priorités de l'année.",
)  # fmt: skip
PAST_VISITORS = [
    ("Nadia Berthier", "Communauté de communes du Val d'Arvière", "n.berthier@cc-val-arviere.example"),
    ("Julien Ferrand", "Université d'Arvière", "julien.ferrand@univ-arviere.example"),
    ("Sophie Lamarre", "", "sophie.lamarre@courriel.example"),
]


def _at(days: int, hour_minute: tuple[int, int]) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(*hour_minute)))


def _event(parent, spec, axes_by_number) -> EventPage:
    slug, title, kind, days, start, end, place, capacity, axis_number, summary = spec
    return upsert_page(
        parent,
        EventPage,
        slug,
        title=title,
        kind=kind,
        start=_at(days, start),
        end=_at(days, end),
        place=place,
        address="Val d'Arvière",
        capacity=capacity,
        axis=axes_by_number.get(axis_number),
        summary=summary,
        body=text_body(f"<p>{summary}</p>" + ("<p>Inscription gratuite, ouverte à tous.</p>" if days >= 0 else "")),
    )


def _participation(event: EventPage) -> None:
    """The past event fed the participatory plan, and the organisers recorded who came (all but one)."""
    from workgroups.plans.models import ActionPlan

    plan = ActionPlan.objects.filter(slug="plan-economique-participatif").first()
    if plan is not None and event.action_plan_id != plan.pk:
        EventPage.objects.filter(pk=event.pk).update(action_plan=plan)
    confirmed = event.registrations.filter(status=RegistrationStatus.CONFIRMED).order_by("pk")
    if not confirmed.filter(attended__isnull=False).exists():
        absent = confirmed.last()
        confirmed.update(attended=True)
        if absent is not None:
            EventRegistration.objects.filter(pk=absent.pk).update(attended=False)


def _past_registrations(event: EventPage) -> None:
    """Who came to the past event: some members and a few visitors (created once)."""
    if event.registrations.exists():
        return
    people = Person.objects.select_related("user", "organisation").order_by("pk")[:9]
    rows = [(p.full_name, p.organisation.name if p.organisation else "", p.user.email, p) for p in people]
    rows += [(name, organisation, email, None) for name, organisation, email in PAST_VISITORS]
    for index, (name, organisation, email, person) in enumerate(rows):
        EventRegistration.objects.create(
            event=event,
            person=person,
            name=name,
            organisation_name=organisation,
            email=email.lower(),
            status=RegistrationStatus.CANCELLED if index == 2 else RegistrationStatus.CONFIRMED,
            cancel_token_hash=token_hash(secrets.token_urlsafe(32)),
        )


def load_events(*, home, axis_pages, axes_by_number) -> None:
    """The site's events calendar and the axes' ones, the coming events and a past one (in load_pages's transaction)."""
    agenda = upsert_page(
        home, EventIndexPage, "agenda", title="Agenda",
        intro="<p>Petits-déjeuners, ateliers, sessions d'échanges : ouverts aux membres et aux visiteurs.</p>",
    )  # fmt: skip
    axis_agendas = {
        number: upsert_page(axis_pages[number], EventIndexPage, "agenda", title=f"Agenda — {axis_pages[number].title}")
        for number in AXES_WITH_SECTIONS
        if number in axis_pages
    }
    for spec in EVENTS:
        axis_number = spec[8]
        _event(axis_agendas.get(axis_number, agenda), spec, axes_by_number)
    past = _event(agenda, PAST_EVENT, axes_by_number)
    _past_registrations(past)
    _participation(past)
    _breakfast_series(agenda)
    _process_workshops(agenda)


# The four themed workshops of the participatory process (workgroups.demo): past, each with its room.
PROCESS_WORKSHOPS = [
    # slug, theme, days from today, room slug
    ("atelier-artisanat", "Artisanat", -90, "suite-atelier-artisanat"),
    ("atelier-sante", "Santé", -89, "suite-atelier-sante"),
    ("atelier-ingenierie", "Ingénierie", -83, "suite-atelier-ingenierie"),
    ("atelier-image", "Image", -82, "suite-atelier-image"),
]


def _process_workshops(agenda) -> None:
    from workgroups.models import ParticipatoryProcess, Workgroup

    process = ParticipatoryProcess.objects.filter(slug="plan-economique-participatif").first()
    if process is None:
        return
    rooms = Workgroup.objects.in_bulk([row[3] for row in PROCESS_WORKSHOPS], field_name="slug")
    for slug, theme, days, room_slug in PROCESS_WORKSHOPS:
        summary = f"Atelier « {theme} » du plan économique participatif : constats, idées, décisions."
        event = upsert_page(
            agenda, EventPage, slug, title=f"Atelier {theme.lower()} du plan participatif", kind=EventKind.WORKSHOP,
            start=_at(days, (14, 0)), end=_at(days, (17, 0)), place="Tiers-lieu du Moulin", address="Val d'Arvière",
            capacity=25, process=process, summary=summary, body=text_body(f"<p>{summary}</p>"),
        )  # fmt: skip
        # The follow-up room is opened from the site, outside the page's revisions.
        EventPage.objects.filter(pk=event.pk).update(followup_workgroup=rooms.get(room_slug))


def _breakfast_series(agenda) -> EventSeriesPage:
    """The monthly breakfast of the cluster: the first Thursday of each month for six months, the one of
    August skipped; publishing it creates its dates."""
    today = timezone.localdate()
    return upsert_page(
        agenda,
        EventSeriesPage,
        "petit-dejeuner-mensuel",
        title="Petit-déjeuner des entrepreneurs",
        kind=EventKind.BREAKFAST,
        weekday=3,
        week_of_month=1,
        first_date=today,
        until=today + datetime.timedelta(days=183),
        start_time=datetime.time(8, 0),
        end_time=datetime.time(9, 30),
        place="Maison des coopératives",
        address="Val d'Arvière",
        capacity=40,
        summary="Chaque premier jeudi du mois, une heure et demie pour se rencontrer entre entreprises du territoire.",
        skipped_dates=[EventSeriesSkippedDate(date=_first_thursday_of_august(today), reason="Vacances d'été")],
    )


def _first_thursday_of_august(today: datetime.date) -> datetime.date:
    year = today.year if today.month <= 8 else today.year + 1
    day = datetime.date(year, 8, 1)
    return day + datetime.timedelta(days=(3 - day.weekday()) % 7)
