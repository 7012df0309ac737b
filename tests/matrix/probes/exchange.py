"""Probes of the Bourse d'échanges' rules (knowledge/exchange).

Inside is a session of club_in where org_in (a member firm of club_in) is registered, and org_in's
sheets; outside the same for club_out and org_out. Members act for their own firm (org_in), the
organisers of a club (its animators and exchange organisers) on that club's sessions and firms.
"""

import datetime

from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connections
from django.urls import reverse
from django.utils import timezone

from knowledge.exchange.models import (
    ExchangeObjective,
    ExchangeSession,
    ExportStatus,
    FirmWorkbook,
    Interest,
    MatchSuggestion,
    ParticipationLink,
    Registration,
    ResourceSheet,
    SatisfactionResponse,
    SessionStatus,
    SessionTable,
    SheetStatus,
    Synergy,
    WorkbookExport,
)
from knowledge.exchange.selectors import token_hash
from tests.factories import OrganisationFactory, PersonFactory, UserFactory

from ..kit import allowed, client_for, probe
from .clubs import admin_form_offers, admin_list_shows, admin_page_opens, club, marker


def firm(world, inside):
    return world.inside("org", inside)


def sheet(world, inside, *, status=SheetStatus.OPEN, direction="offer", organisation=None) -> ResourceSheet:
    organisation = organisation or firm(world, inside)
    return ResourceSheet.objects.create(
        organisation=organisation,
        direction=direction,
        category="materials",
        title=marker("Fiche"),
        description="Des palettes en bois disponibles chaque mois.",
        zone=organisation.zone,
        status=status,
    )


def session(world, inside, *, status=SessionStatus.PLANNED, current_round=0) -> ExchangeSession:
    """A session of the club, org_in (or org_out) registered and seated at table 1 with a neighbour."""
    the_session = ExchangeSession.objects.create(
        title=marker("Bourse"),
        date=datetime.date.today() + datetime.timedelta(days=7),
        venue="Salle du club",
        club=club(world, inside),
        status=status,
        current_round=current_round,
        round_started_at=timezone.now() if current_round else None,
    )
    table = SessionTable.objects.create(session=the_session, number=1)
    neighbour = OrganisationFactory(zone=firm(world, inside).zone, name=marker("Voisine"))
    for organisation in (firm(world, inside), neighbour):
        Registration.objects.create(session=the_session, organisation=organisation, table=table)
    return the_session


def neighbour_of(the_session) -> object:
    """The other firm seated at the session's table."""
    return the_session.registrations.filter(organisation__name__startswith="Voisine").get().organisation


def interest(world, inside) -> Interest:
    """In a running session of the club, the neighbour said YES to the firm's offer."""
    the_session = session(world, inside, status=SessionStatus.RUNNING, current_round=1)
    return Interest.objects.create(
        session=the_session,
        round=1,
        sheet=sheet(world, inside),
        organisation=neighbour_of(the_session),
        interested=True,
        table=the_session.tables.get(),
        recorded_at=timezone.now(),
    )


def synergy(world, inside) -> Synergy:
    the_interest = interest(world, inside)
    return Synergy.objects.create(
        offer=the_interest.sheet,
        provider=firm(world, inside),
        beneficiary=the_interest.organisation,
        club=club(world, inside),
        session=the_interest.session,
        interest=the_interest,
        notes=marker("Synergie"),
    )


def done_export(the_session) -> WorkbookExport:
    export = WorkbookExport.objects.create(
        session=the_session, status=ExportStatus.DONE, organiser_workbook=b"xlsx", archive=b"zip", total_count=1
    )
    for registration in the_session.registrations.all():
        FirmWorkbook.objects.create(export=export, organisation=registration.organisation, content=b"xlsx")
    return export


# --- Resource sheets ---------------------------------------------------------------------------------


@probe("exchange.sheets.see_closed")
def sheets_see_closed(world, user, inside):
    # Open sheets are every member's to read; a closed one stays its firm's and its organisers'.
    the_sheet = sheet(world, inside, status=SheetStatus.CLOSED)
    return allowed(client_for(user).get(reverse("exchange:sheet", args=[the_sheet.pk])))


