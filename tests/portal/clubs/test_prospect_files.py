"""The prospect file an animator lives in: who follows a firm, its next action, its dated log, and
"my calls today" / overdue (their clubs' zones only), the printable call sheet and its workbook."""

import datetime
import io
import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook

from portal.clubs import selectors as club_selectors
from portal.clubs import services as club_services
from portal.clubs.models import ContactStatus, ProspectContact, ProspectFile
from portal.members import services as member_services
from portal.members.models import PersonRole, Role, RoleAssignment
from tests.dates import local_today
from tests.factories import OrganisationFactory, UserFactory, ZoneFactory

from .conftest import animate


def _yesterday() -> datetime.date:
    return local_today() - datetime.timedelta(days=1)


def _tomorrow() -> datetime.date:
    return local_today() + datetime.timedelta(days=1)


_colleagues = itertools.count(1)


def another_animator(*zones):
    email = f"nadia{next(_colleagues)}@cci.example.org"
    user = UserFactory(first_name="Nadia", last_name="Benali", email=email, username=email)
    member_services.person_create(user=user, role=PersonRole.ORGANISER)
    # The first release's "organiser" animates every club there is: this one animates only `zones`.
    RoleAssignment.objects.filter(person=user.person, role=Role.ANIMATOR).delete()
    return animate(user, *zones)


def plan(firm, by, action, due, assigned_to=None):
    return club_services.prospect_file_plan(
        organisation=firm, by=by, assigned_to=assigned_to or by, next_action=action, next_action_due=due
    )


def test_my_calls_today_and_overdue_are_mine_and_of_my_zones_only(organiser):
    zone, elsewhere = ZoneFactory(), ZoneFactory()
    animate(organiser, zone)
    colleague = another_animator(zone, elsewhere)
    today_call = OrganisationFactory(zone=zone, name="Boulangerie Martin")
    today_visit = OrganisationFactory(zone=zone, name="Atelier Durand")
    late = OrganisationFactory(zone=zone, name="Garage du Pont")
    later = OrganisationFactory(zone=zone, name="Imprimerie Roy")
    theirs = OrganisationFactory(zone=zone, name="Traiteur du parc")
    plan(today_call, organiser, "call", local_today())
    plan(today_visit, organiser, "visit", local_today())
    club_services.prospect_file_plan(organisation=late, by=organiser, assigned_to=organiser, next_action="call",
                                     next_action_due=local_today())  # fmt: skip
    ProspectFile.objects.filter(organisation=late).update(next_action_due=_yesterday() - datetime.timedelta(days=3))
    plan(later, organiser, "email", _tomorrow())
    plan(theirs, colleague, "call", local_today())
    # A firm of a zone the organiser no longer covers, still assigned to them, is not theirs any more.
    gone = OrganisationFactory(zone=elsewhere, name="Ailleurs SARL")
    ProspectFile.objects.create(
        organisation=gone, assigned_to=organiser, next_action="call", next_action_due=local_today()
    )

    assert [f.organisation.name for f in club_selectors.prospect_agenda(organiser)] == [
        "Boulangerie Martin", "Atelier Durand"]  # fmt: skip
    assert [f.organisation.name for f in club_selectors.prospect_agenda(organiser, overdue=True)] == ["Garage du Pont"]
    assert [f.organisation.name for f in club_selectors.prospect_agenda(colleague)] == ["Traiteur du parc"]


def test_my_calls_today_shows_the_latest_contact_the_prospect_list_shows_even_when_two_share_an_instant(organiser):
    zone = ZoneFactory()
    animate(organiser, zone)
    for n in range(6):
        firm = OrganisationFactory(zone=zone, name=f"Boulangerie {n}")
        first = club_services.prospect_contact_record(
            organisation=firm, status=ContactStatus.CALLED, by=organiser, contacted_on=local_today(), note="Rappeler"
        )
        last = club_services.prospect_contact_record(
            organisation=firm, status=ContactStatus.VISITED, by=organiser, contacted_on=local_today(), note="Visite"
        )
        # Recorded in the same instant; the rows rewritten in either order, so that neither their place
        # on disk nor in the index decides which one is the latest.
        for contact in (first, last) if n % 2 else (last, first):
            ProspectContact.objects.filter(pk=contact.pk).update(created_at=last.created_at)
        plan(firm, organiser, "call", local_today())

    with connection.cursor() as cursor:  # the plan of a big table: read all, sort (ties in any order)
        cursor.execute("SET LOCAL enable_indexscan = off; SET LOCAL enable_bitmapscan = off")
    listed = {firm.name: firm.contact_status for firm in club_selectors.zone_prospects(zone)}
    due = {f.organisation.name: (f.last_status, f.last_note) for f in club_selectors.prospect_agenda(organiser)}
    assert set(listed.values()) == {"visited"}  # the last row
    assert set(due.values()) == {("visited", "Visite")}  # the same contact, whole


