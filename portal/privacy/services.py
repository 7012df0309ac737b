"""Writes of the privacy app: consents, the data export, the erasure of an account, the retention purge."""

import datetime
import io
import json
import logging
import zipfile

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal import identity
from portal.members import permissions as member_permissions
from portal.members import services as member_services
from portal.members.models import CalendarAddress, Person

from . import registry
from .models import Consent, ExportAccess, Purpose
from .wording import wording

logger = logging.getLogger(__name__)


def pseudonym() -> str:
    """The name shown instead of an erased person's, in the portal's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return _("Former member")


def _check_self(person: Person, by) -> None:
    if by is None or by.pk != person.user_id:
        raise PermissionDenied(_("Only the person concerned can change their consents."))


# --- Consents ---------------------------------------------------------------------------------


def _apply_consent(person: Person, purpose: str, given: bool) -> None:
    """Makes a consent take effect everywhere: here for the directory, in each app for its data."""
    if purpose == Purpose.DIRECTORY and person.organisation_id:
        from portal.members.models import Organisation

        # The listing is the organisation's: the flag the directory reads follows the last consent act,
        # through the members' service, which also queues the directory's search entry update.
        organisation = Organisation.objects.select_for_update().get(pk=person.organisation_id)
        member_services.organisation_listing_apply(organisation=organisation, listed=given)
    for section in registry.sections():
        if section.consent_changed is not None:
            section.consent_changed(person, purpose, given)


def consent_give(*, person: Person, purpose: str, by) -> Consent:
    _check_self(person, by)
    if purpose not in Purpose.values:
        raise ValidationError(_("Unknown purpose."))
    if purpose == Purpose.DIRECTORY and not person.organisation_id:
        raise ValidationError(_("Your account is not attached to an organisation: there is nothing to list."))
    with transaction.atomic():
        current = (
            Consent.objects.select_for_update()
            .filter(person=person, purpose=purpose, withdrawn_at__isnull=True)
            .first()
        )
        if current is not None:
            return current
        consent = Consent.objects.create(person=person, purpose=purpose, wording=wording(purpose))
        _apply_consent(person, purpose, True)
    return consent


def consent_withdraw(*, person: Person, purpose: str, by) -> int:
    """Withdraws the current consent (if any) and applies the withdrawal everywhere, at once."""
    _check_self(person, by)
    if purpose not in Purpose.values:
        raise ValidationError(_("Unknown purpose."))
    with transaction.atomic():
        withdrawn = Consent.objects.filter(person=person, purpose=purpose, withdrawn_at__isnull=True).update(
            withdrawn_at=timezone.now()
        )
        # Applied even with no consent on record: withdrawing must leave nothing shown.
        _apply_consent(person, purpose, False)
    return withdrawn


def directory_listing_set(*, organisation, listed: bool, by) -> None:
    """The directory checkbox of an organisation's edit form.

    Ticked or unticked by one of its own people, it is that person's consent given or withdrawn
    (wording and date recorded, applied everywhere as on the consents page). An administrator
    editing another organisation sets the organisation's flag only: nobody can consent for someone else.
    """
    person = member_permissions.person_of(by)
    if person is not None and person.organisation_id == organisation.pk:
        if listed:
            consent_give(person=person, purpose=Purpose.DIRECTORY, by=by)
        else:
            consent_withdraw(person=person, purpose=Purpose.DIRECTORY, by=by)
        return
    if not member_permissions.can_edit_organisation(by, organisation):
        raise PermissionDenied(_("You can only edit your own organisation."))
    member_services.organisation_listing_apply(organisation=organisation, listed=listed)


# --- "Download my data" -----------------------------------------------------------------------


def data_sections(person: Person) -> list[dict]:
    return [{"name": s.name, "label": str(s.label), "rows": list(s.export(person))} for s in registry.sections()]


def data_export_zip(*, person: Person, by, request_path: str = "") -> bytes:
    """A ZIP with data.json and data.html: everything the portal holds about `person`.

    Someone other than the person (a cluster administrator) may export it too; that access is logged.
    """
    is_self = by is not None and by.pk == person.user_id
    if not is_self and not member_permissions.is_administrator(by):
        raise PermissionDenied(_("You can only download your own data."))
    generated_at = timezone.now()
    sections = data_sections(person)
    payload = {
        "generated_at": generated_at,
        "person": str(person),
        "sections": {section["name"]: {"label": section["label"], "rows": section["rows"]} for section in sections},
    }
    html = render_to_string(
        "privacy/export.html",
        {"person": person, "sections": sections, "generated_at": generated_at, "site_name": identity.site_name()},
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2))
        archive.writestr("data.html", html)
    if not is_self:
        export_access_log(by=by, path=request_path, filename=export_filename(person), subject=str(person))
    return buffer.getvalue()


def export_filename(person: Person) -> str:
    return f"mes-donnees-{person.handle}.zip"


def export_access_log(*, by, path: str, filename: str = "", subject: str = "") -> ExportAccess:
    label = (by.get_full_name() or by.get_username()) if by is not None else ""
    if by is not None and by.email:
        label = f"{label} <{by.email}>"
    return ExportAccess.objects.create(
        user=by if by is not None and by.pk else None,
        user_label=label[:200],
        path=path[:500],
        filename=filename[:255],
        subject=subject[:200],
    )


# --- Someone without an account, known by an address (a prospect firm's professional e-mail) -----


def _administrators_only(by) -> None:
    if by is None or not member_permissions.is_administrator(by):
        raise PermissionDenied(_("Only the cluster's administrators answer requests about an address."))


def address_data(*, email: str, by) -> list[dict]:
    """What the portal holds about an e-mail address with no account behind it (access request);
    the access is logged like any export of someone else's data."""
    _administrators_only(by)
    email = email.strip().lower()
    sections = [
        {"name": s.name, "label": str(s.label), "rows": list(s.export(email))} for s in registry.address_sections()
    ]
    export_access_log(by=by, path="manage.py personal_data_address", subject=email)
    return sections


