"""The demo shows participation's screens filled (#20): a club commission that met twice (minutes,
decisions, tasks), the participatory process with its four themed workshops and their rooms, the
monthly breakfast series and a published plan whose indicators have a history."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from cms.events.models import EventPage, EventSeriesPage
from workgroups.demo import load_participation
from workgroups.models import Decision, Meeting, ParticipatoryProcess, Task, Workgroup
from workgroups.plans.models import ActionPlan, ActionUpdate, PlanStatus


@pytest.mark.django_db
def test_the_demo_fills_the_participation_screens_and_loads_again_without_duplicates():
    call_command("load_demo", stdout=io.StringIO())

    commission = Workgroup.objects.get(slug="commission-dechets-tanneries")
    meetings = Meeting.objects.filter(workgroup=commission)
    assert meetings.count() == 2 and not meetings.filter(minutes="").exists()
    assert Task.objects.filter(workgroup=commission).count() == 2
    member = commission.memberships.select_related("person__user").first().person.user
    client = Client(headers={"accept-language": "fr"})
    client.force_login(member)
    page = client.get(reverse("workgroups:meetings", args=[commission.slug])).content.decode()
    assert "Lancement de la commission" in page and "Rédiger le cahier des charges" in page

    process = ParticipatoryProcess.objects.get(slug="plan-economique-participatif")
    rooms = Workgroup.objects.filter(process=process)
    assert sorted(rooms.values_list("theme", flat=True)) == ["Artisanat", "Image", "Ingénierie", "Santé"]
    assert all(room.axis_id is None and room.club_id is None for room in rooms)
    workshops = EventPage.objects.live().filter(process=process, kind="workshop")
    assert workshops.count() == 4 and not workshops.filter(followup_workgroup__isnull=True).exists()
    lead = process.leads.first().user
    client.force_login(lead)
    page = client.get(reverse("workgroups:process", args=[process.slug])).content.decode()
    assert "Suite : atelier artisanat" in page

    series = EventSeriesPage.objects.live().get()
    assert EventPage.objects.filter(series=series).count() >= 4
    plan = ActionPlan.objects.get(slug="plan-economique-participatif")
    assert plan.status == PlanStatus.PUBLISHED
    assert ActionUpdate.objects.filter(action__plan=plan).count() >= 3

    counts = (Meeting.objects.count(), Decision.objects.count(), Task.objects.count(), Workgroup.objects.count())
    load_participation(workgroups=list(Workgroup.objects.all()), people=list(process.leads.all()))
    assert counts == (Meeting.objects.count(), Decision.objects.count(), Task.objects.count(),
                      Workgroup.objects.count())  # fmt: skip
