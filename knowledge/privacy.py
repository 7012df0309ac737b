"""What the best-practice library holds about a person, for the privacy app (portal/privacy/registry.py)."""

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.privacy import registry
from portal.privacy.models import Purpose
from search.indexing import schedule_index

from .models import Adoption, BestPractice, BestPracticeRevision


def export_records(person) -> list[dict]:
    rows = []
    records = BestPractice.objects.filter(Q(contact=person) | Q(created_by=person)).distinct()
    for record in records.order_by("created_at"):
        roles = []
        if record.contact_id == person.pk:
            roles.append(_("contact person"))
        if record.created_by_id == person.pk:
            roles.append(_("author"))
        rows.append(
            {
                _("Record"): record.title,
                _("My part"): ", ".join(roles),
                _("Status"): record.get_status_display(),
                _("Created"): record.created_at,
            }
        )
    return rows


def export_revisions(person) -> list[dict]:
    return [
        {
            _("Record"): revision.record.title,
            _("Version"): revision.number,
            _("Change"): revision.get_action_display(),
            _("Date"): revision.created_at,
        }  # fmt: skip
        for revision in BestPracticeRevision.objects.filter(author=person).select_related("record")
    ]


def export_adoptions(person) -> list[dict]:
    return [
        {
            _("Record"): adoption.record.title,
            _("Organisation"): adoption.organisation.name,
            _("How it went"): adoption.comment,
            _("Date"): adoption.created_at,
        }  # fmt: skip
        for adoption in Adoption.objects.filter(declared_by=person).select_related("record", "organisation")
    ]


def _clear_contact(person) -> None:
    for record in BestPractice.objects.filter(contact=person):
        BestPractice.objects.filter(pk=record.pk).update(contact=None)
        schedule_index(record)


def erase(person) -> None:
    # Records, versions and adoptions stay (they belong to the organisations), under the pseudonym.
    _clear_contact(person)


def consent_changed(person, purpose: str, given: bool) -> None:
    if purpose == Purpose.CONTACT and not given:
        _clear_contact(person)


def register() -> None:
    registry.register_section(
        "best_practices", label=gettext_lazy("Best-practice records"), export=export_records, erase=erase,
        consent_changed=consent_changed, order=30,
    )  # fmt: skip
    registry.register_section("best_practice_versions", label=gettext_lazy("Versions of records I edited"),
                              export=export_revisions, order=31)  # fmt: skip
    registry.register_section(
        "adoptions", label=gettext_lazy("Adoptions I declared"), export=export_adoptions, order=32
    )
    registry.register_processing(
        "best_practices",
        title=gettext_lazy("Best-practice library"),
        purpose=gettext_lazy("Sharing the organisations' practices; showing a contact person who agreed to it."),
        legal_basis=gettext_lazy("Legitimate interest of the cluster; consent for the contact person"),
        data=[
            gettext_lazy("name"),
            gettext_lazy("e-mail of the contact person"),
            gettext_lazy("versions and their authors"),
        ],
        retention=gettext_lazy(
            "As long as the record is published; the contact is removed at once when consent is withdrawn."
        ),
        order=30,
    )
