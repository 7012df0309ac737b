"""What a campaign may invite its firms to, told by the apps that own those things.

The clubs do not import the agenda or the Bourse d'échanges (they come later in the layering): each
app registers here, from its AppConfig.ready, how to list the things of its kind a club may invite to
and how to read one (its title, where the firm acts, until when). The needs surveys are the clubs' own.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Invitable:
    """One thing a campaign invites to, as the campaign's screens, e-mails and link need it."""

    title: str
    ends_at: datetime.datetime | None  # no link, no reminder after it
    when: str = ""  # the date as the e-mail says it, if it has one


@dataclass(frozen=True)
class Kind:
    # (club) -> [(id, label)]: the things of this kind the club's campaigns may invite to now
    choices: Callable
    # (id) -> Invitable | None
    read: Callable
    # (id, organisation) -> the URL where this firm acts, or None while what it needs is not made
    # (a read: a link opened by a GET writes nothing)
    url_for: Callable
    acted_label: str = ""
    # (id, organisation) -> None: makes what the firm's link needs (the firm's survey invitation), when
    # the invitation or a reminder is sent, or when the firm confirms it opens an older link (a POST)
    prepare: Callable | None = None


_KINDS: dict[str, Kind] = {}


def register(
    kind: str,
    *,
    choices: Callable,
    read: Callable,
    url_for: Callable,
    acted_label: str,
    prepare: Callable | None = None,
) -> None:
    _KINDS[kind] = Kind(choices=choices, read=read, url_for=url_for, acted_label=acted_label, prepare=prepare)


def kind(name: str) -> Kind | None:
    return _KINDS.get(name)


def choices_for(club) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """Grouped choices for a form: [(kind, kind label, [("kind:id", label), …]), …]."""
    from .models import InvitationKind

    groups = []
    for value, label in InvitationKind.choices:
        registered = _KINDS.get(value)
        if registered is not None:
            groups.append((value, str(label), [(f"{value}:{pk}", text) for pk, text in registered.choices(club)]))
    return groups


def prepare(campaign, organisation) -> None:
    """Makes what the firm's link to the campaign's thing needs, if its kind needs anything."""
    registered = _KINDS.get(campaign.invite_kind)
    if registered is not None and registered.prepare is not None and campaign.invite_id is not None:
        registered.prepare(campaign.invite_id, organisation)


# --- Past events whose participants a campaign may target (told by the agenda) ------------------------

_PARTICIPANTS: dict[str, Callable] = {}


def register_participants(*, choices: Callable, organisations: Callable) -> None:
    """`choices(club)` -> [(id, label)]: the club's past events; `organisations(club, id)` -> the ids of
    the firms that took part in one of them (none for an event that is not one of `choices(club)`)."""
    _PARTICIPANTS.update(choices=choices, organisations=organisations)


def past_event_choices(club) -> list[tuple[int, str]]:
    return _PARTICIPANTS["choices"](club) if _PARTICIPANTS else []


def participants(club, event_id: int) -> list[int]:
    return list(_PARTICIPANTS["organisations"](club, event_id)) if _PARTICIPANTS else []


def read(campaign) -> Invitable | None:
    registered = _KINDS.get(campaign.invite_kind)
    if registered is None or campaign.invite_id is None:
        return None
    return registered.read(campaign.invite_id)


# --- The clubs' own kind: a needs survey -------------------------------------------------------------


def _survey_choices(club) -> list[tuple[int, str]]:
    from django.db.models import Q
    from django.utils import timezone

    from .models import Survey

    today = timezone.localdate()
    surveys = Survey.objects.filter(Q(club=club) | Q(club__isnull=True), opened_on__lte=today, closes_on__gte=today)
    return [(survey.pk, survey.title) for survey in surveys.order_by("closes_on", "pk")]


def _survey_read(pk: int) -> Invitable | None:
    from django.utils import formats, timezone
    from django.utils.translation import gettext as _

    from .models import Survey

    survey = Survey.objects.filter(pk=pk).first()
    if survey is None:
        return None
    closes = datetime.datetime.combine(survey.closes_on + datetime.timedelta(days=1), datetime.time())
    when = _("Open until %(date)s.") % {"date": formats.date_format(survey.closes_on, "DATE_FORMAT")}
    return Invitable(title=survey.title, ends_at=timezone.make_aware(closes), when=when)


def _survey_prepare(pk: int, organisation) -> None:
    """The firm's survey invitation, made once (at the sending: its link then only reads it)."""
    from .links import new_nonce
    from .models import SurveyInvitation

    SurveyInvitation.objects.get_or_create(survey_id=pk, organisation=organisation, defaults={"nonce": new_nonce()})


def _survey_url(pk: int, organisation) -> str | None:
    """The firm's own questionnaire; None if its invitation was not made (a link sent before the
    invitations were made at the sending)."""
    from django.urls import reverse

    from . import services
    from .models import SurveyInvitation

    invitation = SurveyInvitation.objects.filter(survey_id=pk, organisation=organisation).first()
    if invitation is None:
        return None
    return reverse("club:survey_answer", args=[services.invitation_token(invitation)])


def register_surveys() -> None:
    from django.utils.translation import gettext_lazy as _

    from .models import InvitationKind

    register(InvitationKind.SURVEY, choices=_survey_choices, read=_survey_read, url_for=_survey_url,
             acted_label=_("Have answered"), prepare=_survey_prepare)  # fmt: skip