def address_erase(*, email: str, by) -> None:
    """Erases what the portal holds about an address (erasure request). An objection to
    prospecting is kept, as the RGPD allows, so that the address is never written to again."""
    _administrators_only(by)
    email = email.strip().lower()
    with transaction.atomic():
        for section in registry.address_sections():
            if section.erase is not None:
                section.erase(email)
    logger.info("Data of an address without an account erased on request")


# --- "Delete my account" ----------------------------------------------------------------------


def account_delete(*, person: Person, by) -> None:
    """Erases a person's personal data; what they wrote stays, signed with a pseudonym.

    Each app erases or pseudonymises its own data (registry sections) in the same transaction;
    the account itself is kept as an inactive tombstone named "Former member" so that messages,
    records and their history keep an author, and no sign-in is possible any more.
    """
    if by is None or (by.pk != person.user_id and not member_permissions.is_administrator(by)):
        raise PermissionDenied(_("You can only delete your own account."))
    with transaction.atomic():
        person = Person.objects.select_for_update().select_related("user").get(pk=person.pk)
        for section in registry.sections():
            if section.erase is not None:
                section.erase(person)
        Consent.objects.filter(person=person).delete()
        user = person.user
        user.first_name, user.last_name, user.email = pseudonym(), "", ""
        user.username = f"ancien-membre-{user.pk}"
        user.is_active = user.is_staff = user.is_superuser = False
        user.set_unusable_password()  # also ends every open session: their hash no longer matches
        user.save()
        user.groups.clear()
        user.user_permissions.clear()
        person.organisation = None
        person.job_title = person.phone = ""
        person.handle = f"ancien-membre-{person.pk}"
        person.receives_daily_digest = False
        person.message_notifications = "none"
        person.role = "member"
        person.save()
        person.role_assignments.all().delete()  # rights held in any scope end with the account
        CalendarAddress.objects.filter(person=person).delete()  # the personal calendar's address dies too
    logger.info("Account %s erased at its owner's request", person.pk)


# --- Retention ----------------------------------------------------------------------------------


def purge_expired(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Runs every registered retention rule; returns the number of rows each removed."""
    now = now or timezone.now()
    removed = {}
    for rule in registry.purges():
        with transaction.atomic():
            removed[rule.key] = int(rule.purge(rule.cutoff(now)) or 0)
    return removed
