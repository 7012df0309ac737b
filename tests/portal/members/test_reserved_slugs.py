"""'carte' is the directory's map (/annuaire/carte/): no organisation takes it, whichever way it is given,
and one that had it before the map moves to a free address keeping its rows."""

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils import translation

from portal.members.models import Membership, Organisation
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def test_an_organisation_cannot_be_given_the_maps_address_and_says_why_in_french():
    organisation = OrganisationFactory(name="Carte Blanche SCOP")
    organisation.slug = "carte"
    with translation.override("fr"), pytest.raises(ValidationError) as error:
        organisation.full_clean()
    assert error.value.message_dict["slug"] == [
        "« carte » est l’adresse d’une page de l’annuaire : choisissez-en une autre pour cette organisation."
    ]
    organisation.refresh_from_db()
    assert organisation.slug != "carte"  # nothing changed


def test_an_organisation_that_had_it_moves_to_a_free_address_and_keeps_its_rows(client):
    had_it = OrganisationFactory(name="Carte", in_public_directory=True)
    Organisation.objects.filter(pk=had_it.pk).update(slug="carte")  # as the first release could give it
    OrganisationFactory(name="Carte 2", slug="carte-2")
    MembershipFactory(organisation=had_it)
    migration = importlib.import_module("portal.members.migrations.0011_organisation_slug_carte_reserved")
    migration.move_off_reserved_slugs(apps, None)
    had_it.refresh_from_db()
    assert had_it.slug == "carte-3"
    assert Membership.objects.filter(organisation=had_it).count() == 1
    assert client.get("/annuaire/carte-3/").status_code == 200
