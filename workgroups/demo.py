"""The demo cluster's five thematic axes (fictional)."""

import datetime

from django.db import transaction

from .models import Axis

AXES = [
    # number, slug, title, colour, summary, coordinator e-mail local part, kinds of organisations involved
    (1, "entrepreneuriat-social", "Animer et promouvoir l'entrepreneuriat social", "#8e3b46",
     "Accompagner la création d'activités d'utilité sociale et les coopérations entre l'ESS et les entreprises.",
     "coordination.entrepreneuriat"),
    (2, "alimentation-durable", "Alimentation durable", "#3a7d44",
     "Circuits courts, restauration collective, lutte contre le gaspillage alimentaire.",
     "coordination.alimentation"),
    (3, "transition-energetique-habitat", "Transition énergétique de l'habitat", "#c06014",
     "Rénovation énergétique, énergies renouvelables citoyennes, filières locales du bâtiment.",
     "coordination.energie"),
    (4, "services-a-la-personne", "Services à la personne", "#1f6f8b",
     "Aide à domicile, garde d'enfants, mutualisation de l'emploi et des formations.",
     "coordination.services"),
    (5, "mobilite-accessibilite", "Mobilité et accessibilité", "#5b4a8b",
     "Covoiturage, mobilité des salariés des parcs d'activités, accès à l'emploi et aux services.",
     "coordination.mobilite"),
]  # fmt: skip


def load_axes(*, organisations, people) -> list[Axis]:
    people_by_local = {person.user.email.split("@")[0]: person for person in people}
    axes = []
    with transaction.atomic():
        for number, slug, title, colour, summary, coordinator in AXES:
            axis, _ = Axis.objects.update_or_create(
                number=number, defaults={"slug": slug, "title": title, "colour": colour, "summary": summary}
            )
            axis.coordinators.set([people_by_local[coordinator]])
            # Spread organisations over axes: every one takes part in one or two.
            axis.organisations.set(
                [org for index, org in enumerate(organisations) if index % 5 == number - 1 or index % 11 == number]
            )
            axes.append(axis)
    return axes


WORKGROUPS = [
    # slug, name, axis number or club slug, policy, description
    ("restauration-collective", "Restauration collective locale", 2, "open",
     "Approvisionner les cantines et restaurants d'entreprises en produits du Val."),
    ("anti-gaspillage", "Lutte contre le gaspillage alimentaire", 2, "open",
     "Dons d'invendus, conserverie solidaire, compostage partagé."),
    ("renovation-energetique", "Rénovation énergétique des logements", 3, "approval",
     "Groupement d'artisans, diagnostics partagés et chantiers d'insertion."),
    ("creation-activites", "Création d'activités d'utilité sociale", 1, "open",
     "Accompagner les porteurs de projet de l'ESS du territoire."),
    ("mutualisation-emplois", "Mutualisation des emplois du soin", 4, "approval",
     "Groupement d'employeurs et formations communes de l'aide à domicile."),
    ("covoiturage-parcs", "Covoiturage des salariés des parcs", 5, "open",
     "Plan de mobilité inter-entreprises des trois parcs d'activités."),
    ("commission-dechets-tanneries", "Commission déchets — Tanneries", "club-tanneries", "open",
     "Collecte collective des cartons, palettes et déchets dangereux sur le parc."),
    ("commission-after-work", "Commission 5 à 7 — Croix-Blanche", "club-croix-blanche", "open",
     "Organiser les rencontres conviviales entre entreprises de la zone."),
]  # fmt: skip

