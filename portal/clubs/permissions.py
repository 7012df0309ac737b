"""Who may do what in the clubs' life. Views, admin, services and other apps all ask here; the
roles themselves are the members directory's (portal.members.permissions).

A club's animators (Role.ANIMATOR held on the club) run it: its stages and board, its needs
surveys and their answers, and the zones it covers (its own and the other business parks it took
on): their prospects, firm imports and growth. Nothing of another club's. Mergers, the clubs'
creation, growth targets and the surveys of the whole cluster are the cluster administrators'.
"""

import re

from django.db.models import Q, QuerySet

from portal.members.models import Role, RoleAssignment
from portal.members.permissions import ALL, holds, is_administrator, scope_ids
from portal.members.scopes import ScopeKind

from .models import Club


def animated_club_ids(user):
    """The ids of the clubs the user animates: a set, or ALL (administrators)."""
    return scope_ids(user, Role.ANIMATOR, ScopeKind.CLUB)


def animates_a_club(user) -> bool:
    ids = animated_club_ids(user)
    return ids is ALL or bool(ids)


def can_animate(user, club: Club | None) -> bool:
    """The club's back office: its stage, board, surveys (and the zones it covers)."""
    return club is not None and club.pk in animated_club_ids(user)


def animated_zone_ids(user):
    """The zones the user's clubs cover (their own zone and the other zones they took on): a set, or ALL.
    A club merged into another covers nothing any more: the other one does."""
    clubs = animated_club_ids(user)
    if clubs is ALL:
        return ALL
    if not clubs:
        return set()
    running = Club.objects.filter(pk__in=clubs, merged_into__isnull=True)
    zones = set(running.values_list("zone_id", flat=True))
    zones |= set(running.filter(other_zones__isnull=False).values_list("other_zones", flat=True))
    return zones


def _zone_filter(user, field: str) -> Q | None:
    """None when every zone is the user's, else the condition on `field` (a zone id)."""
    zones = animated_zone_ids(user)
    return None if zones is ALL else Q(**{f"{field}__in": zones})


def _club_filter(user, field: str) -> Q | None:
    clubs = animated_club_ids(user)
    return None if clubs is ALL else Q(**{f"{field}__in": clubs})


def _narrowed(queryset: QuerySet, condition: Q | None) -> QuerySet:
    return queryset if condition is None else queryset.filter(condition)


# --- Clubs ---------------------------------------------------------------------------------------


def can_set_stage(user, club: Club) -> bool:
    return can_animate(user, club)


def can_follow_autonomy(user, club: Club) -> bool:
    """The club's path to autonomy (checklist, accompanying person, planned date) and the warning when it
    stays too long in a stage: its animators' and the administrators'."""
    return can_animate(user, club)


def can_merge_clubs(user) -> bool:
    return is_administrator(user)


def can_create_clubs(user) -> bool:
    return is_administrator(user)


def clubs_in_admin(queryset: QuerySet, user) -> QuerySet:
    """The clubs' admin list: every club for administrators and the axes' coordinators (they had it,
    and a club's name is public); the clubs a person animates or runs the Bourse d'échanges of."""
    if is_administrator(user) or holds(user, Role.COORDINATOR):
        return queryset
    animated = animated_club_ids(user)
    organised = scope_ids(user, Role.EXCHANGE_ORGANISER, ScopeKind.CLUB)
    if animated is ALL or organised is ALL:
        return queryset
    return queryset.filter(pk__in=animated | organised)


def animated_clubs(user) -> QuerySet[Club]:
    """The running clubs the user animates (the choices of their forms)."""
    return _narrowed(Club.objects.filter(merged_into__isnull=True), _club_filter(user, "pk")).order_by("name")


def club_rows_visible(queryset: QuerySet, user) -> QuerySet:
    """Rows of a club (board seats, history steps): those of the clubs the user animates."""
    return _narrowed(queryset, _club_filter(user, "club_id"))


def narrow_club_choice(form, user) -> None:
    """A form's club select offers the clubs the user animates (the row's own club stays)."""
    if is_administrator(user) or "club" not in form.fields:
        return
    field = form.fields["club"]
    current = getattr(getattr(form, "instance", None), "club_id", None)
    field.queryset = Club.objects.filter(Q(pk__in=animated_clubs(user).values("pk")) | Q(pk=current)).order_by("name")
    # The empty choice is the whole cluster's (a survey of every firm): the administrators'.
    field.required = True
    field.empty_label = None


# --- Zones: prospects, firm imports, growth --------------------------------------------------------


def can_work_on_zone(user, zone) -> bool:
    """The zone's prospects and firm imports: the animators of the clubs covering it."""
    return zone is not None and zone.pk in animated_zone_ids(user)


def can_follow_prospects(user, zone) -> bool:
    return can_work_on_zone(user, zone)


def can_import_firms(user, zone) -> bool:
    return can_work_on_zone(user, zone)


def zone_rows_visible(queryset: QuerySet, user, field: str = "zone_id") -> QuerySet:
    """Rows of a zone (firm imports, growth targets): those of the zones the user's clubs cover."""
    return _narrowed(queryset, _zone_filter(user, field))


def prospect_contacts_visible(queryset: QuerySet, user) -> QuerySet:
    return zone_rows_visible(queryset, user, "organisation__zone_id")


