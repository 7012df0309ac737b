import datetime

from django.utils import timezone

from knowledge.exchange.models import Synergy, SynergyStatus
from portal.members.models import OrganisationKind
from tests.cms.pages import add_event, add_news
from tests.factories import AxisFactory, MembershipFactory, OrganisationFactory


def test_home_page_shows_axes_and_live_member_figures(client, db):
    AxisFactory(number=2, title="Alimentation durable")
    for kind in (OrganisationKind.COOPERATIVE, OrganisationKind.ASSOCIATION, OrganisationKind.CLASSIC_FIRM):
        MembershipFactory(organisation=OrganisationFactory(kind=kind))
    response = client.get("/")
    assert response.status_code == 200
    assert response.context["member_counts"] == {"total": 3, "sse": 2, "classic": 1, "other": 1}
    body = response.content.decode()
    assert "Alimentation durable" in body and 'lang="fr"' in body


def test_home_page_shows_next_events_and_latest_news(client, home, agenda, news_index):
    add_event(agenda, days=-3, title="Rencontre passée")
    later = add_event(agenda, days=20, title="After-work de la Croix-Blanche")
    soon = add_event(agenda, days=2, title="Petit-déjeuner des Tanneries")
    add_event(agenda, days=5, title="Atelier en brouillon", publish=False)
    old = add_news(news_index, days_ago=30, title="Assises : le bilan")
    new = add_news(news_index, days_ago=1, title="Six nouveaux membres")
    add_news(news_index, title="Nouvelle en brouillon", publish=False)

    response = client.get("/")
    assert [event.pk for event in response.context["next_events"]] == [soon.pk, later.pk]
    assert [item.pk for item in response.context["latest_news"]] == [new.pk, old.pk]
    body = response.content.decode()
    assert "Petit-déjeuner des Tanneries" in body and "Six nouveaux membres" in body
    assert "Rencontre passée" not in body and "brouillon" not in body
    assert agenda.url in body and news_index.url in body  # "all events" / "all news", and the menu


def test_home_page_counts_the_synergies_implemented_this_year(client, home):
    provider, beneficiary = OrganisationFactory(), OrganisationFactory()
    today = timezone.localdate()
    for status, day in (
        (SynergyStatus.IMPLEMENTED, today),
        (SynergyStatus.IMPLEMENTED, datetime.date(today.year, 1, 1)),
        (SynergyStatus.IMPLEMENTED, datetime.date(today.year - 1, 6, 1)),  # last year
        (SynergyStatus.IN_PROGRESS, None),
    ):
        Synergy.objects.create(provider=provider, beneficiary=beneficiary, status=status, implemented_on=day)
    response = client.get("/")
    assert response.context["key_figures"]["synergies_this_year"] == 2
    assert "synergies mises en œuvre cette année" in response.content.decode()
