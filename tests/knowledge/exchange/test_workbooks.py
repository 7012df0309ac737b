"""After the session: one workbook per firm, a zip of all, the organiser's workbook; who may download."""

import io
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from knowledge.exchange import exports, services
from knowledge.exchange.models import Direction, ExportStatus, ResourceSheet, WorkbookExport
from portal.privacy.models import Purpose
from portal.privacy.services import account_delete, consent_give, consent_withdraw
from tests.factories import PersonFactory

from .conftest import seated

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(session_with_tables, organiser):
    """Round 1: firm A says YES to two offers and NO to one; round 2: YES to one need. Then closed."""
    session, tables, secretaries = session_with_tables
    table = tables[0]
    firm_a, firm_b = seated(table)[:2]
    others = list(session.registrations.exclude(organisation_id=firm_a).values_list("organisation_id", flat=True))
    session = services.round_advance(session=session, by=organiser)
    offers = list(ResourceSheet.objects.filter(direction=Direction.OFFER, organisation_id__in=others).order_by("pk"))
    for sheet, answer in ((offers[0], True), (offers[1], True), (offers[2], False)):
        services.interest_record(
            table=table, sheet_id=sheet.pk, organisation_id=firm_a, interested=answer, by=secretaries[0]
        )
    session = services.round_advance(session=session, by=organiser)
    need = ResourceSheet.objects.get(direction=Direction.NEED, organisation_id=firm_b)
    services.interest_record(table=table, sheet_id=need.pk, organisation_id=firm_a, interested=True, by=secretaries[0])
    services.session_close(session=session, by=organiser)
    return session, firm_a, firm_b, offers, need


def build(client, organiser, session, django_capture_on_commit_callbacks):
    client.force_login(organiser)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("exchange:workbooks", args=[session.pk]))
    assert response.status_code == 302
    export = WorkbookExport.objects.get(session=session)
    assert (export.status, export.done_count, export.total_count) == (ExportStatus.DONE, 8, 8)
    return export


def rows(worksheet):
    return [list(row) for row in worksheet.iter_rows(min_row=3, values_only=True)]


