"""The demo's Bourse d'échanges (fictional), written through the services as the organisers would.

`load_exchange(people=…, clubs=…)` from load_demo, after the members: resource sheets for the firms
of the Tanneries and Croix-Blanche parks, a session held last month (seated, two rounds of answers,
synergies started from them) and the next one, seated and ready to run; the cluster's objectives
and results of the field example (2016: 1 session and 5 synergies planned, 5 done; 2017: 1 and 5
planned, 3 done). Safe to run again: it stops at once when its first session exists.
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from portal.members.models import Organisation, Person, PersonRole

from . import services
from .models import (
    Category,
    Direction,
    ExchangeObjective,
    ExchangeSession,
    Frequency,
    Interest,
    ResourceSheet,
    SessionStatus,
    Synergy,
    SynergyStatus,
)

PAST_TITLE = "Bourse d'échanges du Club des Tanneries"
NEXT_TITLE = "Bourse d'échanges inter-parcs du printemps"

OFFERS = [
    (
        Category.MATERIALS,
        "Palettes bois en bon état",
        "Une quarantaine de palettes Europe par mois, à enlever sur place.",
        40,
        "palettes par mois",
        Frequency.RECURRING,
    ),
    (
        Category.WASTE,
        "Chutes de carton ondulé",
        "Cartons propres, triés, en balles ; conviennent au calage ou au recyclage.",
        2,
        "tonnes par mois",
        Frequency.RECURRING,
    ),
    (
        Category.EQUIPMENT,
        "Chariot élévateur disponible le samedi",
        "Chariot 2,5 t avec cariste, prêté le samedi matin.",
        None,
        "",
        Frequency.RECURRING,
    ),
    (
        Category.PREMISES,
        "Salle de réunion de 30 places",
        "Salle équipée d'un vidéoprojecteur, libre deux jours par semaine.",
        30,
        "places",
        Frequency.RECURRING,
    ),
    (
        Category.SKILLS,
        "Formation sauveteur secouriste du travail",
        "Notre formateur interne peut accueillir 4 salariés d'autres entreprises par session.",
        4,
        "places par session",
        Frequency.RECURRING,
    ),
    (
        Category.LOGISTICS,
        "Camion frigorifique avec retours à vide",
        "Tournée quotidienne vers Arvière-centre, retour à vide vers le parc.",
        None,
        "",
        Frequency.RECURRING,
    ),
    (
        Category.ENERGY,
        "Chaleur fatale du four de cuisson",
        "Air chaud à 60 °C disponible en continu, récupérable pour un bâtiment voisin.",
        120,
        "kW",
        Frequency.RECURRING,
    ),
    (
        Category.SERVICES,
        "Place dans notre contrat de collecte des déchets dangereux",
        "Notre prestataire passe tous les mois : il reste de la capacité.",
        None,
        "",
        Frequency.RECURRING,
    ),
    (
        Category.MATERIALS,
        "Chutes de bois massif",
        "Chêne et hêtre en petites longueurs, idéal pour du mobilier ou du bois de chauffage.",
        3,
        "m³ par mois",
        Frequency.RECURRING,
    ),
    (
        Category.EQUIPMENT,
        "Broyeur de végétaux",
        "Broyeur thermique prêtable une semaine par mois.",
        1,
        "broyeur",
        Frequency.ONE_OFF,
    ),
    (
        Category.WASTE,
        "Films plastiques d'emballage",
        "Films PE propres issus de la réception des marchandises.",
        500,
        "kg par mois",
        Frequency.RECURRING,
    ),
    (
        Category.PREMISES,
        "Surface de stockage couverte",
        "Deux cents mètres carrés sous hangar, accès poids lourds.",
        200,
        "m²",
        Frequency.ONE_OFF,
    ),
]

NEEDS = [
    (
        Category.MATERIALS,
        "Palettes pour nos expéditions",
        "Nous cherchons des palettes Europe d'occasion en bon état.",
        30,
        "palettes par mois",
        Frequency.RECURRING,
    ),
    (
        Category.LOGISTICS,
        "Transport de colis vers Arvière-centre",
        "Deux à trois livraisons par semaine, petits volumes.",
        None,
        "",
        Frequency.RECURRING,
    ),
    (
        Category.PREMISES,
        "Salle pour nos formations",
        "Une salle de 20 à 30 places une journée par mois.",
        25,
        "places",
        Frequency.RECURRING,
    ),
    (
        Category.SKILLS,
        "Compétences en maintenance électrique",
        "Un électricien quelques heures par mois pour l'entretien courant.",
        8,
        "heures par mois",
        Frequency.RECURRING,
    ),
    (
        Category.WASTE,
        "Solution pour nos cartons usagés",
        "Nos cartons partent en déchetterie : nous cherchons un repreneur.",
        1,
        "tonne par mois",
        Frequency.RECURRING,
    ),
    (
        Category.ENERGY,
        "Chauffage de notre atelier",
        "Atelier de 300 m² mal chauffé : une source de chaleur voisine nous intéresse.",
        None,
        "",
        Frequency.RECURRING,
    ),
    (
        Category.EQUIPMENT,
        "Chariot élévateur ponctuel",
        "Déchargement d'un conteneur une fois par mois.",
        None,
        "",
        Frequency.RECURRING,
    ),
    (
        Category.SERVICES,
        "Collecte groupée des déchets dangereux",
        "Quelques bidons de solvants par trimestre.",
        None,
        "",
        Frequency.RECURRING,
    ),
    (
        Category.MATERIALS,
        "Bois pour l'atelier d'insertion",
        "Des chutes de bois pour fabriquer bancs et bacs de jardin.",
        2,
        "m³ par mois",
        Frequency.RECURRING,
    ),
    (
        Category.SKILLS,
        "Sauveteurs secouristes du travail",
        "Former deux salariés cette année.",
        2,
        "salariés",
        Frequency.ONE_OFF,
    ),
]


def _sheets_for(organisation, author, rng) -> list[ResourceSheet]:
    if organisation.resource_sheets.exists():
        return list(organisation.resource_sheets.all())
    user = author.user
    sheets = []
    for direction, pool in ((Direction.OFFER, OFFERS), (Direction.NEED, NEEDS)):
        for category, title, description, quantity, unit, frequency in rng.sample(pool, 2):
            sheets.append(
                services.sheet_create(
                    by=user,
                    organisation=organisation,
                    direction=direction,
                    category=category,
                    title=title,
                    description=description,
                    quantity=quantity,
                    unit=unit,
                    frequency=frequency,
                    tags=[str(Category(category).label).split(" ")[0].lower()],
                )
            )
    return sheets


def load_exchange(*, people, clubs) -> dict:
    if ExchangeSession.objects.filter(title=PAST_TITLE).exists():
        return {"sessions": list(ExchangeSession.objects.all()), "sheets": ResourceSheet.objects.count()}
    rng = random.Random(6)
    organiser = next(p for p in people if p.role == PersonRole.ORGANISER)
    clubs = list(clubs.values()) if isinstance(clubs, dict) else list(clubs)
    club = next((c for c in clubs if c.slug == "club-tanneries"), None)
    firms = list(
        Organisation.objects.filter(zone__slug__in=["tanneries", "croix-blanche"]).order_by("zone__slug", "name")[:24]
    )
    with transaction.atomic():
        for firm in firms:
            _sheets_for(firm, organiser, rng)
        team = [p for p in people if p.role in (PersonRole.ORGANISER, PersonRole.COORDINATOR, PersonRole.MEMBER)][:12]
        today = timezone.localdate()

        past = ExchangeSession.objects.create(
            title=PAST_TITLE,
            date=today - datetime.timedelta(days=40),
            venue="Cartonnages du Centre, salle du personnel",
            club=club,
        )
        past.team.set(team)
        for firm in firms[:22]:
            services.registration_add(session=past, organisation=firm, by=organiser.user)
        tables = services.seating_plan(session=past, by=organiser.user)
        for _round in (1, 2):
            past = services.round_advance(session=past, by=organiser.user)
            for table in tables:
                seated = list(table.registrations.values_list("organisation_id", flat=True))
                for sheet in ResourceSheet.objects.filter(
                    organisation_id__in=[f.pk for f in firms[:22]], direction=past.current_direction
                ):
                    for firm_id in seated:
                        if firm_id != sheet.organisation_id and rng.random() < 0.15:
                            services.interest_record(
                                table=table, sheet_id=sheet.pk, organisation_id=firm_id, interested=True,
                                by=organiser.user,
                            )  # fmt: skip
        services.session_close(session=past, by=organiser.user)
        yes = list(Interest.objects.filter(session=past, interested=True).select_related("sheet", "session")[:6])
        for index, interest in enumerate(yes):
            synergy = services.synergy_from_interest(interest=interest, by=organiser.user)
            if index < 2:
                services.synergy_update(
                    synergy=synergy, by=organiser.user, status=SynergyStatus.IMPLEMENTED,
                    implemented_on=today - datetime.timedelta(days=10 * (index + 1)),
                    tonnes_per_year=[12, 3.5][index], euros_per_year=[4200, 1800][index],
                )  # fmt: skip
            elif index < 4:
                services.synergy_update(synergy=synergy, by=organiser.user, status=SynergyStatus.IN_PROGRESS)
        for respondent in Person.objects.filter(organisation__in=firms[:22]).select_related("user")[:6]:
            services.satisfaction_submit(
                session=past, by=respondent.user, logistics=rng.choice([4, 5]), method=rng.choice([4, 5]),
                atmosphere=5, comment=rng.choice(["", "Très bonne ambiance, à refaire.", "Rounds un peu courts."]),
            )  # fmt: skip

        upcoming = ExchangeSession.objects.create(
            title=NEXT_TITLE, date=today + datetime.timedelta(days=30), venue="Hôtel du Technoparc, salle Vergers"
        )
        upcoming.team.set(team)
        for firm in firms:
            services.registration_add(session=upcoming, organisation=firm, by=organiser.user)
        services.seating_plan(session=upcoming, by=organiser.user)

        ExchangeObjective.objects.get_or_create(
            club=club, year=today.year, defaults={"sessions_planned": 1, "synergies_planned": 5}
        )
        _field_example_history(firms)
    return {"sessions": [past, upcoming], "sheets": ResourceSheet.objects.count()}


def _field_example_history(firms) -> None:
    """The cluster's objectives and results of the field example (shared/context/004)."""
    for year, sessions, synergies, done in ((2016, 1, 5, 5), (2017, 1, 5, 3), (2018, 2, 10, 0), (2019, 2, 10, 0)):
        ExchangeObjective.objects.get_or_create(
            club=None, year=year, defaults={"sessions_planned": sessions, "synergies_planned": synergies}
        )
        if not done:
            continue
        ExchangeSession.objects.create(
            title=f"Bourse d'échanges {year}", date=datetime.date(year, 10, 12), venue="Salle du conseil",
            status=SessionStatus.DONE, current_round=2,
        )  # fmt: skip
        for index in range(done):
            provider, beneficiary = firms[index], firms[-1 - index]
            Synergy.objects.create(
                provider=provider, beneficiary=beneficiary, status=SynergyStatus.IMPLEMENTED,
                implemented_on=datetime.date(year, 12, 1), notes="Synergie historique (bilan annuel).",
            )  # fmt: skip


def step(demo: dict, say) -> None:
    exchange = load_exchange(people=demo["people"], clubs=demo["clubs"])
    say(
        gettext("  Bourse d'échanges: %(count)d resource sheets, a past and a coming session")
        % {"count": exchange["sheets"]}
    )
