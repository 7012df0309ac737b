"""Fictional clubs for the demo cluster, on the members' demo (portal/members/demo.py): a club at
each stage with its dated history and board, growth targets, prospects, a merger and a needs survey."""

import datetime

from django.db import transaction
from django.utils.translation import gettext

from portal.members import permissions
from portal.members import services as member_services
from portal.members.demo import POSTCODES, STREETS, ZONE_POINTS, demo_point, fictional_siret, membership_start
from portal.members.models import Membership, MembershipStatus, Organisation, OrganisationKind, Zone
from search import indexing

from . import services
from .models import (
    Club,
    ClubBoardMember,
    ClubMilestone,
    ClubStageChange,
    GrowthTarget,
    Survey,
    SurveyInvitation,
    SurveyResponse,
)

K = OrganisationKind
CLUBS = [
    ("club-tanneries", "Club des Tanneries", "tanneries", datetime.date(2019, 3, 14)),
    ("club-croix-blanche", "Croix-Blanche Entreprises", "croix-blanche", datetime.date(2021, 10, 5)),
    ("club-vergers", "Club Vergers Innovation", "vergers", datetime.date(2024, 1, 18)),
]

D = datetime.date
STAGE_HISTORY = {
    # club slug → [(stage, date, note)]
    "club-tanneries": [("emergence", D(2019, 3, 14), "Petit-déjeuner de lancement : 35 entreprises présentes"),
                       ("needs_collected", D(2019, 11, 4), "Enquête : déchets, trafic et signalétique en tête"),
                       ("common_actions", D(2020, 9, 21), "Socle d'actions voté en assemblée générale"),
                       ("autonomous", D(2022, 6, 30), "Fin de l'accompagnement : le club a sa propre animatrice")],
    "club-croix-blanche": [("emergence", D(2021, 10, 5), "Premières rencontres mensuelles"),
                           ("needs_collected", D(2022, 5, 12), "48 réponses au questionnaire"),
                           ("common_actions", D(2023, 3, 2), "Trois commissions créées")],
    "club-vergers": [("emergence", D(2024, 1, 18), "Réunion d'information au Technoparc"),
                     ("needs_collected", D(2026, 10, 1), "Enquête de besoins close")],
    "club-pre-long": [("emergence", D(2026, 9, 15), "Premier petit-déjeuner des artisans")],
}  # fmt: skip
# club slug → (milestones done with their dates, planned autonomy date): the path to autonomy.
AUTONOMY = {
    "club-tanneries": ([("first_meeting", D(2019, 3, 14)), ("needs_collected", D(2019, 11, 4)),
                        ("common_actions", D(2020, 9, 21)), ("board_elected", D(2021, 1, 12)),
                        ("statutes", D(2021, 4, 2)), ("fees_collected", D(2021, 12, 15)),
                        ("own_budget", D(2022, 3, 10))], D(2022, 6, 30)),
    "club-croix-blanche": ([("first_meeting", D(2021, 10, 5)), ("needs_collected", D(2022, 5, 12)),
                            ("common_actions", D(2023, 3, 2)), ("board_elected", D(2024, 2, 8))], D(2027, 6, 30)),
    "club-vergers": ([("first_meeting", D(2024, 1, 18)), ("needs_collected", D(2026, 10, 1))], D(2028, 12, 31)),
}  # fmt: skip
BOARDS = {
    "club-tanneries": [("membre.transports", "president"), ("membre.plasturgie", "treasurer"),
                       ("membre.recyclerie", "secretary")],
    "club-croix-blanche": [("membre.fromagerie", "president")],
    "club-vergers": [("membre.biosenseurs", "president")],
}  # fmt: skip
TARGETS = {"tanneries": 80, "croix-blanche": 40, "vergers": 30, "pre-long": 15}
PROSPECT_NAMES = [
    "Ateliers Mécaniques du Val", "Boucherie en gros Arvière", "Carrosserie des Tanneries", "Chaudronnerie Lemaire",
    "Distribution Bureautique Centre", "Emballages Réunis", "Ferronnerie d'Art Morel", "Garage Poids Lourds Val",
    "Imprimerie Offset Arvière", "Isolation Thermique Duval", "Location Matériel Pro", "Maçonnerie Girard Frères",
    "Négoce Bois et Panneaux", "Peintures Industrielles Val", "Plomberie Chauffage Renaud", "Pneus Service Arvière",
    "Recyclage Métaux Centre", "Sérigraphie du Parc", "Stockage Froid Val", "Transports Frigorifiques Bernard",
]  # fmt: skip
PROSPECT_STATUSES = [None, "invited", "invited", "called", "visited", None, "called", "declined", "invited", None]
SURVEY_ANSWERS = [
    # (problem, importance, comment) lists, one per responding firm of the Vergers
    [("traffic", 3, "La sortie sur la départementale est saturée à 17 h."), ("mobility", 3, ""),
     ("catering", 2, "Aucun restaurant à moins de 2 km.")],
    [("catering", 3, "Nos salariés mangent dans leur voiture."), ("mobility", 2, "Pas de bus après 18 h.")],
    [("signage", 2, "Les livreurs ne trouvent pas le bâtiment C."), ("traffic", 2, "")],
    [("energy", 3, "Intéressés par une centrale solaire partagée."), ("catering", 1, "")],
    [("mobility", 3, "Trois recrutements perdus faute de transport."), ("recruitment", 3, "")],
    [("waste", 2, "Collecte des cartons trop espacée."), ("traffic", 1, "")],
    [("security", 2, "Deux cambriolages l'hiver dernier."), ("catering", 2, "")],
    [("traffic", 3, "Stationnement sauvage le long de l'allée des Vergers."), ("mobility", 2, "")],
    [("recruitment", 2, "Difficile de trouver des techniciens."), ("energy", 2, "")],
]  # fmt: skip
SURVEY_REMARKS = {
    0: "Un restaurant inter-entreprises nous intéresserait beaucoup.",
    4: "Une crèche inter-entreprises ?",
}


