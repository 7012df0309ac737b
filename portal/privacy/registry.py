"""What each app holds about a person, how long it keeps it, and why.

portal/ may not import the other apps: each app describes its own data here from its
AppConfig.ready() (see workgroups/privacy.py, knowledge/privacy.py, cms/privacy.py), as the
role permissions do in portal/members/roles.py. The privacy services then export, erase and
purge through this registry without knowing the apps, and the privacy policy page lists
exactly what is registered.

- register_section(): a part of "download my data" and what "delete my account" erases there.
  `export(person)` returns a list of rows (dicts whose keys are readable, translated labels and
  whose values are text, numbers, dates or booleans); `erase(person)` removes or pseudonymises
  the person's data in that app, inside the deletion's transaction; `consent_changed(person,
  purpose, given)` applies a consent given or withdrawn at once in that app.
- register_address_section(): the same for someone known only by an e-mail address, without an
  account (a prospect firm's professional address): `export(email)` and `erase(email)`, run by an
  administrator answering a request (`manage.py personal_data_address`).
- register_processing(): one line of the privacy policy (purpose, legal basis, data, retention).
- register_purge(): a retention rule run by `manage.py purge_personal_data` and its task:
  `purge(cutoff)` removes what is older than the cutoff and returns how many rows it removed.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone


@dataclass(frozen=True)
class Section:
    name: str
    label: str
    export: Callable
    erase: Callable | None = None
    consent_changed: Callable | None = None
    order: int = 100


@dataclass(frozen=True)
class Processing:
    key: str
    title: str
    purpose: str
    legal_basis: str
    data: list = field(default_factory=list)
    retention: str = ""
    retention_setting: str = ""
    order: int = 100


@dataclass(frozen=True)
class Purge:
    key: str
    label: str
    retention_setting: str
    purge: Callable

    @property
    def days(self) -> int:
        return retention_days(self.retention_setting)

    def cutoff(self, now: datetime.datetime) -> datetime.datetime:
        """`now` less the rule's days, in the portal's time zone: the rules that compare days (a search's,
        a call's, a session's) take `.date()` of it, which must be Paris's day, not UTC's (from 23:00 or
        22:00 UTC they differ)."""
        return timezone.localtime(now) - datetime.timedelta(days=self.days)


@dataclass(frozen=True)
class AddressSection:
    name: str
    label: str
    export: Callable
    erase: Callable | None = None
    order: int = 100


_sections: dict[str, Section] = {}
_address_sections: dict[str, AddressSection] = {}
_processings: dict[str, Processing] = {}
_purges: dict[str, Purge] = {}


def register_section(name: str, *, label, export, erase=None, consent_changed=None, order: int = 100) -> None:
    _sections[name] = Section(name, label, export, erase, consent_changed, order)


def register_address_section(name: str, *, label, export, erase=None, order: int = 100) -> None:
    _address_sections[name] = AddressSection(name, label, export, erase, order)


def address_sections() -> list[AddressSection]:
    return sorted(_address_sections.values(), key=lambda section: (section.order, section.name))


def register_processing(key: str, *, title, purpose, legal_basis, data=(), retention="", retention_setting="",
                        order: int = 100) -> None:  # fmt: skip
    _processings[key] = Processing(key, title, purpose, legal_basis, list(data), retention, retention_setting, order)


def register_purge(key: str, *, label, retention_setting: str, purge) -> None:
    if retention_setting not in settings.PRIVACY_RETENTION_DAYS:
        raise KeyError(f"PRIVACY_RETENTION_DAYS has no {retention_setting!r} period")
    _purges[key] = Purge(key, label, retention_setting, purge)


def sections() -> list[Section]:
    return sorted(_sections.values(), key=lambda section: (section.order, section.name))


def processings() -> list[Processing]:
    return sorted(_processings.values(), key=lambda processing: (processing.order, processing.key))


def purges() -> list[Purge]:
    return [_purges[key] for key in sorted(_purges)]


def retention_days(setting_key: str) -> int:
    return int(settings.PRIVACY_RETENTION_DAYS[setting_key])
