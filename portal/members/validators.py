"""French business identifiers: SIRET (via python-stdnum) and NAF rev. 2 codes."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength
from stdnum.fr import siret as stdnum_siret

# The 88 divisions of NAF rev. 2 (= NACE rev. 2); a code is DD.DDL within one.
NAF_DIVISIONS = frozenset(
    [1, 2, 3, 5, 6, 7, 8, 9]
    + list(range(10, 34))
    + [35, 36, 37, 38, 39, 41, 42, 43, 45, 46, 47, 49, 50, 51, 52, 53, 55, 56]
    + [58, 59, 60, 61, 62, 63, 64, 65, 66, 68, 69, 70, 71, 72, 73, 74, 75]
    + [77, 78, 79, 80, 81, 82, 84, 85, 86, 87, 88, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99]
)
NAF_PATTERN = re.compile(r"^(\d{2})\.(\d{2})([A-Z])$")
NAF_LOOSE_PATTERN = re.compile(r"^(\d{2})\.?(\d{2})([A-Z])$")


def normalise_siret(value: str) -> str:
    return stdnum_siret.compact(value or "")


def validate_siret(value: str) -> None:
    """Checks length, digits and the Luhn key, with La Poste's known exception."""
    try:
        stdnum_siret.validate(value)
    except InvalidLength:
        raise ValidationError(_("A SIRET has exactly 14 digits."), code="siret_length") from None
    except InvalidFormat:
        raise ValidationError(_("A SIRET contains only digits."), code="siret_format") from None
    except InvalidChecksum:
        raise ValidationError(
            _("This SIRET is not valid (its check digit is wrong): check it on your Kbis or avis de situation."),
            code="siret_checksum",
        ) from None


def normalise_naf(value: str) -> str:
    """Accepts "6201z", "62 01 Z" or "62.01Z" and stores "62.01Z"."""
    compact = re.sub(r"\s+", "", value or "").upper()
    match = NAF_LOOSE_PATTERN.match(compact)
    if not match:
        return compact
    return f"{match.group(1)}.{match.group(2)}{match.group(3)}"


def validate_naf(value: str) -> None:
    match = NAF_PATTERN.match(value or "")
    if not match:
        raise ValidationError(
            _("A NAF code looks like 62.01Z: two digits, a dot, two digits and a letter."), code="naf_format"
        )
    if int(match.group(1)) not in NAF_DIVISIONS:
        raise ValidationError(
            _("%(division)s is not a division of the NAF rev. 2 nomenclature."),
            code="naf_division",
            params={"division": match.group(1)},
        )


# An organisation's slug is its address in the public directory (/annuaire/<slug>/), beside the
# directory's own pages there (cms/urls.py): those words are never an organisation's.
RESERVED_ORGANISATION_SLUGS = frozenset({"carte"})


def validate_organisation_slug(value: str) -> None:
    if value in RESERVED_ORGANISATION_SLUGS:
        raise ValidationError(
            _("“%(slug)s” is the address of a page of the directory: choose another one for this organisation."),
            code="reserved",
            params={"slug": value},
        )
