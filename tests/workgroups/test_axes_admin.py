from django.urls import reverse

from portal.members import services
from portal.members.models import PersonRole
from workgroups.models import Axis


def test_administrator_sets_up_an_axis_in_the_admin(client, administrator):
    client.force_login(administrator)
    response = client.post(
        reverse("axes:add"),
        {"number": 6, "title": "Économie circulaire", "slug": "economie-circulaire", "colour": "#336699"},
    )
    assert response.status_code == 302
    assert Axis.objects.get(number=6).title == "Économie circulaire"


def test_bad_colour_is_refused_and_coordinators_cannot_add_axes(client, administrator, member):
    client.force_login(administrator)
    response = client.post(reverse("axes:add"), {"number": 7, "title": "X", "slug": "x", "colour": "bleu"})
    assert response.status_code == 200 and not Axis.objects.filter(number=7).exists()
    assert "#1f6f8b" in response.content.decode()  # the error tells the expected format

    person = member.person
    services.person_update(
        person=person,
        by=administrator,
        organisation=person.organisation,
        job_title="",
        phone="",
        role=PersonRole.COORDINATOR,
    )
    client.force_login(member)
    assert client.get(reverse("axes:index")).status_code == 200
    assert client.get(reverse("axes:add")).status_code in (302, 403)