@probe("exchange.sheets.edit")
def sheets_edit(world, user, inside):
    return allowed(client_for(user).get(reverse("exchange:sheet_edit", args=[sheet(world, inside).pk])))


@probe("exchange.sheets.file_for_firm")
def sheets_file_for_firm(world, user, inside):
    # An organiser files a sheet for a firm of their club; a member's sheet is always their own firm's.
    title = marker("Fiche deposee")
    client_for(user).post(
        reverse("exchange:sheet_create"),
        {
            "organisation": firm(world, inside).pk,
            "direction": "offer",
            "category": "materials",
            "title": title,
            "description": "Des chutes de bois propres.",
            "frequency": "one_off",
            "status": "open",
        },
    )
    return ResourceSheet.objects.filter(title=title, organisation=firm(world, inside)).exists()


# --- Sessions, seating, rounds -----------------------------------------------------------------------


@probe("exchange.sessions.manage")
def sessions_manage(world, user, inside):
    # Every member reads a session (to register their firm); its organisers get the tools.
    the_session = session(world, inside)
    response = client_for(user).get(reverse("exchange:session", args=[the_session.pk]))
    seating = reverse("exchange:seating", args=[the_session.pk])
    return response.status_code == 200 and seating in response.content.decode()


@probe("exchange.sessions.create")
def sessions_create(world, user, inside):
    title = marker("Bourse du site")
    client_for(user).post(
        reverse("exchange:session_create"),
        {
            "title": title,
            "date": (datetime.date.today() + datetime.timedelta(days=30)).isoformat(),
            "venue": "Salle des fêtes",
            "club": club(world, inside).pk,
            "rounds": 2,
            "round_minutes": 5,
            "registrations_open": "on",
        },
    )
    return ExchangeSession.objects.filter(title=title, club=club(world, inside)).exists()


@probe("exchange.sessions.edit")
def sessions_edit(world, user, inside):
    the_session = session(world, inside)
    title = marker("Bourse renommee")
    client_for(user).post(
        reverse("exchange:session_edit", args=[the_session.pk]),
        {
            "title": title,
            "date": the_session.date.isoformat(),
            "venue": the_session.venue,
            "club": the_session.club_id,
            "rounds": 2,
            "round_minutes": 5,
        },
    )
    the_session.refresh_from_db()
    return the_session.title == title


@probe("exchange.sessions.registrations_toggle")
def sessions_registrations_toggle(world, user, inside):
    the_session = session(world, inside)
    client_for(user).post(reverse("exchange:registrations", args=[the_session.pk]), {"open": "0"})
    the_session.refresh_from_db()
    return not the_session.registrations_open


def _agenda(world):
    from cms.events.models import EventIndexPage
    from cms.models import HomePage
    from tests.cms.pages import add_page

    if "agenda" not in world.extra:
        home = HomePage.objects.get()
        world.extra["agenda"] = EventIndexPage.objects.child_of(home).first() or add_page(
            home, EventIndexPage, title="Agenda"
        )
    return world.extra["agenda"]


@probe("exchange.sessions.agenda")
def sessions_agenda(world, user, inside):
    from cms.events.models import EventPage

    _agenda(world)
    the_session = session(world, inside)
    client_for(user).post(reverse("exchange_session_publish", args=[the_session.pk]))
    return EventPage.objects.filter(exchange_session=the_session, live=True).exists()


@probe("exchange.sessions.cancel")
def sessions_cancel(world, user, inside):
    the_session = session(world, inside)
    client_for(user).post(reverse("exchange:session_cancel", args=[the_session.pk]))
    the_session.refresh_from_db()
    return the_session.is_cancelled


@probe("exchange.agenda.register_firm")
def agenda_register_firm(world, user, inside):
    from cms.events import services as event_services

    _agenda(world)
    the_session = session(world, inside)
    granter = UserFactory(is_superuser=True, is_staff=True)
    event = event_services.exchange_session_publish(session=the_session, by=granter)
    if not inside:
        ExchangeSession.objects.filter(pk=the_session.pk).update(registrations_open=False)
    name = marker("Entreprise inscrite")
    client_for(user).post(
        event.url, {"name": name, "siret": "", "contact_name": "Jeanne", "contact_email": "jeanne@exemple.test"}
    )
    return Registration.objects.filter(session=the_session, organisation__name=name).exists()


