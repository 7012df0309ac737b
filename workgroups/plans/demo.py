"""The demo cluster's action plans (one per kind) and its common issues board (fictional).

Call `load_plans(axes=…, clubs=…, workgroups=…)` from load_demo after the workgroups; safe to run again.
"""

import datetime
from decimal import Decimal

from django.db import transaction

from portal.members.models import Organisation

from .models import Action, ActionPlan, ActionUpdate, CommonIssue

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


def _demo_history(action: Action) -> None:
    """Three dated measurements climbing to the action's current value (its indicator's chart)."""
    if action.updates.exists() or not action.current_value:
        return
    today = datetime.date.today()
    ActionUpdate.objects.bulk_create(
        ActionUpdate(action=action, measured_on=today - datetime.timedelta(days=60 * (2 - index)),
                     status=action.status, value=(action.current_value * (index + 1) / 3).quantize(Decimal("0.01")))
        for index in range(3)
    )  # fmt: skip


def load_plans(*, axes, clubs, workgroups) -> list:
    """An action plan per kind (axis, club, participatory process) and the issues board."""
    organisations = list(Organisation.objects.filter(slug__startswith="demo-").exclude(
        slug__startswith="demo-prospect-").order_by("slug"))  # fmt: skip
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
                _demo_history(action)
            plans.append(plan)
        for title, problem, club_slug, workgroup_slug, status, decisions, firms in ISSUES:
            issue, _ = CommonIssue.objects.update_or_create(
                title=title,
                defaults={"problem": problem, "club": clubs_by_slug.get(club_slug), "status": status,
                          "workgroup": workgroups_by_slug.get(workgroup_slug), "decisions": decisions},
            )  # fmt: skip
            issue.firms.set([organisations[index] for index in firms])
    return plans


def step(demo: dict, say) -> None:
    demo["plans"] = load_plans(axes=demo["axes"], clubs=demo["clubs"], workgroups=demo["workgroups"])
