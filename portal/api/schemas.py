"""What the API answers, with the examples its OpenAPI document shows."""

import datetime

from ninja import Schema
from pydantic import ConfigDict, Field, create_model


def _examples(*examples):
    return ConfigDict(json_schema_extra={"examples": list(examples)})


class ErrorDetail(Schema):
    code: str = Field(
        ..., description="Stable code: bad_request, unauthorized, forbidden, not_found, invalid, rate_limited."
    )
    message: str = Field(..., description="For people, in the language asked (French by default).")
    fields: dict[str, str] | None = Field(None, description="On 422: the message of each invalid parameter.")


class Error(Schema):
    model_config = _examples({"error": {"code": "not_found", "message": "Rien ici, ou rien que vous puissiez lire."}})
    error: ErrorDetail


class Event(Schema):
    model_config = _examples(
        {
            "id": 42,
            "title": "Petit-déjeuner de l'économie circulaire",
            "url": "https://ptce.example.org/agenda/petit-dejeuner/",
            "kind": "breakfast",
            "start": "2026-12-10T08:30:00+01:00",
            "end": "2026-12-10T10:00:00+01:00",
            "place": "Maison des coopératives, salle 2",
            "address": "3 rue des Tanneurs, Bourg",
            "summary": "Deux entreprises présentent leurs boucles de réemploi.",
            "axis": "economie-circulaire",
            "registration_open": True,
        }
    )
    id: int
    title: str
    url: str | None
    kind: str
    start: datetime.datetime
    end: datetime.datetime
    place: str
    address: str
    summary: str
    axis: str | None = Field(None, description="The slug of the thematic axis, if any.")
    registration_open: bool


class News(Schema):
    model_config = _examples(
        {
            "id": 7,
            "title": "Le club de la vallée devient autonome",
            "url": "https://ptce.example.org/actualites/club-vallee/",
            "date": "2026-11-28",
            "summary": "Trois ans après sa première réunion…",
            "axis": None,
            "tags": ["clubs"],
        }
    )
    id: int
    title: str
    url: str | None
    date: datetime.date
    summary: str
    axis: str | None
    tags: list[str]


class BestPractice(Schema):
    model_config = _examples(
        {
            "slug": "mutualiser-les-palettes",
            "title": "Mutualiser les palettes",
            "summary": "Une plateforme commune de palettes entre cinq entreprises.",
            "axis": "economie-circulaire",
            "organisation": "Menuiserie Durand",
            "published_at": "2026-10-02T14:00:00+02:00",
            "url": "https://ptce.example.org/bonnes-pratiques/mutualiser-les-palettes/",
        }
    )
    slug: str
    title: str
    summary: str
    axis: str | None
    organisation: str
    published_at: datetime.datetime | None
    url: str


class Organisation(Schema):
    model_config = _examples(
        {
            "slug": "menuiserie-durand",
            "name": "Menuiserie Durand",
            "kind": "classic_firm",
            "commune": "Bourg",
            "zone": "vallee",
            "website": "https://menuiserie-durand.example",
            "description": "Menuiserie bois et réemploi.",
        }
    )
    slug: str
    name: str
    kind: str
    commune: str
    zone: str | None
    website: str
    description: str


class Axis(Schema):
    model_config = _examples(
        {"number": 1, "slug": "economie-circulaire", "title": "Économie circulaire", "summary": "", "colour": "#2e7d32"}
    )
    number: int
    slug: str
    title: str
    summary: str
    colour: str


class Club(Schema):
    model_config = _examples(
        {
            "slug": "club-vallee",
            "name": "Club de la vallée",
            "zone": "vallee",
            "stage": "autonomous",
            "founded": "2023-09-14",
            "description": "",
            "member_count": 18,
        }
    )
    slug: str
    name: str
    zone: str
    stage: str
    founded: datetime.date | None
    description: str
    member_count: int