@probe("exchange.sessions.register_firm")
def sessions_register_firm(world, user, inside):
    the_session = session(world, inside)
    target = firm(world, inside)
    Registration.objects.filter(session=the_session, organisation=target).delete()
    # The organisers' list of firms; a member registers their own firm (org_in) whatever is posted.
    client_for(user).post(reverse("exchange:register", args=[the_session.pk]), {"organisations": [target.pk]})
    return Registration.objects.filter(session=the_session, organisation=target).exists()


@probe("exchange.sessions.seating")
def sessions_seating(world, user, inside):
    return allowed(client_for(user).get(reverse("exchange:seating", args=[session(world, inside).pk])))


@probe("exchange.sessions.print")
def sessions_print(world, user, inside):
    return allowed(client_for(user).get(reverse("exchange:print_badges", args=[session(world, inside).pk])))


@probe("exchange.sessions.live")
def sessions_live(world, user, inside):
    return allowed(client_for(user).get(reverse("exchange:live", args=[session(world, inside).pk])))


@probe("exchange.rounds.advance")
def rounds_advance(world, user, inside):
    the_session = session(world, inside)
    client_for(user).post(reverse("exchange:advance", args=[the_session.pk]), {"action": "next"})
    the_session.refresh_from_db()
    return the_session.current_round == 1


@probe("exchange.tables.screen")
def tables_screen(world, user, inside):
    # The table has no secretary: its session's organisers stand in.
    return allowed(client_for(user).get(reverse("exchange:table", args=[session(world, inside).pk, 1])))


@probe("exchange.tables.facilitator")
def tables_facilitator(world, user, inside):
    # The table has no facilitator: its session's organisers stand in.
    the_session = session(world, inside, status=SessionStatus.RUNNING, current_round=1)
    return allowed(client_for(user).get(reverse("exchange:facilitator", args=[the_session.pk, 1])))


@probe("exchange.interests.record")
def interests_record(world, user, inside):
    the_session = session(world, inside, status=SessionStatus.RUNNING, current_round=1)
    offer = sheet(world, inside)
    neighbour = neighbour_of(the_session)
    client_for(user).post(
        reverse("exchange:answer", args=[the_session.pk, 1]),
        {"sheet": offer.pk, "organisation": neighbour.pk, "interested": "on"},
    )
    return Interest.objects.filter(session=the_session, sheet=offer, organisation=neighbour).exists()


@probe("exchange.interests.list")
def interests_list(world, user, inside):
    # The YES of a session: all of them for its organisers, those of their own firm for members.
    the_interest = interest(world, inside)
    response = client_for(user).get(reverse("exchange:session", args=[the_interest.session_id]))
    return response.status_code == 200 and the_interest.sheet.title in response.content.decode()


@probe("exchange.session.websocket", transactional=True)
def session_websocket(world, user, inside):
    the_session = session(world, inside, status=SessionStatus.RUNNING, current_round=1)
    headers = [(b"origin", b"http://127.0.0.1"), (b"host", b"127.0.0.1")]
    if user is not None:
        headers.append((b"cookie", f"sessionid={client_for(user).cookies['sessionid'].value}".encode()))

    async def connect():
        from portal.asgi import application

        communicator = WebsocketCommunicator(application, f"/ws/bourse/{the_session.pk}/", headers=headers)
        try:
            connected, _subprotocol = await communicator.connect(timeout=5)
            if not connected:
                return False
            first = await communicator.receive_output(timeout=5)
            return first["type"] == "websocket.send" and '"type":"state"' in first.get("text", "").replace(" ", "")
        finally:
            await communicator.disconnect()
            await database_sync_to_async(connections.close_all)()

    return async_to_sync(connect)()


# --- Workbooks and the questionnaire -------------------------------------------------------------------


@probe("exchange.workbooks.page")
def workbooks_page(world, user, inside):
    return allowed(client_for(user).get(reverse("exchange:workbooks", args=[session(world, inside).pk])))


