"""Consents: recorded with their date and wording, given or withdrawn in one click, effective everywhere."""

import pytest
from django.urls import reverse

from portal.privacy import selectors
from portal.privacy.models import Consent, Purpose
from portal.privacy.wording import wording

pytestmark = pytest.mark.django_db


def click(client, purpose, action):
    return client.post(reverse("privacy:consent"), {"purpose": purpose, "action": action}, follow=True)


def test_giving_a_consent_records_its_date_and_wording(client, camille):
    client.force_login(camille.user)
    response = click(client, Purpose.NEWSLETTER, "give")
    consent = Consent.objects.get(person=camille, purpose=Purpose.NEWSLETTER)
    assert consent.wording == wording(Purpose.NEWSLETTER)
    assert consent.given_at is not None and consent.withdrawn_at is None
    assert "Withdraw my consent" in response.content.decode() or "Retirer mon consentement" in response.content.decode()


def test_withdrawing_keeps_the_record_with_its_withdrawal_date(client, camille):
    client.force_login(camille.user)
    click(client, Purpose.NEWSLETTER, "give")
    click(client, Purpose.NEWSLETTER, "withdraw")
    consent = Consent.objects.get(person=camille, purpose=Purpose.NEWSLETTER)
    assert consent.withdrawn_at is not None
    assert not selectors.has_consent(camille, Purpose.NEWSLETTER)
    click(client, Purpose.NEWSLETTER, "give")  # given again: a new record, the old one stays as proof
    assert Consent.objects.filter(person=camille, purpose=Purpose.NEWSLETTER).count() == 2
    assert selectors.has_consent(camille, Purpose.NEWSLETTER)


def test_the_directory_listing_follows_the_consent(client, camille):
    organisation = camille.organisation
    client.force_login(camille.user)
    assert organisation.name not in client.get(reverse("cms:directory")).content.decode()
    click(client, Purpose.DIRECTORY, "give")
    assert organisation.name in client.get(reverse("cms:directory")).content.decode()
    assert client.get(reverse("cms:directory_entry", args=[organisation.slug])).status_code == 200
    click(client, Purpose.DIRECTORY, "withdraw")
    assert organisation.name not in client.get(reverse("cms:directory")).content.decode()
    assert client.get(reverse("cms:directory_entry", args=[organisation.slug])).status_code == 404


def test_withdrawing_the_contact_consent_removes_the_person_from_records(client, camille, colleague, record):
    client.force_login(colleague.user)
    assert "camille.rousseau@example.org" in client.get(record.get_absolute_url()).content.decode()
    client.force_login(camille.user)
    click(client, Purpose.CONTACT, "withdraw")
    client.force_login(colleague.user)
    page = client.get(record.get_absolute_url()).content.decode()
    assert "camille.rousseau@example.org" not in page
    assert "Camille Rousseau" not in page.split("<dl")[1].split("</dl>")[0]
    record.refresh_from_db()
    assert record.contact is None


def test_a_person_without_organisation_cannot_list_one(client, camille):
    camille.organisation = None
    camille.save()
    client.force_login(camille.user)
    response = click(client, Purpose.DIRECTORY, "give")
    assert not Consent.objects.exists()
    assert response.status_code == 200


@pytest.mark.parametrize("data", [{"purpose": "spam", "action": "give"}, {"purpose": "newsletter", "action": "x"}, {}])
def test_bad_input_changes_nothing(client, camille, data):
    client.force_login(camille.user)
    response = client.post(reverse("privacy:consent"), data, follow=True)
    assert response.status_code == 200
    assert not Consent.objects.exists()


def test_the_consent_page_needs_an_account(client):
    response = client.get(reverse("privacy:my_data"))
    assert response.status_code == 302
    assert reverse("members:login") in response["Location"]
    assert client.post(reverse("privacy:consent"), {"purpose": "newsletter", "action": "give"}).status_code == 302


def test_a_directory_consent_change_is_a_save_others_can_follow(client, camille):
    """The public search index of the directory follows organisations' saves: a consent must be one."""
    from django.db.models.signals import post_save

    from portal.members.models import Organisation

    saved = []

    def receiver(sender, instance, update_fields=None, **kwargs):
        saved.append((instance.pk, instance.in_public_directory))

    post_save.connect(receiver, sender=Organisation, dispatch_uid="test_directory_consent")
    try:
        client.force_login(camille.user)
        click(client, Purpose.DIRECTORY, "give")
        click(client, Purpose.DIRECTORY, "withdraw")
    finally:
        post_save.disconnect(dispatch_uid="test_directory_consent", sender=Organisation)
    assert saved == [(camille.organisation_id, True), (camille.organisation_id, False)]


def _edit(client, organisation, listed: bool):
    data = {"name": organisation.name, "kind": organisation.kind, "siret": organisation.siret}
    if listed:
        data["in_public_directory"] = "on"
    response = client.post(reverse("members:organisation_edit", args=[organisation.slug]), data)
    assert response.status_code == 302
    organisation.refresh_from_db()


def test_the_directory_box_of_the_organisation_form_is_the_persons_consent(client, camille):
    organisation = camille.organisation
    client.force_login(camille.user)
    form = client.get(reverse("members:organisation_edit", args=[organisation.slug])).content.decode()
    assert "au nom de mon organisation" in form  # the wording agreed to is shown beside the box

    _edit(client, organisation, listed=True)
    consent = Consent.objects.get(person=camille, purpose=Purpose.DIRECTORY)
    assert consent.withdrawn_at is None and "annuaire public" in consent.wording
    assert organisation.in_public_directory
    assert organisation.name in client.get(reverse("cms:directory")).content.decode()

    _edit(client, organisation, listed=False)
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert not organisation.in_public_directory
    assert organisation.name not in client.get(reverse("cms:directory")).content.decode()


def test_an_administrator_sets_another_organisations_listing_without_consenting_for_anyone(
    client, camille, administrator
):
    client.force_login(administrator)
    _edit(client, camille.organisation, listed=True)
    assert camille.organisation.in_public_directory
    assert not Consent.objects.filter(purpose=Purpose.DIRECTORY).exists()
