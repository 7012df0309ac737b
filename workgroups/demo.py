"""The demo cluster's five thematic axes (fictional)."""

from django.db import transaction
from django.utils.translation import gettext

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
    return workgroups


# The participatory process of the cluster (a diagnosis, four themed workshops, a plan, assises): its
# workshops' follow-up rooms, each with its theme, outside the axes.
PROCESS = ("plan-economique-participatif", "Plan économique participatif du Val",
           "Un diagnostic partagé du tissu économique du Val, un petit-déjeuner de lancement, quatre ateliers "
           "thématiques, un plan d'action, puis les assises.")  # fmt: skip
PROCESS_ROOMS = [
    # slug, theme, decisions
    ("suite-atelier-artisanat", "Artisanat", ["Créer un annuaire des artisans du Val",
                                             "Ouvrir un atelier partagé au tiers-lieu du Moulin"]),
    ("suite-atelier-sante", "Santé", ["Recenser les besoins de soins à domicile des salariés des parcs"]),
    ("suite-atelier-ingenierie", "Ingénierie", []),
    ("suite-atelier-image", "Image", []),
]  # fmt: skip
# A club commission that meets: title, days from today, agenda, minutes, decision, (task, days to its due date)
COMMISSION_MEETINGS = [
    ("Lancement de la commission", -45, "Tour de table\nVolumes de cartons et palettes",
     "<p>Présents : 8 entreprises. Chacun a estimé ses volumes de cartons et de palettes par mois.</p>",
     "Louer une benne à cartons partagée", ("Demander trois devis de benne", -20)),
    ("Point d'étape", -10, "Devis reçus\nDéchets dangereux",
     "<p>Présents : 11 entreprises. Le devis du Recycleur du Val est retenu ; les déchets dangereux feront "
     "l'objet d'un appel d'offres commun.</p>",
     "Lancer un appel d'offres commun pour les déchets dangereux", ("Rédiger le cahier des charges", 21)),
]  # fmt: skip


def load_participation(*, workgroups, people) -> dict:
    """A club commission with two meetings (minutes, decisions, tasks) and the participatory process with
    its workshops' rooms (their events are the cms step's). Safe to run again."""
    import datetime

    from django.utils import timezone

    from .models import Decision, Meeting, ParticipatoryProcess, Task, Workgroup, WorkgroupRole
    from .services import workgroup_add_member

    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    today = timezone.localdate()
    organisers = [person for person in people if person.role == "organiser"] or list(people[:1])
    with transaction.atomic():
        commission = next(workgroup for workgroup in workgroups if workgroup.slug == "commission-dechets-tanneries")
        members = [membership.person for membership in commission.memberships.select_related("person")[:3]]
        for title, days, agenda, minutes, decision, (task, due) in COMMISSION_MEETINGS:
            meeting, _ = Meeting.objects.update_or_create(
                workgroup=commission, title=title,
                defaults={"starts_at": now + datetime.timedelta(days=days), "place": "Maison des coopératives",
                          "agenda": agenda, "minutes": minutes, "minutes_by": organisers[0],
                          "minutes_updated_at": now + datetime.timedelta(days=days, hours=3)},
            )  # fmt: skip
            Decision.objects.get_or_create(
                workgroup=commission, meeting=meeting, text=decision,
                defaults={"decided_on": (now + datetime.timedelta(days=days)).date()},
            )  # fmt: skip
            Task.objects.get_or_create(
                workgroup=commission, meeting=meeting, title=task,
                defaults={"owner": members[0] if members else organisers[0],
                          "due_on": today + datetime.timedelta(days=due),
                          "done_at": now if due < 0 else None, "created_by": organisers[0]},
            )  # fmt: skip
        slug, title, summary = PROCESS
        process, _ = ParticipatoryProcess.objects.update_or_create(
            slug=slug,
            defaults={"title": title, "summary": summary, "started_on": today - datetime.timedelta(days=120)},
        )
        process.leads.add(*organisers[:2])
        rooms = []
        for room_slug, theme, decisions in PROCESS_ROOMS:
            room, _ = Workgroup.objects.update_or_create(
                slug=room_slug,
                defaults={"process": process, "theme": theme, "name": f"Suite : atelier {theme.lower()}",
                          "description": f"La suite de l'atelier « {theme} » du plan économique participatif."},
            )  # fmt: skip
            for person in organisers[:2]:
                workgroup_add_member(workgroup=room, person=person, role=WorkgroupRole.COORDINATOR)
            for text in decisions:
                Decision.objects.get_or_create(
                    workgroup=room, text=text, defaults={"decided_on": today - datetime.timedelta(days=60)}
                )
            rooms.append(room)
    return {"process": process, "rooms": rooms, "commission": commission}


def step(demo: dict, say) -> None:
    demo["axes"] = load_axes(organisations=demo["organisations"], people=demo["people"])
    say(gettext("  %(count)d thematic axes") % {"count": len(demo["axes"])})
    demo["workgroups"] = load_workgroups(axes=demo["axes"], clubs=demo["clubs"], people=demo["people"])
    say(gettext("  %(count)d workgroups with a discussion") % {"count": len(demo["workgroups"])})
    demo["participation"] = load_participation(workgroups=demo["workgroups"], people=demo["people"])
