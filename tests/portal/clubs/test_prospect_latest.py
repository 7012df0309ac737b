"""A prospect's status is its latest contact, which its file points at (#22): every way the log is
written (a contact logged on the site, at an event, a join accepted, the admin's screen, the
retention purge) leaves the list, its filter and its counts on the log's latest contact."""

import datetime
import re
import threading

import pytest
from django.db import connection, connections
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext
from wagtail.models import ModelLogEntry

from portal.clubs import selectors as club_selectors
from portal.clubs import services as club_services
from portal.clubs.models import ContactStatus, ProspectContact, ProspectFile
from portal.members import services as member_services
from portal.members.models import PersonRole
from portal.privacy import services as privacy_services
from tests.dates import local_today
from tests.factories import OrganisationFactory, UserFactory, ZoneFactory

from .conftest import animate


def _days_ago(days):
    return local_today() - datetime.timedelta(days=days)


def _shown(zone):
    """What the animator's list shows, and what its counts and each status filter say."""
    listed = {firm.name: firm.contact_status for firm in club_selectors.zone_prospects(zone)}
    counts = club_selectors.prospect_status_counts(zone)
    for status, count in counts.items():
        assert len(club_selectors.zone_prospects(zone, status=status)) == count, status
    return listed


def _log_latest(firm):
    """The latest contact as the log itself says, not as the file keeps it."""
    latest = ProspectContact.objects.filter(organisation=firm).order_by(*club_selectors.LATEST_CONTACT_ORDER).first()
    return latest.status if latest else None


def test_a_contact_logged_with_an_earlier_date_does_not_change_the_status(organiser):
    zone = ZoneFactory()
    animate(organiser, zone)
    firm = OrganisationFactory(zone=zone, name="Garage du Val")
    club_services.prospect_contact_record(organisation=firm, status=ContactStatus.VISITED, by=organiser)
    club_services.prospect_contact_record(
        organisation=firm, status=ContactStatus.INVITED, by=organiser, contacted_on=_days_ago(20)
    )
    assert _shown(zone) == {"Garage du Val": "visited"} and _log_latest(firm) == "visited"
    # The firm had no file: logging its first contact made one, with nothing planned.
    assert ProspectFile.objects.get(organisation=firm).next_action == ""


def test_what_the_admin_does_to_the_log_shows_in_the_list(client, administrator):
    zone = ZoneFactory()
    firm = OrganisationFactory(zone=zone, name="Boulangerie Martin")
    other = OrganisationFactory(zone=zone, name="Imprimerie Roy")
    animate(administrator, zone)
    club_services.prospect_contact_record(
        organisation=firm, status=ContactStatus.INVITED, by=administrator, contacted_on=_days_ago(10)
    )
    called = club_services.prospect_contact_record(organisation=firm, status=ContactStatus.CALLED, by=administrator)
    client.force_login(administrator)

    def edit(contact, **fields):
        contact.refresh_from_db()
        data = {"organisation": contact.organisation_id, "status": contact.status,
                "contacted_on": contact.contacted_on.isoformat(), "note": contact.note, **fields}  # fmt: skip
        response = client.post(reverse("prospect-contacts:edit", args=[contact.pk]), data)
        assert response.status_code == 302, response.content.decode()[-1500:]

    # A status corrected: the list shows it.
    edit(called, status=ContactStatus.VISITED)
    assert _shown(zone) == {"Boulangerie Martin": "visited", "Imprimerie Roy": None}
    # Its date moved before the invitation: the invitation is the latest again.
    edit(called, contacted_on=_days_ago(30).isoformat())
    assert _shown(zone) == {"Boulangerie Martin": "invited", "Imprimerie Roy": None}
    # Logged against the wrong firm and moved: both firms' statuses follow.
    invited = ProspectContact.objects.get(organisation=firm, status=ContactStatus.INVITED)
    edit(invited, organisation=other.pk)
    assert _shown(zone) == {"Boulangerie Martin": "visited", "Imprimerie Roy": "invited"}
    # Deleted: the firm's status is its latest contact left, or none.
    response = client.post(reverse("prospect-contacts:delete", args=[called.pk]))
    assert response.status_code == 302
    deleted = ModelLogEntry.objects.get(action="wagtail.delete", object_id=str(called.pk))
    assert deleted.user == administrator  # the contact's history says who deleted it
    assert _shown(zone) == {"Boulangerie Martin": None, "Imprimerie Roy": "invited"}
    # Added in the admin with today's date: it is the latest.
    response = client.post(reverse("prospect-contacts:add"), {
        "organisation": other.pk, "status": ContactStatus.DECLINED, "contacted_on": local_today().isoformat(),
        "note": "Pas intéressé.",
    })  # fmt: skip
    assert response.status_code == 302, response.content.decode()[-1500:]
    assert _shown(zone) == {"Boulangerie Martin": None, "Imprimerie Roy": "declined"}
    assert [_log_latest(firm), _log_latest(other)] == [None, "declined"]
    # The admin's list of files says each firm's status too.
    files = client.get(reverse("prospect-files:index"))
    names = {row.organisation.name for row in files.context["object_list"]}
    assert names == {"Boulangerie Martin", "Imprimerie Roy"}
    with translation.override(files.headers["Content-Language"]):
        declined, never = str(ContactStatus.DECLINED.label), gettext("Never contacted")
    cells = re.findall(r"<td[^>]*>\s*([^<]*?)\s*</td>", files.content.decode())
    assert cells.count(escape(declined)) == 1 and cells.count(escape(never)) == 1