@probe("exchange.workbooks.organiser")
def workbooks_organiser(world, user, inside):
    the_session = session(world, inside, status=SessionStatus.DONE)
    done_export(the_session)
    response = client_for(user).get(reverse("exchange:workbook_organiser", args=[the_session.pk]))
    return response.status_code == 200


@probe("exchange.workbooks.zip")
def workbooks_zip(world, user, inside):
    the_session = session(world, inside, status=SessionStatus.DONE)
    done_export(the_session)
    response = client_for(user).get(reverse("exchange:workbook_zip", args=[the_session.pk]))
    return response.status_code == 200


@probe("exchange.workbooks.firm")
def workbooks_firm(world, user, inside):
    the_session = session(world, inside, status=SessionStatus.DONE)
    done_export(the_session)
    url = reverse("exchange:workbook", args=[the_session.pk, firm(world, inside).pk])
    return client_for(user).get(url).status_code == 200


@probe("exchange.satisfaction.results")
def satisfaction_results(world, user, inside):
    the_session = session(world, inside, status=SessionStatus.DONE)
    return allowed(client_for(user).get(reverse("exchange:satisfaction_results", args=[the_session.pk])))


# --- Synergies and objectives ------------------------------------------------------------------------


@probe("exchange.synergies.list")
def synergies_list(world, user, inside):
    the_synergy = synergy(world, inside)
    response = client_for(user).get(reverse("exchange:synergies"))
    return response.status_code == 200 and the_synergy.offer.title in response.content.decode()


@probe("exchange.synergies.edit")
def synergies_edit(world, user, inside):
    return allowed(client_for(user).get(reverse("exchange:synergy", args=[synergy(world, inside).pk])))


@probe("exchange.synergies.create")
def synergies_create(world, user, inside):
    the_interest = interest(world, inside)
    client_for(user).post(reverse("exchange:synergy_create", args=[the_interest.pk]))
    return Synergy.objects.filter(interest=the_interest).exists()


# --- Follow-up of the potential synergies (#19) ------------------------------------------------------


@probe("exchange.followup.session_list")
def followup_session_list(world, user, inside):
    the_synergy = synergy(world, inside)
    response = client_for(user).get(reverse("exchange:session_synergies", args=[the_synergy.session_id]))
    return response.status_code == 200 and the_synergy.offer.title in response.content.decode()


@probe("exchange.followup.open_from_yes")
def followup_open_from_yes(world, user, inside):
    the_interest = interest(world, inside)
    client_for(user).post(reverse("exchange:session_synergies", args=[the_interest.session_id]))
    return Synergy.objects.filter(interest=the_interest).exists()


@probe("exchange.followup.update")
def followup_update(world, user, inside):
    the_synergy = synergy(world, inside)
    client_for(user).post(
        reverse("exchange:synergy", args=[the_synergy.pk]),
        {"status": "in_contact", "next_step": "Appeler l'acheteur", "next_step_on": "2031-03-02"},
    )
    the_synergy.refresh_from_db()
    return the_synergy.status == "in_contact" and the_synergy.next_step == "Appeler l'acheteur"


@probe("exchange.followup.note")
def followup_note(world, user, inside):
    the_synergy = synergy(world, inside)
    text = marker("Note")
    client_for(user).post(reverse("exchange:synergy_note", args=[the_synergy.pk]), {"text": text})
    return the_synergy.follow_up_notes.filter(text=text).exists()


@probe("exchange.workbooks.send")
def workbooks_send(world, user, inside):
    # The workbooks are built: each firm's contact gets a fresh link (the e-mail goes to the test outbox).
    the_session = session(world, inside, status=SessionStatus.DONE)
    done_export(the_session)
    registration = the_session.registrations.get(organisation=firm(world, inside))
    registration.contact_email = "contact@example.org"
    registration.save()
    client_for(user).post(reverse("exchange:workbooks_send", args=[the_session.pk]))
    return ParticipationLink.objects.filter(registration=registration).exists()


@probe("exchange.satisfaction.paper_entry")
def satisfaction_paper_entry(world, user, inside):
    the_session = session(world, inside, status=SessionStatus.DONE)
    client_for(user).post(
        reverse("exchange:satisfaction_paper", args=[the_session.pk]),
        {"organisation": firm(world, inside).pk, "logistics": 4, "method": 5, "atmosphere": 4, "comment": ""},
    )
    return SatisfactionResponse.objects.filter(session=the_session).exists()