def load_club_life(*, zones, clubs, organisations, people) -> dict:
    """Each club at a different stage with its dated history and board, targets, prospects, a survey."""
    people_by_local = {person.user.email.split("@")[0]: person for person in people}
    admin = people_by_local["admin"].user
    organiser = people_by_local["organisation.clubs"].user
    with transaction.atomic():
        zones["pre-long"], _ = Zone.objects.update_or_create(
            slug="pre-long",
            defaults={
                "name": "Zone artisanale du Pré-Long",
                "commune": "Arvière",
                "firms_established": 45,
                "latitude": ZONE_POINTS["pre-long"][0],
                "longitude": ZONE_POINTS["pre-long"][1],
            },  # fmt: skip
        )
        clubs["pre-long"], _ = Club.objects.update_or_create(
            slug="club-pre-long",
            defaults={"name": "Club des artisans du Pré-Long", "zone": zones["pre-long"], "founded": D(2026, 9, 15)},
        )
        # The clubs exist now: the organiser of the first release animates each (as migrated), so
        # follows their prospects and opens their surveys below.
        member_services.person_assign_from_role(person=people_by_local["organisation.clubs"], by=admin)
        permissions.forget(organiser)
        for club in clubs.values():
            steps = STAGE_HISTORY.get(club.slug, [])
            if steps and not club.stage_changes.exists():
                for stage, date, note in steps:
                    ClubStageChange.objects.create(club=club, stage=stage, changed_on=date, club_name=club.name,
                                                   note=note, by=organiser)  # fmt: skip
                club.stage, club.stage_since = steps[-1][0], steps[-1][1]
                club.save(update_fields=["stage", "stage_since"])
            if club.slug in AUTONOMY and not club.milestones.exists():
                done, planned = AUTONOMY[club.slug]
                for milestone, date in done:
                    ClubMilestone.objects.create(club=club, milestone=milestone, done_on=date, by=organiser)
                if club.stage != "autonomous":
                    club.accompanied_by = people_by_local["organisation.clubs"]
                club.autonomy_planned_on = planned
                club.save(update_fields=["accompanied_by", "autonomy_planned_on"])
            for local, position in BOARDS.get(club.slug, []):
                ClubBoardMember.objects.get_or_create(
                    club=club, person=people_by_local[local], defaults={"position": position, "since": club.founded}
                )
        for slug, target in TARGETS.items():
            GrowthTarget.objects.update_or_create(zone=zones[slug], year=2026, defaults={"target_members": target})
            GrowthTarget.objects.update_or_create(zone=zones[slug], year=2025, defaults={"target_members": target - 10})
        # A club's own target too (the dashboard's "club by club" table): the Tanneries' club aims at 30.
        GrowthTarget.objects.update_or_create(club=clubs["tanneries"], year=2026, defaults={"target_members": 30})
        # Firms of the Tanneries that are not members yet, at different contact stages.
        for index, name in enumerate(PROSPECT_NAMES):
            latitude, longitude = demo_point(ZONE_POINTS["tanneries"], 100 + index)
            firm, created = Organisation.objects.update_or_create(
                slug=f"demo-prospect-{index:02d}",
                defaults={"name": name, "kind": K.CLASSIC_FIRM, "siret": fictional_siret(200 + index),
                          "zone": zones["tanneries"], "commune": "Arvière", "postcode": POSTCODES["Arvière"],
                          "address": f"{index + 3} rue {STREETS[index % len(STREETS)]}",
                          "headcount_band": ["3-5", "6-9", "10-19", "20-49"][index % 4],
                          "latitude": latitude, "longitude": longitude},
            )  # fmt: skip
            status = PROSPECT_STATUSES[index % len(PROSPECT_STATUSES)]
            if created and status:
                services.prospect_contact_record(organisation=firm, status="invited", by=organiser,
                                                  contacted_on=D(2026, 9, 1 + index))  # fmt: skip
                if status != "invited":
                    services.prospect_contact_record(organisation=firm, status=status, by=organiser,
                                                      contacted_on=D(2026, 10, 1 + index))  # fmt: skip
        # This year's joins and departures, for the growth dashboard: the prospects who said yes.
        tanneries_club = clubs["tanneries"]
        for index in range(len(PROSPECT_NAMES)):
            if index % 4 != 1 or index > 17:
                continue
            firm = Organisation.objects.get(slug=f"demo-prospect-{index:02d}")
            joined_on = D(2026, 1 + index % 10, 10)
            Membership.objects.get_or_create(organisation=firm, club=tanneries_club, status=MembershipStatus.ACTIVE,
                                             defaults={"started_on": joined_on, "fee_paid": True})  # fmt: skip
            if not firm.prospect_contacts.filter(status="joined").exists():
                services.prospect_contact_record(organisation=firm, status="joined", by=organiser,
                                                  contacted_on=joined_on)  # fmt: skip
        leaver = organisations[29]  # no club membership in load_members (index % 5 == 4)
        Membership.objects.get_or_create(
            organisation=leaver, club=tanneries_club, status=MembershipStatus.LEFT,
            defaults={"started_on": D(2021, 4, 1), "ended_on": D(2026, 3, 31)},
        )  # fmt: skip
        # A merger: the former "Entreprises de l'Est" club joined the Tanneries' club.
        east, created = Club.objects.get_or_create(
            slug="club-est-arviere",
            defaults={"name": "Entreprises de l'Est arvérois", "zone": zones["tanneries"], "founded": D(2016, 5, 2)},
        )
        if created:
            services.club_record_creation(club=east, by=admin)
        if not east.is_merged:
            services.club_merge(absorbed=east, into=clubs["tanneries"], by=admin, merged_on=D(2023, 1, 1))

    survey = Survey.objects.filter(title="Besoins des entreprises du Technoparc des Vergers").first()
    if survey is None:
        survey = services.survey_open(
            title="Besoins des entreprises du Technoparc des Vergers",
            club=clubs["vergers"],
            closes_on=D(2027, 1, 31),
            by=organiser,
            introduction="Dix minutes pour dire ce qui compliquerait moins la vie de votre entreprise sur le parc.",
        )
        Survey.objects.filter(pk=survey.pk).update(opened_on=D(2026, 9, 1), results_public=True)
        invitations = list(SurveyInvitation.objects.filter(survey=survey).order_by("organisation__name"))
        for index, (invitation, answers) in enumerate(zip(invitations, SURVEY_ANSWERS, strict=False)):
            if not SurveyResponse.objects.filter(invitation=invitation).exists():
                services.survey_answer(
                    token=services.invitation_token(invitation),
                    answers=[{"problem": p, "importance": i, "comment": c} for p, i, c in answers],
                    free_text=SURVEY_REMARKS.get(index, ""),
                )
    return {"survey": survey, "zones": zones, "clubs": clubs}