def narrow_prospect_contact_form(form, user) -> None:
    """Contacts are recorded with firms of the user's zones only."""
    if "organisation" in form.fields:
        field = form.fields["organisation"]
        field.queryset = zone_rows_visible(field.queryset, user)


def narrow_prospect_file_form(form, user) -> None:
    """A file is kept on a firm of the user's zones, followed by an animator of a club covering them
    (the row's current follower stays offered)."""
    narrow_prospect_contact_form(form, user)
    if "assigned_to" not in form.fields or is_administrator(user):
        return
    zones = animated_zone_ids(user)
    clubs = Club.objects.filter(merged_into__isnull=True).filter(Q(zone__in=zones) | Q(other_zones__in=zones))
    animators = RoleAssignment.objects.filter(
        role=Role.ANIMATOR, scope_kind=ScopeKind.CLUB, scope_id__in=clubs.values("pk")
    ).values("person__user_id")
    field = form.fields["assigned_to"]
    current = getattr(getattr(form, "instance", None), "assigned_to_id", None)
    field.queryset = field.queryset.filter(Q(pk__in=animators) | Q(pk=current))


def can_keep_prospect_files(user) -> bool:
    """ "My calls today", the call sheet and its export: whoever animates a club (their zones' files)."""
    return animates_a_club(user)


def prospect_files_visible(queryset: QuerySet, user) -> QuerySet:
    """Prospect files of the zones the user's clubs cover (a file assigned to the user on a zone they
    no longer cover is not theirs any more)."""
    return zone_rows_visible(queryset, user, "organisation__zone_id")


def may_be_assigned_prospect(user, zone) -> bool:
    """A prospect of a zone is followed by an animator of a club covering it (or an administrator)."""
    return user is not None and can_work_on_zone(user, zone)


def narrow_zone_choice(form, user) -> None:
    if "zone" in form.fields:
        field = form.fields["zone"]
        field.queryset = _narrowed(field.queryset, _zone_filter(user, "pk"))


def can_view_growth(user) -> bool:
    """The growth dashboard, of the zones the user's clubs cover (every zone for administrators)."""
    return animates_a_club(user)


def growth_zone_ids(user):
    return animated_zone_ids(user)


def growth_club_ids(user):
    """The clubs whose own figures the user sees on the growth dashboard: those they animate."""
    return animated_club_ids(user)


def growth_targets_visible(queryset: QuerySet, user) -> QuerySet:
    """Growth targets of the zones the user's clubs cover, and of the clubs they animate."""
    zones, clubs = _zone_filter(user, "zone_id"), _club_filter(user, "club_id")
    return queryset if zones is None or clubs is None else queryset.filter(zones | clubs)


def narrow_growth_target_form(form, user) -> None:
    narrow_zone_choice(form, user)
    if "club" in form.fields and not is_administrator(user):
        field = form.fields["club"]
        field.queryset = animated_clubs(user)


# --- Needs surveys ---------------------------------------------------------------------------------


def can_open_survey(user, club: Club | None) -> bool:
    """A club's survey: its animators; the whole cluster's (every firm of every zone): administrators."""
    return is_administrator(user) if club is None else can_animate(user, club)


def can_manage_survey(user, survey) -> bool:
    """Its links, answers, export, e-mails and publication: the survey's club's animators (a survey of
    the whole cluster: administrators)."""
    if survey.club_id is None:
        return is_administrator(user)
    return survey.club_id in animated_club_ids(user)


def can_view_survey_answers(user, survey) -> bool:
    """Which firm answered what: who manages the survey. Everyone else sees counts only."""
    return can_manage_survey(user, survey)


def can_run_surveys(user) -> bool:
    """The surveys' page (and its link): whoever may open one."""
    return animates_a_club(user)


def surveys_visible(queryset: QuerySet, user) -> QuerySet:
    """The surveys the user manages: their clubs' (every one, the cluster's too, for administrators)."""
    if is_administrator(user):
        return queryset
    clubs = animated_club_ids(user)
    return queryset.filter(club__isnull=False) if clubs is ALL else queryset.filter(club_id__in=clubs)


SIRET_DIGITS = re.compile(r"\d{14}")


# --- Campaigns -------------------------------------------------------------------------------------


def can_run_campaigns(user) -> bool:
    """The campaigns' page: whoever animates a club (their clubs' campaigns)."""
    return animates_a_club(user)


def can_manage_campaign(user, campaign) -> bool:
    """A campaign is its club's: its animators see it, record the contacts and the results."""
    return can_animate(user, campaign.club)


def campaigns_visible(queryset: QuerySet, user) -> QuerySet:
    return club_rows_visible(queryset, user)


def may_take_part_in_campaign(user, club: Club) -> bool:
    """The firms of a campaign are shared among the club's animators."""
    return user is not None and can_animate(user, club)


# --- Joining online --------------------------------------------------------------------------------


def may_lookup_register_to_join(query: str) -> bool:
    """Anyone filling the public join form may look one firm up in the company register by its exact
    SIRET (what the register publishes anyway); a search by name, which lists many firms, stays the
    people's who may edit an organisation (portal.members.permissions.can_lookup_register)."""
    return bool(SIRET_DIGITS.fullmatch(query))


def can_decide_join_request(user, join_request) -> bool:
    """A firm's request to join a club: its animators (and the administrators) accept or refuse it."""
    return can_animate(user, join_request.club)


def join_requests_visible(queryset: QuerySet, user) -> QuerySet:
    return club_rows_visible(queryset, user)