class Zone(Schema):
    model_config = _examples(
        {"slug": "vallee", "name": "Vallée", "commune": "Bourg", "description": "", "member_count": 42}
    )
    slug: str
    name: str
    commune: str
    description: str
    member_count: int


def _page(item):
    """The page schema of a list of `item`, with a name of its own in the OpenAPI document."""
    return create_model(
        f"{item.__name__}Page",
        __base__=Schema,
        results=(list[item], ...),
        next_cursor=(
            str | None,
            Field(None, description="Give it as `cursor` to read the next page; null on the last page."),
        ),
    )


EventPage = _page(Event)
NewsPage = _page(News)
BestPracticePage = _page(BestPractice)
OrganisationPage = _page(Organisation)
AxisPage = _page(Axis)
ClubPage = _page(Club)
ZonePage = _page(Zone)


# --- With a personal token ---------------------------------------------------------------------


class Me(Schema):
    model_config = _examples(
        {"name": "Camille Martin", "email": "camille@example.org", "organisation": "Menuiserie Durand"}
    )
    name: str
    email: str
    organisation: str | None


class Workgroup(Schema):
    model_config = _examples(
        {
            "slug": "reemploi",
            "name": "Réemploi des matériaux",
            "axis": "economie-circulaire",
            "club": None,
            "last_sequence": 128,
            "last_read_sequence": 120,
            "unread": 8,
            "url": "https://ptce.example.org/groupes/reemploi/",
        }
    )
    slug: str
    name: str
    axis: str | None
    club: str | None
    last_sequence: int
    last_read_sequence: int = Field(..., description="Read messages up to this sequence: ask the messages after it.")
    unread: int
    url: str


class WorkgroupList(Schema):
    results: list[Workgroup]
    next_cursor: str | None = None


class Message(Schema):
    model_config = _examples(
        {
            "sequence": 121,
            "author": "Camille Martin",
            "body": "La benne arrive jeudi.",
            "created_at": "2026-12-04T17:02:11+01:00",
            "edited_at": None,
            "removed": False,
            "reply_to": 118,
        }
    )
    sequence: int
    author: str | None
    body: str = Field(..., description="Empty when the message was removed.")
    created_at: datetime.datetime
    edited_at: datetime.datetime | None
    removed: bool
    reply_to: int | None = Field(None, description="The sequence of the message answered.")


class MessageList(Schema):
    results: list[Message]
    next_after: int | None = Field(
        None, description="Give it as `after` for the following messages; null when none is left."
    )


class Registration(Schema):
    model_config = _examples(
        {
            "event": "Petit-déjeuner de l'économie circulaire",
            "event_url": "https://ptce.example.org/agenda/petit-dejeuner/",
            "start": "2026-12-10T08:30:00+01:00",
            "end": "2026-12-10T10:00:00+01:00",
            "status": "confirmed",
            "registered_at": "2026-11-30T09:12:00+01:00",
        }
    )
    event: str
    event_url: str | None
    start: datetime.datetime
    end: datetime.datetime
    status: str
    registered_at: datetime.datetime


class Sheet(Schema):
    model_config = _examples(
        {
            "id": 31,
            "title": "Chutes de bois de chêne",
            "direction": "offer",
            "category": "materials",
            "status": "open",
            "zone": "vallee",
            "updated_at": "2026-11-20T10:00:00+01:00",
        }
    )
    id: int
    title: str
    direction: str
    category: str
    status: str
    zone: str | None
    updated_at: datetime.datetime


class Meeting(Schema):
    model_config = _examples(
        {
            "title": "Réunion de rentrée",
            "workgroup": "commission-rse",
            "workgroup_name": "Commission RSE",
            "starts_at": "2026-12-14T14:00:00+01:00",
            "place": "Salle du club",
            "url": "https://ptce.example.org/groupes/commission-rse/reunions/12/",
        }
    )
    title: str
    workgroup: str
    workgroup_name: str
    starts_at: datetime.datetime
    place: str
    url: str


RegistrationPage = _page(Registration)
MeetingPage = _page(Meeting)
SheetPage = _page(Sheet)