CONVERSATION = [
    ("coordination.alimentation", "Bonjour à tous ! Quels volumes de légumes pour les cantines à la rentrée ?"),
    ("membre.recyclerie", "Nous pouvons prêter notre chambre froide le mardi, si cela aide pour la logistique."),
    ("membre.fromagerie", "De notre côté, 40 kg de fromage par semaine sont possibles dès septembre."),
    ("coordination.alimentation", "Merci @lea-fontaine et @camille-dupuis ! Je prépare un tableau partagé."),
    ("membre.transports", "Pour les livraisons groupées, notre camion frigorifique passe sur le parc le jeudi."),
    ("membre.recyclerie", "Compte rendu de mardi : https://exemple.org/compte-rendu (version provisoire)."),
]  # fmt: skip


def load_workgroups(*, axes, clubs, people) -> list:
    """Workgroups of every axis and two club commissions, with members and a discussion."""
    from .models import Message, Workgroup, WorkgroupRole
    from .services import message_send, workgroup_add_member

    people_by_local = {person.user.email.split("@")[0]: person for person in people}
    axes_by_number = {axis.number: axis for axis in axes}
    clubs_by_slug = {club.slug: club for club in clubs.values()}
    workgroups = []
    with transaction.atomic():
        for slug, name, owner, policy, description in WORKGROUPS:
            owner_field = {"axis": axes_by_number[owner], "club": None} if isinstance(owner, int) else {
                "axis": None, "club": clubs_by_slug[owner]}  # fmt: skip
            workgroup, _ = Workgroup.objects.update_or_create(
                slug=slug,
                defaults={"name": name, "membership_policy": policy, "description": description, **owner_field},
            )
            workgroups.append(workgroup)
            for person in people:
                if person.role == "administrator":
                    continue
                coordinates_axis = workgroup.axis and workgroup.axis.coordinators.filter(pk=person.pk).exists()
                if coordinates_axis or person.pk % 3 == len(workgroups) % 3 or person.role == "organiser":
                    workgroup_add_member(
                        workgroup=workgroup,
                        person=person,
                        role=WorkgroupRole.COORDINATOR if coordinates_axis else WorkgroupRole.MEMBER,
                    )
    food = workgroups[0]
    for local in {local for local, _text in CONVERSATION}:
        workgroup_add_member(workgroup=food, person=people_by_local[local])
    if not Message.objects.filter(workgroup=food).exists():
        for index, (local, text) in enumerate(CONVERSATION):
            message_send(workgroup=food, by=people_by_local[local].user, body=text, client_id=f"demo-{index}")
    from portal.members.models import Organisation

    organisations = list(Organisation.objects.filter(slug__startswith="demo-").exclude(
        slug__startswith="demo-prospect-").order_by("slug"))  # fmt: skip
    load_plans(axes=axes, clubs=clubs, organisations=organisations, workgroups=workgroups)
    return workgroups


# --- Action plans and the common issues board -------------------------------------------------------

