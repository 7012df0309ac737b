from portal.members.models import OrganisationKind
from tests.factories import AxisFactory, MembershipFactory, OrganisationFactory


def test_home_page_shows_axes_and_live_member_figures(client, db):
    AxisFactory(number=2, title="Alimentation durable")
    for kind in (OrganisationKind.COOPERATIVE, OrganisationKind.ASSOCIATION, OrganisationKind.CLASSIC_FIRM):
        MembershipFactory(organisation=OrganisationFactory(kind=kind))
    response = client.get("/")
    assert response.status_code == 200
    assert response.context["member_counts"] == {"total": 3, "sse": 2, "other": 1}
    body = response.content.decode()
    assert "Alimentation durable" in body and 'lang="fr"' in body