def test_the_retention_purge_leaves_each_firm_on_its_latest_contact_left(organiser):
    zone = ZoneFactory()
    animate(organiser, zone)
    kept, emptied = OrganisationFactory(zone=zone, name="Kept"), OrganisationFactory(zone=zone, name="Emptied")
    record = club_services.prospect_contact_record
    record(organisation=kept, status=ContactStatus.VISITED, by=organiser, contacted_on=_days_ago(30))
    old = record(organisation=kept, status=ContactStatus.CALLED, by=organiser, contacted_on=_days_ago(40))
    record(organisation=emptied, status=ContactStatus.CALLED, by=organiser, contacted_on=_days_ago(40))
    # Three years and more pass for the second firm's one contact and the first firm's older one.
    ProspectContact.objects.filter(pk__in=[old.pk, *emptied.prospect_contacts.values_list("pk", flat=True)]).update(
        contacted_on=_days_ago(1200)
    )
    assert _shown(zone) == {"Emptied": "called", "Kept": "visited"}

    removed = privacy_services.purge_expired()

    assert removed["prospect_contacts"] == 2
    assert _shown(zone) == {"Emptied": None, "Kept": "visited"}
    assert [_log_latest(emptied), _log_latest(kept)] == [None, "visited"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # the migrated rows: groups, content types
def test_two_animators_logging_the_same_firm_at_once_leave_it_on_the_latest_contact():
    """Each round, four contacts of different dates logged for a new firm at the same instant, one a
    thread: the file must end on the latest date whichever transaction commits last."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL): SQLite serialises writers by locking the whole file")
    zone = ZoneFactory()
    animators = []
    for _ in range(4):
        user = UserFactory()
        member_services.person_create(user=user, role=PersonRole.ORGANISER)
        animators.append(animate(user, zone))
    firms = [OrganisationFactory(zone=zone, name=f"Firme {n:02d}") for n in range(12)]
    statuses = [ContactStatus.VISITED, ContactStatus.CALLED, ContactStatus.INVITED, ContactStatus.DECLINED]
    start, errors = threading.Barrier(len(animators)), []

    def log(index):
        try:
            for firm in firms:
                start.wait(timeout=30)
                club_services.prospect_contact_record(
                    organisation=firm, status=statuses[index], by=animators[index], contacted_on=_days_ago(index)
                )
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=log, args=(index,)) for index in range(len(animators))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    assert ProspectContact.objects.count() == 4 * len(firms)
    # The contact dated today (the first animator's) is each firm's status, as the log says.
    assert _shown(zone) == {firm.name: "visited" for firm in firms}
    assert {_log_latest(firm) for firm in firms} == {"visited"}