def test_the_next_action_needs_a_due_date_an_animator_of_the_zone_and_no_past_date(organiser, member):
    zone = ZoneFactory()
    firm = OrganisationFactory(zone=zone)
    with pytest.raises(PermissionDenied):
        plan(firm, organiser, "call", local_today())
    animate(organiser, zone)
    for action, due in (("call", None), ("", local_today()), ("fax", local_today()), ("call", _yesterday())):
        with pytest.raises(ValidationError):
            plan(firm, organiser, action, due)
    stranger = another_animator(ZoneFactory())
    with pytest.raises(ValidationError):
        plan(firm, organiser, "call", local_today(), assigned_to=stranger)
    assert not ProspectFile.objects.exists()


def test_logging_a_call_sets_the_next_action_in_the_same_form(client, organiser):
    zone = ZoneFactory()
    firm = OrganisationFactory(zone=zone, name="Boulangerie Martin", phone="05 49 00 00 00")
    animate(organiser, zone)
    plan(firm, organiser, "call", local_today())
    client.force_login(organiser)
    page = client.get(reverse("club:calls")).content.decode()
    assert "Boulangerie Martin" in page and 'href="tel:0549000000"' in page

    url = reverse("club:prospect_log", args=[zone.slug, firm.pk])
    bad = client.post(url, {"log-kind": "call", "log-status": "called", "log-contacted_on": local_today().isoformat(),
                            "log-next_action": "visit"})  # fmt: skip
    assert bad.status_code == 400 and ProspectContact.objects.count() == 0  # a visit, but when?
    response = client.post(url, {
        "log-kind": "call", "log-status": "called", "log-outcome": "call_back",
        "log-contacted_on": local_today().isoformat(), "log-note": "Le gérant rappelle jeudi",
        "log-next_action": "visit", "log-next_action_due": _tomorrow().isoformat(), "next": "calls",
    })  # fmt: skip
    assert response.status_code == 302 and response["Location"] == reverse("club:calls")
    contact = ProspectContact.objects.get()
    assert (contact.kind, contact.status, contact.outcome, contact.by) == ("call", "called", "call_back", organiser)
    prospect_file = ProspectFile.objects.get()
    assert (prospect_file.next_action, prospect_file.next_action_due) == ("visit", _tomorrow())
    client.get(reverse("club:calls"))  # shows the "recorded" message once
    assert "Boulangerie Martin" not in client.get(reverse("club:calls")).content.decode()  # done for today

    file_page = client.get(reverse("club:prospect_file", args=[zone.slug, firm.pk])).content.decode()
    assert "Le gérant rappelle jeudi" in file_page and "Demande à être rappelé" in file_page


def test_a_firm_that_joins_has_nothing_more_planned(organiser):
    zone = ZoneFactory()
    firm = OrganisationFactory(zone=zone)
    animate(organiser, zone)
    plan(firm, organiser, "visit", _tomorrow())
    club_services.prospect_contact_record(organisation=firm, status=ContactStatus.JOINED, by=organiser, kind="visit")
    assert ProspectFile.objects.get().next_action == ""


