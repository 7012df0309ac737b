"""Who may do what in the Bourse d'échanges. Views, the websocket, admin and services all ask here.

A club's sessions are run by its exchange organisers and its animators (Role.EXCHANGE_ORGANISER or
Role.ANIMATOR held on the club); an exchange organiser of the cluster runs every session, those of the
cluster itself (no club) included. Running a session means its seating, rounds, interests, workbooks,
questionnaire results and synergies, and the sheets of the club's firms (its current members and the
firms of the zones it covers). Members (people of an organisation) read the open sheets, file and edit
their own firm's, register it, and follow its interests, workbook and synergies. A table's secretary
records the answers of that table only.
"""

from django.db.models import Q, QuerySet
from django.utils import timezone

from portal.clubs.models import Club
from portal.clubs.selectors import firms_of_clubs
from portal.members.models import Organisation, Role
from portal.members.permissions import ALL, person_of, scope_ids
from portal.members.scopes import ScopeKind

from .models import ACTIVE_SHEET_STATUSES, ExchangeSession, ResourceSheet, SessionTable


def is_member(user) -> bool:
    person = person_of(user)
    return bool(person and user.is_active)


def organisation_id_of(user) -> int | None:
    person = person_of(user)
    return person.organisation_id if person and user.is_active else None


# --- Whose sessions ----------------------------------------------------------------------------------


def session_club_ids(user):
    """The clubs whose sessions the user runs: a set, or ALL (every club, and the cluster's sessions)."""
    organised = scope_ids(user, Role.EXCHANGE_ORGANISER, ScopeKind.CLUB)
    animated = scope_ids(user, Role.ANIMATOR, ScopeKind.CLUB)
    if organised is ALL or animated is ALL:
        return ALL
    return organised | animated


def runs_sessions(user) -> bool:
    """Whether the user runs any session (the organisers' links and fields)."""
    clubs = session_club_ids(user)
    return clubs is ALL or bool(clubs)


def runs_cluster_sessions(user) -> bool:
    """The sessions of the cluster itself (no club), its objectives and synergies."""
    return session_club_ids(user) is ALL


def _club_condition(user, field: str) -> Q | None:
    """None: every row; else the rows whose `field` (a club id, None for the cluster's) is one of the user's."""
    clubs = session_club_ids(user)
    return None if clubs is ALL else Q(**{f"{field}__in": clubs})


def _narrowed(queryset: QuerySet, condition: Q | None) -> QuerySet:
    return queryset if condition is None else queryset.filter(condition)


def can_manage_session(user, session: ExchangeSession) -> bool:
    """Its seating, rounds, tables, interests, workbooks, questionnaire results, registrations."""
    clubs = session_club_ids(user)
    return clubs is ALL or (session.club_id is not None and session.club_id in clubs)


def can_plan_session(user, club_id: int | None) -> bool:
    """Creating a session from the site: for one of the user's clubs, or the cluster's own (club_id None)
    for the cluster's organisers."""
    clubs = session_club_ids(user)
    return clubs is ALL or (club_id is not None and club_id in clubs)


def can_view_session(user, session: ExchangeSession) -> bool:
    """Every member reads a session's page (to register their firm)."""
    return is_member(user)


def sessions_run_by(queryset: QuerySet, user) -> QuerySet:
    return _narrowed(queryset, _club_condition(user, "club_id"))


def session_rows_run_by(queryset: QuerySet, user) -> QuerySet:
    """Rows of a session (registrations, interests, questionnaire answers): those of the user's sessions."""
    return _narrowed(queryset, _club_condition(user, "session__club_id"))


def managed_clubs(user) -> QuerySet[Club]:
    return _narrowed(Club.objects.filter(merged_into__isnull=True), _club_condition(user, "pk")).order_by("name")


def narrow_club_choice(form, user) -> None:
    """The form's club select offers the user's clubs; the empty choice (the cluster) only to those
    who run the cluster's sessions."""
    if "club" not in form.fields or runs_cluster_sessions(user):
        return
    field = form.fields["club"]
    current = getattr(getattr(form, "instance", None), "club_id", None)
    field.queryset = Club.objects.filter(Q(pk__in=managed_clubs(user).values("pk")) | Q(pk=current)).order_by("name")
    field.required = True
    field.empty_label = None


def narrow_session_choice(form, user) -> None:
    if "session" in form.fields:
        field = form.fields["session"]
        field.queryset = sessions_run_by(field.queryset, user)


def narrow_session_form(form, user) -> None:
    narrow_club_choice(form, user)


def narrow_registration_form(form, user) -> None:
    narrow_session_choice(form, user)


# --- Sheets ------------------------------------------------------------------------------------------


def managed_firms(user) -> QuerySet[Organisation]:
    """The firms whose sheets the user files and edits as an organiser (every one: ALL's)."""
    clubs = session_club_ids(user)
    return firms_of_clubs(clubs) if clubs is ALL or clubs else Organisation.objects.none()


def manages_firm(user, organisation_id: int | None) -> bool:
    if organisation_id is None:
        return False
    clubs = session_club_ids(user)
    if clubs is ALL:
        return True
    return bool(clubs) and firms_of_clubs(clubs).filter(pk=organisation_id).exists()


def can_file_sheet(user) -> bool:
    return runs_sessions(user) or organisation_id_of(user) is not None


def can_file_sheet_for(user, organisation: Organisation) -> bool:
    own = organisation_id_of(user)
    return (own is not None and own == organisation.pk) or manages_firm(user, organisation.pk)