def load_clubs(members: dict) -> dict:
    """The clubs of the members' demo zones, their members, then their life; returns the clubs by
    zone slug (the Pré-Long's included) and the survey."""
    zones, organisations = members["zones"], members["organisations"]
    with transaction.atomic():
        clubs = {}
        for slug, name, zone_slug, founded in CLUBS:
            clubs[zone_slug], _ = Club.objects.update_or_create(
                slug=slug, defaults={"name": name, "zone": zones[zone_slug], "founded": founded}
            )
        for index, organisation in enumerate(organisations):
            club = clubs.get(organisation.zone.slug) if organisation.zone else None
            if club is not None and index % 5 != 4:
                Membership.objects.get_or_create(
                    organisation=organisation,
                    club=club,
                    status=MembershipStatus.ACTIVE,
                    defaults={"started_on": max(membership_start(index), club.founded), "fee_paid": True},
                )
        # One firm left its club last year: history stays visible.
        Membership.objects.get_or_create(
            organisation=organisations[24],
            club=clubs["tanneries"],
            status=MembershipStatus.LEFT,
            defaults={"started_on": datetime.date(2020, 2, 1), "ended_on": datetime.date(2025, 6, 30)},
        )
    life = load_club_life(zones=zones, clubs=clubs, organisations=organisations, people=members["people"])
    # The prospects and the club memberships are written directly, not through the services: their
    # firms' directory entries are queued here, in one go.
    indexing.schedule_index_many(Organisation, Organisation.objects.values_list("pk", flat=True))
    return life