def test_the_plan_form_assigns_an_animator_of_the_zone(client, organiser):
    zone = ZoneFactory()
    firm = OrganisationFactory(zone=zone)
    animate(organiser, zone)
    colleague = another_animator(zone)
    client.force_login(organiser)
    page = client.get(reverse("club:prospect_file", args=[zone.slug, firm.pk])).content.decode()
    assert "Nadia Benali" in page
    data = {"plan-assigned_to": colleague.pk, "plan-next_action": "letter", "plan-next_action_due": _tomorrow()}
    response = client.post(reverse("club:prospect_plan", args=[zone.slug, firm.pk]), data)
    assert response.status_code == 302
    assert ProspectFile.objects.get().assigned_to == colleague


def test_the_call_sheet_prints_and_the_export_neutralises_formulas(client, organiser, member):
    zone = ZoneFactory()
    firm = OrganisationFactory(zone=zone, name='=HYPERLINK("http://x")', phone="05 49 11 22 33")
    animate(organiser, zone)
    plan(firm, organiser, "call", local_today())
    client.force_login(member)
    for name in ("calls", "call_sheet", "calls_export"):
        assert client.get(reverse(f"club:{name}")).status_code == 403
    client.force_login(organiser)
    sheet = client.get(reverse("club:call_sheet")).content.decode()
    assert "05 49 11 22 33" in sheet and "style=" not in sheet.split("<main", 1)[1]
    response = client.get(reverse("club:calls_export"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    firm_cell = sheet.cell(row=2, column=3)  # kept as text: a spreadsheet shows it, never runs it
    assert firm_cell.value == '=HYPERLINK("http://x")' and firm_cell.data_type == "s" and firm_cell.quotePrefix
    assert rows[1][1] == "Appel" and rows[1][4] == "05 49 11 22 33"


def test_a_long_backlog_does_not_bury_todays_calls_on_the_phone(client, organiser):
    """Over 50 overdue files, the page shows the 50 oldest and says where the others are; the call
    sheet and the workbook keep every one of them."""
    from portal.clubs.views import MY_CALLS_OVERDUE_SHOWN

    zone = ZoneFactory()
    animate(organiser, zone)
    plan(OrganisationFactory(zone=zone, name="Appel du jour"), organiser, "call", local_today())
    for index in range(MY_CALLS_OVERDUE_SHOWN + 3):
        firm = OrganisationFactory(zone=zone, name=f"Retard {index:03d}")
        plan(firm, organiser, "call", local_today())
        ProspectFile.objects.filter(organisation=firm).update(
            next_action_due=_yesterday() - datetime.timedelta(days=index)
        )
    client.force_login(organiser)

    page = client.get(reverse("club:calls"), headers={"accept-language": "en"}).content.decode()

    assert "Appel du jour" in page and f"({MY_CALLS_OVERDUE_SHOWN + 3})" in page
    assert "Retard 052" in page and "Retard 000" not in page  # the oldest first, the most recent left out
    assert f"list all {MY_CALLS_OVERDUE_SHOWN + 3}" in page
    sheet = client.get(reverse("club:call_sheet")).content.decode()
    assert "Retard 000" in sheet and "Retard 052" in sheet


def test_the_address_a_firm_gives_during_a_call_becomes_its_contact_e_mail(client, organiser):
    """Register extracts carry no e-mail: the animator notes the one given on the phone, and the
    campaigns' invitations can then reach the firm. A bad address is refused, nothing logged."""
    zone = ZoneFactory()
    firm = OrganisationFactory(zone=zone, name="Garage du Val", email="")
    animate(organiser, zone)
    client.force_login(organiser)
    url = reverse("club:prospect_log", args=[zone.slug, firm.pk])
    fields = {"log-kind": "call", "log-status": "called", "log-contacted_on": local_today().isoformat()}
    bad = client.post(url, {**fields, "log-email": "garage@"})
    assert bad.status_code == 400 and "Saisissez une adresse de courriel valide" in bad.content.decode()
    assert ProspectContact.objects.count() == 0
    response = client.post(url, {**fields, "log-email": " Accueil@Garage-du-Val.example "})
    assert response.status_code == 302
    firm.refresh_from_db()
    assert firm.email == "accueil@garage-du-val.example" and ProspectContact.objects.count() == 1
    page = client.get(reverse("club:prospect_file", args=[zone.slug, firm.pk])).content.decode()
    assert 'href="mailto:accueil@garage-du-val.example"' in page