@probe("exchange.results.page")
def results_page(world, user, inside):
    the_club = club(world, inside)
    ExchangeObjective.objects.create(club=the_club, year=2034, sessions_planned=2, synergies_planned=9)
    response = client_for(user).get(reverse("exchange:results") + f"?club={the_club.slug}")
    return response.status_code == 200 and "2034" in response.content.decode()


@probe("exchange.results.export")
def results_export(world, user, inside):
    the_club = club(world, inside)
    ExchangeObjective.objects.create(club=the_club, year=2035, sessions_planned=2, synergies_planned=9)
    response = client_for(user).get(reverse("exchange:results_export") + f"?club={the_club.slug}")
    return response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")


@probe("exchange.suggestions.decide")
def suggestions_decide(world, user, inside):
    offer = sheet(world, inside)
    other = OrganisationFactory(zone=firm(world, inside).zone, name=marker("Voisine"))
    need = sheet(world, inside, direction="need", organisation=other)
    client_for(user).post(
        reverse("exchange:suggestion_decide"), {"offer": offer.pk, "need": need.pk, "action": "confirm"}
    )
    return MatchSuggestion.objects.filter(offer=offer, need=need).exists()


@probe("exchange.objectives.dashboard")
def objectives_dashboard(world, user, inside):
    # Yearly figures (no firm named): every member follows them, for any club.
    the_club = club(world, inside)
    ExchangeObjective.objects.create(club=the_club, year=2031, sessions_planned=3, synergies_planned=12)
    response = client_for(user).get(reverse("exchange:dashboard") + f"?club={the_club.slug}")
    return response.status_code == 200 and "2031" in response.content.decode()


# --- The admin screens -------------------------------------------------------------------------------


@probe("exchange.admin.sheets.list")
def admin_sheets_list(world, user, inside):
    return admin_list_shows(user, "resource-sheets", sheet(world, inside).title)


@probe("exchange.admin.sheets.add_choices")
def admin_sheets_add_choices(world, user, inside):
    return admin_form_offers(user, "resource-sheets", "organisation", firm(world, inside).pk)


@probe("exchange.admin.sheets.edit")
def admin_sheets_edit(world, user, inside):
    return admin_page_opens(user, "resource-sheets", "edit", sheet(world, inside).pk)


@probe("exchange.admin.sheets.delete")
def admin_sheets_delete(world, user, inside):
    return admin_page_opens(user, "resource-sheets", "delete", sheet(world, inside).pk)


@probe("exchange.admin.sessions.list")
def admin_sessions_list(world, user, inside):
    return admin_list_shows(user, "exchange-sessions", session(world, inside).title)


@probe("exchange.admin.sessions.add_choices")
def admin_sessions_add_choices(world, user, inside):
    return admin_form_offers(user, "exchange-sessions", "club", club(world, inside).pk)


@probe("exchange.admin.sessions.add_cluster")
def admin_sessions_add_cluster(world, user, inside):
    # A session of the whole cluster (no club): for its organisers of the cluster and administrators.
    return admin_form_offers(user, "exchange-sessions", "club", None)


@probe("exchange.admin.sessions.edit")
def admin_sessions_edit(world, user, inside):
    return admin_page_opens(user, "exchange-sessions", "edit", session(world, inside).pk)


@probe("exchange.admin.registrations.list")
def admin_registrations_list(world, user, inside):
    the_session = session(world, inside)
    return admin_list_shows(user, "exchange-registrations", neighbour_of(the_session).name)


@probe("exchange.admin.registrations.add_choices")
def admin_registrations_add_choices(world, user, inside):
    return admin_form_offers(user, "exchange-registrations", "session", session(world, inside).pk)


@probe("exchange.admin.interests.list")
def admin_interests_list(world, user, inside):
    return admin_list_shows(user, "exchange-interests", interest(world, inside).sheet.title)


@probe("exchange.admin.synergies.list")
def admin_synergies_list(world, user, inside):
    return admin_list_shows(user, "synergies", synergy(world, inside).offer.title)