def step(demo: dict, say) -> None:
    demo.update(load_clubs(demo))
    say(
        gettext("  %(orgs)d organisations, %(zones)d zones, %(clubs)d clubs, %(people)d people")
        % {
            "orgs": len(demo["organisations"]),
            "zones": len(demo["zones"]),
            "clubs": len(demo["clubs"]),
            "people": len(demo["people"]),
        }
    )


# --- A fictional extract of the business register (SIRENE establishments file) ----------------------
# The columns of INSEE's StockEtablissement, then the legal unit's that extracts usually join to it.
SIRENE_COLUMNS = [
    "siren",
    "nic",
    "siret",
    "statutDiffusionEtablissement",
    "dateCreationEtablissement",
    "trancheEffectifsEtablissement",
    "anneeEffectifsEtablissement",
    "activitePrincipaleRegistreMetiersEtablissement",
    "dateDernierTraitementEtablissement",
    "etablissementSiege",
    "nombrePeriodesEtablissement",
    "complementAdresseEtablissement",
    "numeroVoieEtablissement",
    "indiceRepetitionEtablissement",
    "typeVoieEtablissement",
    "libelleVoieEtablissement",
    "codePostalEtablissement",
    "libelleCommuneEtablissement",
    "libelleCommuneEtrangerEtablissement",
    "distributionSpecialeEtablissement",
    "codeCommuneEtablissement",
    "codeCedexEtablissement",
    "libelleCedexEtablissement",
    "codePaysEtrangerEtablissement",
    "libellePaysEtrangerEtablissement",
    "complementAdresse2Etablissement",
    "numeroVoie2Etablissement",
    "indiceRepetition2Etablissement",
    "typeVoie2Etablissement",
    "libelleVoie2Etablissement",
    "codePostal2Etablissement",
    "libelleCommune2Etablissement",
    "libelleCommuneEtranger2Etablissement",
    "distributionSpeciale2Etablissement",
    "codeCommune2Etablissement",
    "codeCedex2Etablissement",
    "libelleCedex2Etablissement",
    "codePaysEtranger2Etablissement",
    "libellePaysEtranger2Etablissement",
    "dateDebut",
    "etatAdministratifEtablissement",
    "enseigne1Etablissement",
    "enseigne2Etablissement",
    "enseigne3Etablissement",
    "denominationUsuelleEtablissement",
    "activitePrincipaleEtablissement",
    "nomenclatureActivitePrincipaleEtablissement",
    "caractereEmployeurEtablissement",
    "denominationUniteLegale",
    "nomUniteLegale",
    "prenom1UniteLegale",
    "categorieJuridiqueUniteLegale",
    "economieSocialeSolidaireUniteLegale",
]
# The demo's communes, with fictional INSEE codes (no real commune has them): (code, name, postcode).
SIRENE_COMMUNES = (("18999", "ARVIERE", "18100"), ("18998", "SAINT-AUBIN-SUR-ARVIERE", "18120"),
                   ("18997", "MONT-ARVIERE", "18130"))  # fmt: skip
_TRADES = [("Atelier", "25.62B"), ("Garage", "45.20A"), ("Menuiserie", "16.23Z"), ("Transports", "49.41A"),
           ("Boulangerie", "10.71C"), ("Imprimerie", "18.12Z"), ("Carrosserie", "45.20A"),
           ("Plomberie", "43.22A"), ("Électricité", "43.21A"), ("Négoce", "46.73A"), ("Chaudronnerie", "25.29Z"),
           ("Traiteur", "56.21Z")]  # fmt: skip