def can_view_sheet(user, sheet: ResourceSheet) -> bool:
    """Open sheets and those in discussion: every member; the others: their firm's people and organisers."""
    if not is_member(user):
        return False
    return sheet.status in ACTIVE_SHEET_STATUSES or can_edit_sheet(user, sheet)


def can_edit_sheet(user, sheet: ResourceSheet) -> bool:
    own = organisation_id_of(user)
    return (own is not None and own == sheet.organisation_id) or manages_firm(user, sheet.organisation_id)


def can_manage_sheet(user, sheet: ResourceSheet) -> bool:
    """In the admin (edit, delete): the organisers of the sheet's firm."""
    return manages_firm(user, sheet.organisation_id)


def sheets_managed(queryset: QuerySet, user) -> QuerySet:
    """The admin's sheets: those of the firms the user files for as an organiser."""
    if session_club_ids(user) is ALL:
        return queryset
    return queryset.filter(organisation__in=managed_firms(user))


def narrow_sheet_form(form, user) -> None:
    if "organisation" in form.fields:
        field = form.fields["organisation"]
        field.queryset = field.queryset.filter(pk__in=managed_firms(user).values("pk"))


# --- At the tables -----------------------------------------------------------------------------------


def is_secretary(user, table: SessionTable) -> bool:
    person = person_of(user)
    return bool(person and user.is_active and table.secretary_id == person.pk)


def can_record_at(user, table: SessionTable) -> bool:
    """The table's secretary; the session's organisers may stand in for any secretary."""
    return is_secretary(user, table) or can_manage_session(user, table.session)


def is_facilitator(user, table: SessionTable) -> bool:
    person = person_of(user)
    return bool(person and user.is_active and table.facilitator_id == person.pk)


def can_facilitate_at(user, table: SessionTable) -> bool:
    """The facilitator's screen of a table: its facilitator; the session's organisers may stand in."""
    return is_facilitator(user, table) or can_manage_session(user, table.session)


def can_follow_session(user, session: ExchangeSession) -> bool:
    """The session's websocket: its organisers, and the secretaries and facilitators of its tables (they
    hear when a round starts)."""
    if can_manage_session(user, session):
        return True
    person = person_of(user)
    return bool(
        person and user.is_active and session.tables.filter(Q(secretary=person) | Q(facilitator=person)).exists()
    )


def can_register(user, session: ExchangeSession, organisation: Organisation) -> bool:
    """A member registers their own firm; the session's organisers register any firm."""
    own = organisation_id_of(user)
    return (own is not None and own == organisation.pk) or can_manage_session(user, session)


def can_download_workbook(user, session: ExchangeSession, organisation_id: int) -> bool:
    own = organisation_id_of(user)
    return (own is not None and own == organisation_id) or can_manage_session(user, session)


# --- Firms' links (no account) ---------------------------------------------------------------------


def can_manage_links(user, session: ExchangeSession) -> bool:
    """Sending, printing and revoking the firms' links of a session, and typing in their paper sheets."""
    return can_manage_session(user, session)


def link_opens(link, *, now=None) -> bool:
    """A firm's link opens its own firm's pages only while it is neither revoked nor past the session's
    follow-up period (the holder of the token is the firm: there is no account to check)."""
    from .selectors import link_expires_at  # selectors import this module

    now = now or timezone.now()
    return link.revoked_at is None and now < link_expires_at(link.registration.session)


def can_answer_questionnaire(user, session: ExchangeSession) -> bool:
    organisation_id = organisation_id_of(user)
    return bool(organisation_id and session.registrations.filter(organisation_id=organisation_id).exists())


# --- Synergies and objectives ------------------------------------------------------------------------


def can_create_synergy_from(user, interest) -> bool:
    """The session's organisers, or a member of either firm of the interest."""
    if can_manage_session(user, interest.session):
        return True
    organisation_id = organisation_id_of(user)
    return organisation_id is not None and organisation_id in (interest.organisation_id, interest.sheet.organisation_id)


def can_manage_synergy(user, synergy) -> bool:
    """The organisers of the synergy's club (of the cluster's when it has none)."""
    clubs = session_club_ids(user)
    return clubs is ALL or (synergy.club_id is not None and synergy.club_id in clubs)


def can_edit_synergy(user, synergy) -> bool:
    own = organisation_id_of(user)
    return (own is not None and own in (synergy.provider_id, synergy.beneficiary_id)) or can_manage_synergy(
        user, synergy
    )


def synergies_visible(queryset: QuerySet, user) -> QuerySet:
    """Those of the user's clubs (every one for the cluster's organisers), and their own firm's."""
    condition = _club_condition(user, "club_id")
    if condition is None:
        return queryset
    own = organisation_id_of(user)
    if own is not None:
        condition |= Q(provider_id=own) | Q(beneficiary_id=own)
    return queryset.filter(condition)


def synergies_managed(queryset: QuerySet, user) -> QuerySet:
    """The admin's synergies: those of the user's clubs."""
    return _narrowed(queryset, _club_condition(user, "club_id"))


def narrow_synergy_form(form, user) -> None:
    """Clubs and sessions of the user's; sheets they may read (the open ones and their firms')."""
    narrow_club_choice(form, user)
    narrow_session_choice(form, user)
    if runs_cluster_sessions(user):
        return
    for name in ("offer", "need"):
        if name in form.fields:
            field = form.fields[name]
            readable = Q(status__in=ACTIVE_SHEET_STATUSES) | Q(organisation__in=managed_firms(user))
            field.queryset = field.queryset.filter(readable)


def objectives_managed(queryset: QuerySet, user) -> QuerySet:
    return _narrowed(queryset, _club_condition(user, "club_id"))
