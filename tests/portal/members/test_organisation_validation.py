"""What an administrator or a member sees when registering organisation details."""

import pytest
from django.core.exceptions import ValidationError

from portal.members import services
from portal.members.forms import OrganisationForm
from portal.members.models import Organisation, OrganisationKind
from portal.members.validators import normalise_naf, validate_naf, validate_siret
from tests.factories import OrganisationFactory

VALID_SIRET = "73282932000074"  # a well-known valid SIRET used in examples


def messages_of(error: ValidationError) -> str:
    return " ".join(error.messages)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("7328293200007", "14 chiffres"),
        ("732829320000745", "14 chiffres"),
        ("73282932000075", "clé de contrôle"),
        ("7328293200007A", "uniquement des chiffres"),
    ],
)
def test_bad_siret_is_refused_with_a_french_message(value, expected):
    with pytest.raises(ValidationError) as caught:
        validate_siret(value)
    assert expected in messages_of(caught.value)


def test_valid_siret_passes_including_la_poste_exception():
    validate_siret(VALID_SIRET)
    # La Poste's establishments do not follow the Luhn rule; python-stdnum knows the exception.
    validate_siret("35600000000048")


@pytest.mark.parametrize("value", ["6201Z", "62.01", "AB.CDE", "62.01ZZ", "00.00Z", "04.10A"])
def test_bad_naf_code_is_refused_with_a_french_message(value):
    with pytest.raises(ValidationError) as caught:
        validate_naf(value)
    assert "NAF" in messages_of(caught.value)


def test_naf_code_is_normalised_from_common_spellings():
    assert normalise_naf("6201z") == "62.01Z"
    assert normalise_naf(" 62 01 Z ") == "62.01Z"
    assert normalise_naf("62.01Z") == "62.01Z"


def test_form_normalises_siret_spaces_and_naf_before_saving(db, administrator):
    form = OrganisationForm(
        data={
            "name": "Coopérative Test",
            "kind": OrganisationKind.COOPERATIVE,
            "siret": "732 829 320 00074",
            "naf_code": "6201z",
        }
    )
    assert form.is_valid(), form.errors
    organisation = services.organisation_create(by=administrator, **form.cleaned_data)
    organisation.refresh_from_db()
    assert (organisation.siret, organisation.naf_code) == (VALID_SIRET, "62.01Z")
    assert organisation.slug == "cooperative-test"


def test_duplicate_siret_is_refused_and_nothing_is_saved(db, administrator):
    OrganisationFactory(siret=VALID_SIRET)
    form = OrganisationForm(data={"name": "Doublon", "kind": OrganisationKind.CLASSIC_FIRM, "siret": VALID_SIRET})
    assert not form.is_valid()
    assert "déjà enregistrée" in " ".join(form.errors["siret"])
    with pytest.raises(ValidationError):
        services.organisation_create(
            by=administrator, name="Doublon", kind=OrganisationKind.CLASSIC_FIRM, siret=VALID_SIRET
        )
    assert Organisation.objects.filter(siret=VALID_SIRET).count() == 1


def test_siret_is_required_for_firms_but_optional_for_associations(db, administrator):
    with pytest.raises(ValidationError) as caught:
        services.organisation_create(by=administrator, name="Entreprise sans SIRET", kind=OrganisationKind.CLASSIC_FIRM)
    assert "SIRET" in messages_of(caught.value)
    association = services.organisation_create(by=administrator, name="Collectif", kind=OrganisationKind.ASSOCIATION)
    second = services.organisation_create(by=administrator, name="Autre collectif", kind=OrganisationKind.CIVIL_SOCIETY)
    assert association.siret == second.siret == ""  # two empty SIRETs do not collide


def test_sse_kinds_are_told_apart_from_classic_firms(db):
    assert OrganisationFactory(kind=OrganisationKind.COOPERATIVE).is_sse
    assert OrganisationFactory(kind=OrganisationKind.INTEGRATION_ENTERPRISE).is_sse
    assert not OrganisationFactory(kind=OrganisationKind.CLASSIC_FIRM).is_sse
    assert not OrganisationFactory(kind=OrganisationKind.LOCAL_AUTHORITY).is_sse