_NAMES = ["du Val", "des Tanneries", "d'Arvière", "Centre", "Moderne", "Morel", "Girard", "Lemaire", "Bernard",
          "Duval", "du Moulin", "de la Gare", "Perrin", "Fontaine", "Roussel"]  # fmt: skip
_PEOPLE = [("MARTIN", "Sophie"), ("PETIT", "Hélène"), ("ROBERT", "Jérôme"), ("LEFÈVRE", "Amélie"), ("GARNIER", "Loïc")]
_STREETS = [("RUE", "DES TANNEURS"), ("AV", "DE LA GARE"), ("ALL", "DU MOULIN"), ("RTE", "DE VIERZON"),
            ("ZA", "DES TANNERIES"), ("IMP", "DES VERGERS"), ("BD", "DU STADE"), ("CHE", "DES PRES")]  # fmt: skip
_BANDS = ["NN", "00", "01", "02", "03", "11", "12", "21", "", "01", "02"]


def sirene_extract(lines: int, *, first: int = 900_000, communes=SIRENE_COMMUNES, encoding: str = "utf-8") -> bytes:
    """A fictional SIRENE extract of `lines` establishments, the same every time: mostly open firms of
    `communes` (the first one most), with every tenth closed, one in 25 protected (statutDiffusion
    "P", its name and address withheld as INSEE does), sole traders, associations and ESS cooperatives.
    SIRETs are fictional_siret(first + n): they pass their key but belong to nobody."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(SIRENE_COLUMNS)
    numbered = lines > len(_TRADES) * len(_NAMES)
    for n in range(lines):
        siret = fictional_siret(first + n)
        code, commune, postcode = communes[0] if n % 3 else communes[(n // 3) % len(communes)]
        trade, naf = _TRADES[n % len(_TRADES)]
        name = f"{trade} {_NAMES[(n // len(_TRADES)) % len(_NAMES)]}" + (f" {n}" if numbered else "")
        category, ess, surname, first_name = "5710", "N", "", ""
        if n % 7 == 3:  # a sole trader: the person's name, no denomination
            (surname, first_name), name, category = _PEOPLE[n % len(_PEOPLE)], "", "1000"
        elif n % 9 == 4:
            name, category, ess, naf = f"Association {_NAMES[n % len(_NAMES)]} {n}", "9220", "O", "94.99Z"
        elif n % 11 == 5:
            name, category, ess = f"SCOP {name}", "5458", "O"
        street_type, street = _STREETS[n % len(_STREETS)]
        state = "F" if n % 10 == 9 else "A"
        protected = n % 25 == 12
        row = dict.fromkeys(SIRENE_COLUMNS, "")
        row.update(siren=siret[:9], nic=siret[9:], siret=siret, codeCommuneEtablissement=code,
                   codePostalEtablissement=postcode, libelleCommuneEtablissement=commune)  # fmt: skip
        row.update(
            statutDiffusionEtablissement="P" if protected else "O",
            dateCreationEtablissement=f"{2000 + n % 25}-{1 + n % 12:02d}-01",
            trancheEffectifsEtablissement=_BANDS[n % len(_BANDS)],
            anneeEffectifsEtablissement="2023",
            dateDernierTraitementEtablissement="2025-11-04T03:12:45",
            etablissementSiege="true" if n % 4 else "false",
            nombrePeriodesEtablissement="1",
            dateDebut="2020-01-01",
            etatAdministratifEtablissement=state,
            activitePrincipaleEtablissement=naf,
            nomenclatureActivitePrincipaleEtablissement="NAFRev2",
            caractereEmployeurEtablissement="O" if n % 3 else "N",
            nomUniteLegale=surname,
            prenom1UniteLegale=first_name,
            categorieJuridiqueUniteLegale=category,
            economieSocialeSolidaireUniteLegale=ess,
        )
        if protected:  # INSEE withholds the name and the street of whoever opposed being shown
            row["denominationUniteLegale"] = "[ND]"
        else:
            row.update(
                denominationUniteLegale=name.upper(),
                numeroVoieEtablissement=str(1 + n % 120),
                indiceRepetitionEtablissement="B" if n % 17 == 0 else "",
                typeVoieEtablissement=street_type,
                libelleVoieEtablissement=street,
            )
        writer.writerow(row[column] for column in SIRENE_COLUMNS)
    return buffer.getvalue().encode(encoding)