def test_the_firms_workbook_lists_the_offers_it_wanted_and_the_needs_it_can_answer(
    client, organiser, answered, django_capture_on_commit_callbacks
):
    session, firm_a, firm_b, offers, need = answered
    first_owner = offers[0].organisation
    contact = first_owner.people.order_by("user__last_name").first()
    consent_give(person=contact, purpose=Purpose.CONTACT, by=contact.user)
    build(client, organiser, session, django_capture_on_commit_callbacks)
    member_of_a = PersonFactory(organisation_id=firm_a, phone="05 55 00 00 01").user
    client.force_login(member_of_a)
    response = client.get(reverse("exchange:workbook", args=[session.pk, firm_a]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="bourse-')

    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == [exports.resources_sheet_title(), exports.needs_sheet_title()]
    wanted = rows(workbook.worksheets[0])
    assert [row[0] for row in wanted] == [offers[0].title, offers[1].title]  # the NO is not there
    assert wanted[0][1:] == [offers[0].description, first_owner.name, str(contact), contact.user.email, None]
    answerable = rows(workbook.worksheets[1])
    assert [(row[0], row[2]) for row in answerable] == [(need.title, need.organisation.name)]


def test_only_people_who_agreed_are_named_as_contacts(client, organiser, answered, django_capture_on_commit_callbacks):
    """Withdrawing the consent (or never giving it) leaves a person out; the firm's own details stand in."""
    session, firm_a, _firm_b, offers, _need = answered
    owner = offers[0].organisation
    owner.email, owner.phone = "accueil@exemple.test", "05 55 12 34 56"
    owner.save()
    contact = owner.people.order_by("user__last_name").first()
    consent_give(person=contact, purpose=Purpose.CONTACT, by=contact.user)
    consent_withdraw(person=contact, purpose=Purpose.CONTACT, by=contact.user)
    build(client, organiser, session, django_capture_on_commit_callbacks)

    client.force_login(PersonFactory(organisation_id=firm_a).user)
    workbook = load_workbook(io.BytesIO(client.get(reverse("exchange:workbook", args=[session.pk, firm_a])).content))
    row = rows(workbook.worksheets[0])[0]
    assert row[2:] == [owner.name, None, "accueil@exemple.test", "05 55 12 34 56"]
    assert str(contact) not in str(rows(workbook.worksheets[0]))


def test_a_firm_cannot_download_another_firms_workbook(client, organiser, answered, django_capture_on_commit_callbacks):
    session, firm_a, firm_b, _offers, _need = answered
    build(client, organiser, session, django_capture_on_commit_callbacks)
    client.force_login(PersonFactory(organisation_id=firm_b).user)
    assert client.get(reverse("exchange:workbook", args=[session.pk, firm_a])).status_code == 403
    assert client.get(reverse("exchange:workbook", args=[session.pk, firm_b])).status_code == 200
    assert client.get(reverse("exchange:workbook_zip", args=[session.pk])).status_code == 403
    assert client.get(reverse("exchange:workbook_organiser", args=[session.pk])).status_code == 403


def test_the_organiser_gets_the_zip_of_all_firms_and_a_workbook_with_every_answer(
    client, organiser, answered, django_capture_on_commit_callbacks
):
    session, firm_a, _firm_b, _offers, _need = answered
    build(client, organiser, session, django_capture_on_commit_callbacks)
    archive = zipfile.ZipFile(io.BytesIO(client.get(reverse("exchange:workbook_zip", args=[session.pk])).content))
    assert len(archive.namelist()) == 8 and all(name.endswith(".xlsx") for name in archive.namelist())
    response = client.get(reverse("exchange:workbook_organiser", args=[session.pk]))
    workbook = load_workbook(io.BytesIO(response.content))
    answers = rows(workbook.worksheets[0])
    assert len(answers) == 4  # three answers in round 1, one in round 2, NO included
    assert sorted(row[6] for row in answers).count(None) == 0
    firms = rows(workbook.worksheets[1])
    assert len(firms) == 8


def test_before_the_workbooks_are_built_the_download_is_a_404_not_an_error(client, organiser, answered):
    session, firm_a, *_ = answered
    client.force_login(organiser)
    assert client.get(reverse("exchange:workbook", args=[session.pk, firm_a])).status_code == 404
    assert client.get(reverse("exchange:workbooks", args=[session.pk])).status_code == 200


def test_only_organisers_build_workbooks(client, member, answered):
    session, *_ = answered
    client.force_login(member)
    assert client.post(reverse("exchange:workbooks", args=[session.pk])).status_code == 403
    assert not WorkbookExport.objects.exists()


def test_a_deleted_account_is_no_contact_in_the_workbooks_built_afterwards(
    client, organiser, answered, django_capture_on_commit_callbacks
):
    session, firm_a, _firm_b, offers, _need = answered
    owner = offers[0].organisation
    owner.email = "accueil@exemple.test"
    owner.save()
    contact = owner.people.order_by("user__last_name").first()
    consent_give(person=contact, purpose=Purpose.CONTACT, by=contact.user)
    name, email = str(contact), contact.user.email
    account_delete(person=contact, by=contact.user)
    build(client, organiser, session, django_capture_on_commit_callbacks)

    client.force_login(PersonFactory(organisation_id=firm_a).user)
    workbook = load_workbook(io.BytesIO(client.get(reverse("exchange:workbook", args=[session.pk, firm_a])).content))
    everything = str(rows(workbook.worksheets[0]) + rows(workbook.worksheets[1]))
    assert rows(workbook.worksheets[0])[0][2:4] == [owner.name, None]
    assert name not in everything and email not in everything
    assert "accueil@exemple.test" in everything


@pytest.mark.parametrize("how", ["withdraws her consent", "deletes her account"])
def test_workbooks_already_built_stop_naming_a_contact_who_leaves(
    client, organiser, answered, django_capture_on_commit_callbacks, how
):
    """The workbooks are kept for the firms to download again; one built while she agreed would go on
    handing her name, e-mail and phone out after she withdrew: they are rebuilt without her at once."""
    session, firm_a, _firm_b, offers, _need = answered
    contact = offers[0].organisation.people.order_by("user__last_name").first()
    contact.phone = "06 12 34 56 78"
    contact.save()
    consent_give(person=contact, purpose=Purpose.CONTACT, by=contact.user)
    build(client, organiser, session, django_capture_on_commit_callbacks)
    name, email = str(contact), contact.user.email

    def stored_texts():
        client.force_login(PersonFactory(organisation_id=firm_a).user)
        firm = client.get(reverse("exchange:workbook", args=[session.pk, firm_a]))
        client.force_login(organiser)
        archive = zipfile.ZipFile(io.BytesIO(client.get(reverse("exchange:workbook_zip", args=[session.pk])).content))
        organisers = client.get(reverse("exchange:workbook_organiser", args=[session.pk]))
        books = [firm.content, organisers.content] + [archive.read(n) for n in archive.namelist()]
        return " ".join(str(rows(sheet)) for book in books for sheet in load_workbook(io.BytesIO(book)).worksheets)

    assert email in stored_texts()
    with django_capture_on_commit_callbacks(execute=True):
        if how == "withdraws her consent":
            consent_withdraw(person=contact, purpose=Purpose.CONTACT, by=contact.user)
        else:
            account_delete(person=contact, by=contact.user)
    texts = stored_texts()
    assert email not in texts and "06 12 34 56 78" not in texts and name not in texts
    assert offers[0].title in texts  # the firm's offer is still there, with its own details
    assert WorkbookExport.objects.filter(session=session).get().status == ExportStatus.DONE


def test_stored_workbooks_are_deleted_after_their_retention_period(
    client, organiser, answered, django_capture_on_commit_callbacks, settings
):
    """They name the firms' contacts: kept for the follow-up, deleted by the daily purge after the
    period counted from the session's day; the answers and synergies stay (they are the firms')."""
    import datetime

    from django.utils import timezone

    from portal.privacy import services as privacy_services

    session, firm_a, *_ = answered
    build(client, organiser, session, django_capture_on_commit_callbacks)
    days = settings.PRIVACY_RETENTION_DAYS["exchange_workbooks"]
    answers = session.interests.count()

    type(session).objects.filter(pk=session.pk).update(date=timezone.localdate() - datetime.timedelta(days=days - 1))
    assert privacy_services.purge_expired()["exchange_workbooks"] == 0
    assert WorkbookExport.objects.filter(session=session).exists()

    type(session).objects.filter(pk=session.pk).update(date=timezone.localdate() - datetime.timedelta(days=days + 1))
    assert privacy_services.purge_expired()["exchange_workbooks"] == 1
    assert not WorkbookExport.objects.filter(session=session).exists()
    assert session.interests.count() == answers
    client.force_login(PersonFactory(organisation_id=firm_a).user)
    assert client.get(reverse("exchange:workbook", args=[session.pk, firm_a])).status_code == 404
    # The privacy policy states the period.
    assert f"{days} jours" in client.get(reverse("privacy:policy")).content.decode()
