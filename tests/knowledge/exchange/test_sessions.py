"""Sessions: registration, seating with a facilitator and a secretary per table, moves by hand, print pages."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from knowledge.exchange import services
from knowledge.exchange.models import Registration
from tests.factories import OrganisationFactory, PersonFactory, ZoneFactory

from .conftest import SessionFactory

pytestmark = pytest.mark.django_db


def test_the_organiser_seats_twelve_firms_of_three_zones_at_tables_of_three_to_five(organiser):
    zones = [ZoneFactory() for _ in range(3)]
    session = SessionFactory()
    team = [PersonFactory() for _ in range(6)]
    session.team.set(team)
    for i in range(12):
        services.registration_add(session=session, organisation=OrganisationFactory(zone=zones[i % 3]), by=organiser)

    tables = services.seating_plan(session=session, by=organiser)

    sizes = sorted(table.registrations.count() for table in tables)
    assert sizes == [4, 4, 4]
    for table in tables:
        assert len({r.organisation.zone_id for r in table.registrations.all()}) == 1  # each zone at its table
        assert table.facilitator is not None and table.secretary is not None
        assert table.facilitator != table.secretary
    assert not Registration.objects.filter(session=session, table__isnull=True).exists()


def test_a_member_registers_their_own_firm_but_not_another(client, member, organisation):
    session = SessionFactory()
    client.force_login(member)
    client.post(reverse("exchange:register", args=[session.pk]))
    assert list(session.organisations.all()) == [organisation]
    with pytest.raises(PermissionDenied):
        services.registration_add(session=session, organisation=OrganisationFactory(), by=member)


def test_the_organiser_moves_a_firm_by_hand_but_never_beyond_five(organiser, session_with_tables, client):
    session, tables, _secretaries = session_with_tables
    mover = tables[0].registrations.first()
    client.force_login(organiser)
    response = client.post(
        reverse("exchange:seating", args=[session.pk]),
        {"action": "move", "organisation": mover.organisation_id, "table": tables[1].pk},
    )
    assert response.status_code == 302
    mover.refresh_from_db()
    assert mover.table == tables[1] and mover.moved_by_hand
    assert tables[1].registrations.count() == 5
    with pytest.raises(ValidationError):
        services.seating_move(
            session=session, organisation=tables[0].registrations.first().organisation, table=tables[1], by=organiser
        )


def test_a_member_cannot_open_the_seating_or_move_firms(client, member, session_with_tables):
    session, tables, _ = session_with_tables
    client.force_login(member)
    assert client.get(reverse("exchange:seating", args=[session.pk])).status_code == 403
    with pytest.raises(PermissionDenied):
        services.seating_move(
            session=session, organisation=tables[0].registrations.first().organisation, table=tables[1], by=member
        )


def test_a_bad_move_request_gives_a_message_and_changes_nothing(client, organiser, session_with_tables):
    session, tables, _ = session_with_tables
    before = list(Registration.objects.order_by("pk").values_list("table_id", flat=True))
    client.force_login(organiser)
    response = client.post(
        reverse("exchange:seating", args=[session.pk]), {"action": "move", "organisation": "x", "table": "999"},
        follow=True,
    )  # fmt: skip
    assert response.status_code == 200
    assert list(response.context["messages"])
    assert list(Registration.objects.order_by("pk").values_list("table_id", flat=True)) == before


def test_printable_plan_and_badges_show_every_firm(client, organiser, session_with_tables):
    session, tables, _ = session_with_tables
    client.force_login(organiser)
    plan = client.get(reverse("exchange:print_plan", args=[session.pk])).content.decode()
    badges = client.get(reverse("exchange:print_badges", args=[session.pk])).content.decode()
    for registration in Registration.objects.filter(session=session).select_related("organisation"):
        assert registration.organisation.name in plan
        assert registration.organisation.name in badges
    assert "data-print" in plan and "print-button.js" in plan  # the print button, without inline script


def test_the_seating_page_lists_tables_and_staff(client, organiser, session_with_tables):
    session, tables, secretaries = session_with_tables
    client.force_login(organiser)
    response = client.get(reverse("exchange:seating", args=[session.pk]))
    assert response.status_code == 200
    assert len(response.context["tables"]) == 2


def test_each_staff_list_of_the_seating_plan_is_named_by_its_own_label_only(organiser, session_with_tables, client):
    """Regression: each <select> sat inside its <label>, so the label's accessible name took in every
    person listed and "Secretary" also named the facilitator's list (screen readers read them all)."""
    session, tables, _secretaries = session_with_tables
    client.force_login(organiser)
    page = client.get(reverse("exchange:seating", args=[session.pk])).content.decode()
    for table in tables:
        for field in ("facilitator", "secretary"):
            assert f'<label for="{field}-{table.pk}">' in page
            assert f'<select id="{field}-{table.pk}" name="{field}">' in page
    assert "</select></label>" not in page