PLANS = [
    # slug, title, scope, axis number or club slug or None, summary, period, actions
    ("plan-alimentation-durable", "Plan d'action Alimentation durable 2026-2027", "axis", 2,
     "Approvisionner la restauration collective en produits du Val et réduire le gaspillage.", (2026, 2027), [
        ("Légumerie partagée", 16, [0, 33], 45000, "tonnes de légumes transformées", 40, 12, "in_progress"),
        ("Charte des cantines locales", 0, [52, 53], 3000, "cantines signataires", 12, 5, "in_progress"),
        ("Dons d'invendus des restaurants d'entreprises", 15, [28], None, "repas sauvés par mois", 800, 820, "done"),
        ("Compostage partagé sur les parcs", 15, [25], 8000, "sites équipés", 3, 0, "planned"),
    ]),
    ("plan-club-croix-blanche", "Socle d'actions communes — Croix-Blanche", "club", "club-croix-blanche",
     "Les trois actions choisies par les entreprises après l'enquête de besoins.", (2023, 2026), [
        ("Signalétique commune du parc", 35, [53], 18000, "panneaux posés", 14, 14, "done"),
        ("Gardiennage mutualisé", 38, [], 24000, "entreprises adhérentes au service", 20, 11, "in_progress"),
        ("Afterworks trimestriels", 33, [40], 1200, "rencontres organisées", 4, 3, "in_progress"),
    ]),
    ("plan-economique-participatif", "Plan économique participatif du Val", "process", None,
     "Diagnostic, petit-déjeuner des acteurs économiques, quatre ateliers thématiques, plan consolidé, assises.",
     (2026, 2027), [
        ("Diagnostic partagé du territoire", 51, [55], 15000, "entretiens menés", 30, 30, "done"),
        ("Petit-déjeuner des acteurs économiques", 51, [52], 900, "participants", 50, 54, "done"),
        ("Quatre ateliers participatifs", 51, [55, 59], 4000, "ateliers tenus", 4, 2, "in_progress"),
        ("Assises de l'économie du Val", 51, [52, 53], 12000, "participants", 100, 0, "planned"),
    ]),
]  # fmt: skip
ISSUES = [
    # title, problem, club slug, workgroup slug, status, decisions, organisation indexes
    ("Collecte collective des déchets sur le parc des Tanneries", "waste", "club-tanneries",
     "commission-dechets-tanneries", "in_progress",
     "Benne à cartons partagée installée en mars ; appel d'offres commun pour les déchets dangereux.",
     [2, 15, 21, 22, 25, 26, 27]),
    ("Trafic aux heures de pointe sur l'avenue des Tanneries", "traffic", "club-tanneries", "covoiturage-parcs",
     "open", "", [21, 23, 25]),
    ("Convivialité entre entreprises de la Croix-Blanche", "catering", "club-croix-blanche", "commission-after-work",
     "resolved", "Un afterwork par trimestre, accueilli à tour de rôle.", [33, 34, 39, 40]),
]  # fmt: skip


def load_plans(*, axes, clubs, organisations, workgroups) -> list:
    """An action plan per kind (axis, club, participatory process) and the issues board."""
    from decimal import Decimal

    from .models import Action, ActionPlan, CommonIssue

    axes_by_number = {axis.number: axis for axis in axes}
    clubs_by_slug = {club.slug: club for club in clubs.values()}
    workgroups_by_slug = {workgroup.slug: workgroup for workgroup in workgroups}
    plans = []
    with transaction.atomic():
        for slug, title, scope, owner, summary, (start, end), actions in PLANS:
            plan, _ = ActionPlan.objects.update_or_create(
                slug=slug,
                defaults={
                    "title": title, "scope": scope, "summary": summary,
                    "axis": axes_by_number.get(owner) if scope == "axis" else None,
                    "club": clubs_by_slug.get(owner) if scope == "club" else None,
                    "period_start": datetime.date(start, 1, 1), "period_end": datetime.date(end, 12, 31),
                },
            )  # fmt: skip
            for position, (action_title, pilot, partners, budget, indicator, target, current, status) in enumerate(
                actions, start=1
            ):
                action, _ = Action.objects.update_or_create(
                    plan=plan, title=action_title,
                    defaults={
                        "position": position, "pilot": organisations[pilot], "indicator": indicator,
                        "budget": Decimal(budget) if budget is not None else None,
                        "target_value": Decimal(target), "current_value": Decimal(current), "status": status,
                        "starts_on": datetime.date(start, 1 + position, 1),
                        "ends_on": datetime.date(end, 6 + position, 1),
                    },
                )  # fmt: skip
                action.partners.set([organisations[index] for index in partners])
            plans.append(plan)
        for title, problem, club_slug, workgroup_slug, status, decisions, firms in ISSUES:
            issue, _ = CommonIssue.objects.update_or_create(
                title=title,
                defaults={"problem": problem, "club": clubs_by_slug.get(club_slug), "status": status,
                          "workgroup": workgroups_by_slug.get(workgroup_slug), "decisions": decisions},
            )  # fmt: skip
            issue.firms.set([organisations[index] for index in firms])
    return plans