@probe("exchange.admin.synergies.add_choices")
def admin_synergies_add_choices(world, user, inside):
    return admin_form_offers(user, "synergies", "club", club(world, inside).pk)


@probe("exchange.admin.synergies.edit")
def admin_synergies_edit(world, user, inside):
    return admin_page_opens(user, "synergies", "edit", synergy(world, inside).pk)


@probe("exchange.admin.objectives.list")
def admin_objectives_list(world, user, inside):
    objective = ExchangeObjective.objects.create(club=club(world, inside), year=2033, sessions_planned=7)
    return admin_list_shows(user, "exchange-objectives", str(objective))


@probe("exchange.admin.objectives.add_choices")
def admin_objectives_add_choices(world, user, inside):
    return admin_form_offers(user, "exchange-objectives", "club", club(world, inside).pk)


@probe("exchange.admin.satisfaction.list")
def admin_satisfaction_list(world, user, inside):
    the_session = session(world, inside, status=SessionStatus.DONE)
    respondent = PersonFactory(organisation=firm(world, inside), user__last_name=marker("Repondante"))
    SatisfactionResponse.objects.create(
        session=the_session, respondent=respondent, organisation=firm(world, inside), logistics=4, method=5,
        atmosphere=5,
    )  # fmt: skip
    return admin_list_shows(user, "exchange-satisfaction", respondent.user.last_name)


# --- Firms' links (no account) -----------------------------------------------------------------------


def registration_in(world, inside) -> Registration:
    return session(world, inside).registrations.get(organisation=firm(world, inside))


@probe("exchange.links.page")
def links_page(world, user, inside):
    the_session = session(world, inside)
    return allowed(client_for(user).get(reverse("exchange:links", args=[the_session.pk])))


@probe("exchange.links.send")
def links_send(world, user, inside):
    registration = registration_in(world, inside)
    client_for(user).post(
        reverse("exchange:links", args=[registration.session_id]),
        {"action": "send", "registration": registration.pk, "email": "contact@example.org"},
    )
    return ParticipationLink.objects.filter(registration=registration).exists()


@probe("exchange.links.revoke")
def links_revoke(world, user, inside):
    registration = registration_in(world, inside)
    link = ParticipationLink.objects.create(
        registration=registration, token_hash=token_hash(marker("jeton")), issued_at=timezone.now()
    )
    client_for(user).post(
        reverse("exchange:links", args=[registration.session_id]), {"action": "revoke", "registration": registration.pk}
    )
    link.refresh_from_db()
    return link.revoked_at is not None


@probe("exchange.sheets.paper_entry")
def sheets_paper_entry(world, user, inside):
    registration = registration_in(world, inside)
    title = marker("Fiche papier")
    client_for(user).post(
        reverse("exchange:paper", args=[registration.session_id, registration.organisation_id]),
        {
            "direction": "need",
            "category": "logistics",
            "title": title,
            "description": "Un transport par semaine.",
            "frequency": "recurring",
        },
    )
    return ResourceSheet.objects.filter(title=title, organisation=registration.organisation).exists()


@probe("exchange.firm_link.edit_sheet")
def firm_link_edit_sheet(world, user, inside):
    # org_in's link, whoever holds it (signed in or not): its own sheet opens, org_out's never.
    token = marker("jeton").replace(" ", "-")
    ParticipationLink.objects.create(
        registration=registration_in(world, True), token_hash=token_hash(token), issued_at=timezone.now()
    )
    the_sheet = sheet(world, inside)
    return allowed(client_for(user).get(reverse("exchange:firm_sheet", args=[token, the_sheet.pk])))


@probe("exchange.readiness.page")
def readiness_page(world, user, inside):
    return allowed(client_for(user).get(reverse("exchange:readiness", args=[session(world, inside).pk])))


@probe("exchange.readiness.remind")
def readiness_remind(world, user, inside):
    # The firm has no sheet yet: a reminder gives it a fresh link (the e-mail goes to the test outbox).
    registration = registration_in(world, inside)
    registration.contact_email = "contact@example.org"
    registration.save()
    client_for(user).post(reverse("exchange:readiness", args=[registration.session_id]))
    return ParticipationLink.objects.filter(registration=registration).exists()
