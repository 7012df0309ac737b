"""The privacy app's own part of its registry: the consents themselves and the log of exports."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.members.models import Person

from . import registry
from .models import Consent, ExportAccess


def export_consents(person: Person) -> list[dict]:
    return [
        {
            _("Purpose"): consent.get_purpose_display(),
            _("Wording agreed to"): consent.wording,
            _("Given"): consent.given_at,
            _("Withdrawn"): consent.withdrawn_at,
        }
        for consent in Consent.objects.filter(person=person).order_by("given_at", "pk")
    ]


def purge_export_log(cutoff) -> int:
    return ExportAccess.objects.filter(created_at__lt=cutoff).delete()[0]


def register() -> None:
    registry.register_section("consents", label=gettext_lazy("Consents"), export=export_consents, order=3)
    registry.register_processing(
        "consents",
        title=gettext_lazy("Consents"),
        purpose=gettext_lazy(
            "Proving the consents given to the public directory listing, the newsletters and being shown as a "
            "contact person, and their withdrawal."
        ),
        legal_basis=gettext_lazy("Legal obligation (proof of consent)"),
        data=[gettext_lazy("purpose"), gettext_lazy("wording agreed to"), gettext_lazy("dates")],
        retention=gettext_lazy("As long as the account exists."),
        order=1,
    )
    registry.register_processing(
        "export_log",
        title=gettext_lazy("Log of personal data exports"),
        purpose=gettext_lazy("Knowing which administrator downloaded which personal data, and when."),
        legal_basis=gettext_lazy("Legitimate interest (security of personal data)"),
        data=[gettext_lazy("administrator's name and e-mail"), gettext_lazy("file downloaded"), gettext_lazy("date")],
        retention_setting="export_log",
        order=90,
    )
    registry.register_purge(
        "export_log", label=gettext_lazy("Log of personal data exports"), retention_setting="export_log",
        purge=purge_export_log,
    )  # fmt: skip
