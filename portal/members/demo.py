"""Fictional members for the demo cluster. Every name here is invented (the clubs: portal/clubs/demo.py)."""

import datetime
import math
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext

from search import indexing

from .models import (
    Membership,
    MembershipStatus,
    Organisation,
    OrganisationKind,
    Person,
    PersonRole,
    Role,
    RoleAssignment,
    Zone,
)
from .scopes import ScopeKind
from .services import (
    account_email_ensure,
    ensure_role_groups,
    legacy_assignments,
    person_assign_from_role,
    person_create,
    role_grant,
    role_withdraw,
)

DEMO_PASSWORD = "demo-ptce-2026"  # noqa: S105 - published in the README, demo data only
POSTCODES = {"Arvière": "18100", "Saint-Aubin-sur-Arvière": "18120", "Mont-Arvière": "18130"}
STREETS = ["des Tanneurs", "du Moulin", "de la Gare", "des Vergers", "du Stade"]
DEMO_EMAIL_DOMAIN = "demo.ptce.test"

ZONES = [
    # slug, name, commune, firms established
    ("tanneries", "Parc d'activités des Tanneries", "Arvière", 300),
    ("croix-blanche", "Zone de la Croix-Blanche", "Saint-Aubin-sur-Arvière", 140),
    ("vergers", "Technoparc des Vergers", "Mont-Arvière", 85),
]
# Fictional places drawn in the Cher (postcodes 18…), for the map: each zone's centre and each
# commune's; a firm stands a few hundred metres from its zone's centre, or from its commune's.
ZONE_POINTS = {
    "tanneries": ("47.075500", "2.412000"),
    "croix-blanche": ("47.047000", "2.470000"),
    "vergers": ("47.123000", "2.340000"),
    "pre-long": ("47.090500", "2.383000"),
}
COMMUNE_POINTS = {
    "Arvière": ("47.081000", "2.399000"),
    "Saint-Aubin-sur-Arvière": ("47.052000", "2.462000"),
    "Mont-Arvière": ("47.118000", "2.351000"),
}


def demo_point(centre: tuple[str, str], index: int, spread: float = 0.006) -> tuple[Decimal, Decimal]:
    """A point near `centre`, the same for the same index (a golden-angle spiral, no two alike)."""
    angle, radius = index * 2.39996, spread * (0.3 + 0.7 * ((index * 7) % 10) / 10)
    step = Decimal("0.000001")
    latitude = (Decimal(centre[0]) + Decimal(radius * math.sin(angle))).quantize(step)
    longitude = (Decimal(centre[1]) + Decimal(radius * 1.5 * math.cos(angle))).quantize(step)
    return latitude, longitude


K = OrganisationKind
ORGANISATIONS = [
    # name, kind, zone slug or None, NAF, headcount band, commune
    ("Coopérative Les Jardins d'Arvière", K.COOPERATIVE, None, "01.13Z", "10-19", "Arvière"),
    ("SCIC Énergie Partagée du Val", K.COOPERATIVE, "vergers", "35.11Z", "6-9", "Mont-Arvière"),
    ("SCOP Menuiserie du Pont-Vieux", K.COOPERATIVE, "tanneries", "16.23Z", "20-49", "Arvière"),
    ("SCOP Imprimerie Lumière", K.COOPERATIVE, "croix-blanche", "18.12Z", "10-19", "Saint-Aubin-sur-Arvière"),
    ("Coopérative de Mobilité Solidaire", K.COOPERATIVE, None, "49.39A", "3-5", "Arvière"),
    ("SCIC Habitat Rénové", K.COOPERATIVE, "vergers", "43.29A", "10-19", "Mont-Arvière"),
    ("Association Repair'Café Arvière", K.ASSOCIATION, None, "", "0", "Arvière"),
    ("Association Aide à Domicile du Val", K.ASSOCIATION, None, "88.10A", "50-99", "Arvière"),
    ("Association Cuisine Partagée", K.ASSOCIATION, "tanneries", "56.29A", "6-9", "Arvière"),
    ("Association Mobil'Emploi", K.ASSOCIATION, "croix-blanche", "88.99B", "3-5", "Saint-Aubin-sur-Arvière"),
    ("Association Les Petits Débrouillards du Val", K.ASSOCIATION, None, "", "1-2", "Mont-Arvière"),
    ("Association Vélo-École", K.ASSOCIATION, None, "", "0", "Arvière"),
    ("Association Accueil Paysan du Val", K.ASSOCIATION, None, "01.50Z", "1-2", "Saint-Aubin-sur-Arvière"),
    ("Mutuelle Solidarité Arvière", K.MUTUAL, None, "65.12Z", "20-49", "Arvière"),
    ("Mutuelle des Artisans du Val", K.MUTUAL, "tanneries", "65.12Z", "10-19", "Arvière"),
    ("Recyclerie La Seconde Main", K.ESUS_COMPANY, "tanneries", "47.79Z", "10-19", "Arvière"),
    ("Conserverie Solidaire du Val", K.ESUS_COMPANY, "croix-blanche", "10.39A", "6-9", "Saint-Aubin-sur-Arvière"),
    ("Ressourcerie Textile Arvière", K.ESUS_COMPANY, "vergers", "38.32Z", "20-49", "Mont-Arvière"),
    ("Entreprise d'insertion Bâti-Avenir", K.INTEGRATION_ENTERPRISE, "tanneries", "43.39Z", "20-49", "Arvière"),
    (
        "Chantier d'insertion Espaces Verts du Val",
        K.INTEGRATION_ENTERPRISE,
        "croix-blanche",
        "81.30Z",
        "20-49",
        "Saint-Aubin-sur-Arvière",
    ),
    ("Blanchisserie Solidaire Arvière", K.INTEGRATION_ENTERPRISE, "vergers", "96.01A", "10-19", "Mont-Arvière"),
    ("Transports Marceau et Fils", K.CLASSIC_FIRM, "tanneries", "49.41A", "50-99", "Arvière"),
    ("Plasturgie de l'Arvière", K.CLASSIC_FIRM, "tanneries", "22.29A", "100-199", "Arvière"),
    ("Boulangerie Industrielle Dorée", K.CLASSIC_FIRM, "tanneries", "10.71A", "50-99", "Arvière"),
    ("Garage Central des Tanneries", K.CLASSIC_FIRM, "tanneries", "45.20A", "6-9", "Arvière"),
    ("Logistique Val Express", K.CLASSIC_FIRM, "tanneries", "52.29A", "20-49", "Arvière"),
    ("Métallerie Berthon", K.CLASSIC_FIRM, "tanneries", "25.11Z", "20-49", "Arvière"),
    ("Cartonnages du Centre", K.CLASSIC_FIRM, "tanneries", "17.21A", "100-199", "Arvière"),
    ("Restaurant d'entreprises Le Comptoir", K.CLASSIC_FIRM, "tanneries", "56.29A", "10-19", "Arvière"),
    ("Agence Web Pixel Arvière", K.CLASSIC_FIRM, "tanneries", "62.01Z", "3-5", "Arvière"),
    ("Électricité Générale Fournier", K.CLASSIC_FIRM, "tanneries", "43.21A", "10-19", "Arvière"),
    ("Nettoyage Pro Val", K.CLASSIC_FIRM, "tanneries", "81.21Z", "50-99", "Arvière"),
    ("Expertise Comptable Rivière & Associés", K.CLASSIC_FIRM, "tanneries", "69.20Z", "10-19", "Arvière"),
    ("Fromagerie des Coteaux", K.CLASSIC_FIRM, "croix-blanche", "10.51C", "20-49", "Saint-Aubin-sur-Arvière"),
    ("Laboratoire Analyses Bio-Val", K.CLASSIC_FIRM, "croix-blanche", "71.20B", "10-19", "Saint-Aubin-sur-Arvière"),
    ("Menuiseries Alu Delorme", K.CLASSIC_FIRM, "croix-blanche", "25.12Z", "20-49", "Saint-Aubin-sur-Arvière"),
    ("Pépinières du Val", K.CLASSIC_FIRM, "croix-blanche", "01.30Z", "6-9", "Saint-Aubin-sur-Arvière"),
    ("Auto-École Croix-Blanche", K.CLASSIC_FIRM, "croix-blanche", "85.53Z", "3-5", "Saint-Aubin-sur-Arvière"),
    ("Sécurité Gardiennage Vigie", K.CLASSIC_FIRM, "croix-blanche", "80.10Z", "50-99", "Saint-Aubin-sur-Arvière"),
    ("Imprimerie Numérique Express", K.CLASSIC_FIRM, "croix-blanche", "18.12Z", "6-9", "Saint-Aubin-sur-Arvière"),
    ("Traiteur Saveurs d'Arvière", K.CLASSIC_FIRM, "croix-blanche", "56.21Z", "10-19", "Saint-Aubin-sur-Arvière"),
    ("BioSenseurs SAS", K.CLASSIC_FIRM, "vergers", "26.51A", "20-49", "Mont-Arvière"),
    ("Logiciels Vergers Tech", K.CLASSIC_FIRM, "vergers", "62.01Z", "20-49", "Mont-Arvière"),
    ("Bureau d'études Thermique Plus", K.CLASSIC_FIRM, "vergers", "71.12B", "6-9", "Mont-Arvière"),
    ("Pharmacie des Vergers", K.CLASSIC_FIRM, "vergers", "47.73Z", "6-9", "Mont-Arvière"),
    ("Cabinet Kiné Mobilité", K.CLASSIC_FIRM, "vergers", "86.90E", "3-5", "Mont-Arvière"),
    ("Solaire Habitat Conseil", K.CLASSIC_FIRM, "vergers", "43.22B", "10-19", "Mont-Arvière"),
    ("Agence Intérim Val Emploi", K.CLASSIC_FIRM, "vergers", "78.20Z", "10-19", "Mont-Arvière"),
    ("Hôtel du Technoparc", K.CLASSIC_FIRM, "vergers", "55.10Z", "10-19", "Mont-Arvière"),
    ("Taxis et Ambulances du Val", K.CLASSIC_FIRM, None, "86.90A", "10-19", "Arvière"),
    ("Supermarché Coop'Arvière", K.CLASSIC_FIRM, None, "47.11D", "50-99", "Arvière"),
    ("Communauté de communes du Val d'Arvière", K.LOCAL_AUTHORITY, None, "84.11Z", "200-249", "Arvière"),
    ("Ville d'Arvière", K.LOCAL_AUTHORITY, None, "84.11Z", "250-499", "Arvière"),
    ("Commune de Saint-Aubin-sur-Arvière", K.LOCAL_AUTHORITY, None, "84.11Z", "20-49", "Saint-Aubin-sur-Arvière"),
    ("Université du Val — Institut d'économie sociale", K.UNIVERSITY, None, "85.42Z", "100-199", "Arvière"),
    ("IUT de Mont-Arvière", K.UNIVERSITY, "vergers", "85.42Z", "50-99", "Mont-Arvière"),
    ("Conseil de développement du Val", K.CIVIL_SOCIETY, None, "", "0", "Arvière"),
    ("Collectif Citoyen Arvière en Transition", K.CIVIL_SOCIETY, None, "", "0", "Arvière"),
    ("Collectif des Habitants des Vergers", K.CIVIL_SOCIETY, None, "", "0", "Mont-Arvière"),
    ("Réseau des Entrepreneurs Solidaires", K.CIVIL_SOCIETY, None, "", "0", "Saint-Aubin-sur-Arvière"),
]

PEOPLE = [
    # local part, first, last, role, organisation index, job title
    ("admin", "Claire", "Vasseur", PersonRole.ADMINISTRATOR, 51, "Chargée de mission PTCE"),
    ("coordination.entrepreneuriat", "Karim", "Benali", PersonRole.COORDINATOR, 59, "Animateur entrepreneuriat social"),
    ("coordination.alimentation", "Sophie", "Marchand", PersonRole.COORDINATOR, 0, "Co-gérante"),
    ("coordination.energie", "Julien", "Perrot", PersonRole.COORDINATOR, 1, "Directeur"),
    ("coordination.services", "Nadia", "Roussel", PersonRole.COORDINATOR, 7, "Directrice"),
    ("coordination.mobilite", "Thomas", "Garnier", PersonRole.COORDINATOR, 4, "Gérant"),
    ("organisation.bourse", "Élodie", "Lambert", PersonRole.ORGANISER, 51, "Développeuse économie circulaire"),
    ("organisation.clubs", "Mathieu", "Caron", PersonRole.ORGANISER, 52, "Chargé des parcs d'activités"),
    ("membre.recyclerie", "Léa", "Fontaine", PersonRole.MEMBER, 15, "Responsable des partenariats"),
    ("membre.transports", "Paul", "Marceau", PersonRole.MEMBER, 21, "Directeur général"),
    ("membre.plasturgie", "Inès", "Moreau", PersonRole.MEMBER, 22, "Responsable QSE"),
    ("membre.menuiserie", "Hugo", "Lefèvre", PersonRole.MEMBER, 2, "Gérant"),
    ("membre.fromagerie", "Camille", "Dupuis", PersonRole.MEMBER, 33, "Responsable production"),
    ("membre.biosenseurs", "Antoine", "Chevalier", PersonRole.MEMBER, 41, "Président"),
    ("membre.insertion", "Fatou", "Diallo", PersonRole.MEMBER, 18, "Encadrante technique"),
    ("membre.aide-domicile", "Martine", "Girard", PersonRole.MEMBER, 7, "Coordinatrice"),
]


def fictional_siret(index: int) -> str:
    """A SIRET that passes the Luhn checks, built from the demo index (not a real company)."""

    def luhn_complete(digits: str) -> str:
        for check in "0123456789":
            candidate = digits + check
            total = 0
            for position, char in enumerate(reversed(candidate)):
                value = int(char) * (2 if position % 2 else 1)
                total += value - 9 if value > 9 else value
            if total % 10 == 0:
                return candidate
        raise AssertionError("unreachable")

    siren = luhn_complete(f"99{index:06d}")
    return luhn_complete(siren + "0001")


def load_members(stdout=None) -> dict:
    ensure_role_groups()
    rng = random.Random(2026)
    User = get_user_model()
    with transaction.atomic():
        zones = {}
        for slug, name, commune, firms in ZONES:
            latitude, longitude = ZONE_POINTS[slug]
            zones[slug], _ = Zone.objects.update_or_create(
                slug=slug,
                defaults={"name": name, "commune": commune, "firms_established": firms,
                          "latitude": latitude, "longitude": longitude},
            )  # fmt: skip

        organisations = []
        for index, (name, kind, zone_slug, naf, band, commune) in enumerate(ORGANISATIONS):
            has_siret = not (kind in {K.ASSOCIATION, K.CIVIL_SOCIETY} and not naf)
            latitude, longitude = demo_point(ZONE_POINTS[zone_slug] if zone_slug else COMMUNE_POINTS[commune], index)
            organisation, _ = Organisation.objects.update_or_create(
                slug=f"demo-{index:02d}",
                defaults={
                    "name": name,
                    "kind": kind,
                    "siret": fictional_siret(index) if has_siret else "",
                    "naf_code": naf,
                    "headcount_band": band,
                    "commune": commune,
                    "postcode": POSTCODES[commune],
                    "address": f"{rng.randint(1, 90)} rue {rng.choice(STREETS)}",
                    "zone": zones.get(zone_slug),
                    "website": f"https://{index:02d}.{DEMO_EMAIL_DOMAIN}/",
                    "email": f"contact{index:02d}@{DEMO_EMAIL_DOMAIN}",
                    "description": _description(name, kind),
                    "in_public_directory": index % 7 != 3,
                    "latitude": latitude,
                    "longitude": longitude,
                },
            )
            organisation.full_clean()
            organisations.append(organisation)

        for index, organisation in enumerate(organisations):
            status = MembershipStatus.PENDING if index % 13 == 12 else MembershipStatus.ACTIVE
            Membership.objects.get_or_create(
                organisation=organisation,
                club=None,
                status=status,
                defaults={"started_on": membership_start(index), "fee_paid": index % 4 != 0},
            )

        people = []
        for local, first, last, role, org_index, job in PEOPLE:
            email = f"{local}@{DEMO_EMAIL_DOMAIN}"
            user, created = User.objects.get_or_create(
                username=email, defaults={"email": email, "first_name": first, "last_name": last}
            )
            if created:
                user.set_password(DEMO_PASSWORD)
            user.is_superuser = user.is_staff = role == PersonRole.ADMINISTRATOR
            user.save()
            account_email_ensure(user=user)
            person, _ = Person.objects.update_or_create(
                user=user, defaults={"organisation": organisations[org_index], "role": role, "job_title": job,
                                     "phone": f"02 48 00 {len(people):02d} {org_index:02d}",
                                     "handle": slugify(f"{first} {last}")}
            )  # fmt: skip
            person_assign_from_role(person=person)
            people.append(person)
    # Written directly, not through the services: their directory entries are queued here, in one go.
    indexing.schedule_index_many(Organisation, Organisation.objects.values_list("pk", flat=True))
    return {"zones": zones, "organisations": organisations, "people": people}


def membership_start(index: int) -> datetime.date:
    """When the demo's organisation number `index` joined the cluster (its club no earlier)."""
    return datetime.date(2020 + index % 6, 1 + index % 12, 1)


def _description(name: str, kind: str) -> str:
    if kind in {K.COOPERATIVE, K.ASSOCIATION, K.MUTUAL, K.ESUS_COMPANY, K.INTEGRATION_ENTERPRISE}:
        return (
            f"{name} est une structure de l'économie sociale et solidaire du Val d'Arvière, "
            "engagée dans les coopérations du pôle."
        )
    if kind == K.CLASSIC_FIRM:
        return f"{name} est une entreprise du territoire qui mutualise ses ressources avec les autres membres du pôle."
    return f"{name} est partenaire du pôle et soutient ses actions sur le territoire."


def step(demo: dict, say) -> None:
    """The demo's first step (portal.demo): zones, organisations and people."""
    demo.update(load_members())


# Club animators, one per club (the clubs' demo names them by zone → local part, first, last, job
# title). The CCI's adviser also coordinates an axis: one person holding two roles, as in a real cluster.
CLUB_ANIMATORS = {
    "tanneries": ("animation.tanneries", "Aurélie", "Bertin", "Animatrice du club des Tanneries"),
    "croix-blanche": ("cci.conseil", "Sandrine", "Collet", "Conseillère entreprises, CCI du Val d'Arvière"),
    "vergers": ("animation.vergers", "Yanis", "Haddad", "Animateur du club Vergers Innovation"),
    "pre-long": ("animation.pre-long", "Gaëlle", "Morin", "Animatrice du club des artisans du Pré-Long"),
}
TWO_ROLES = ("cci.conseil", 3)  # local part, number of the axis she also coordinates


def _grant_missing(person: Person, wanted, *, by) -> None:
    held = set(RoleAssignment.objects.filter(person=person).values_list("role", "scope_kind", "scope_id"))
    for role, kind, scope_id in wanted:
        if (role, kind, scope_id) not in held:
            role_grant(person=person, role=role, scope_kind=kind, scope_id=scope_id, by=by)


def roles_step(demo: dict, say) -> None:
    """After the clubs and the axes (portal.demo): the people's roles held in scopes, as the data
    migration gives them (coordinators of their axes), one animator per club, and a person with two roles."""
    administrator = next(person.user for person in demo["people"] if person.role == PersonRole.ADMINISTRATOR)
    for person in demo["people"]:
        if person.role == PersonRole.ORGANISER:  # the clubs exist now: organisers animate each, as migrated
            _grant_missing(person, legacy_assignments(person, person.role), by=administrator)
        coordinated = list(person.coordinated_axes.values_list("pk", flat=True))
        if person.role == PersonRole.COORDINATOR and coordinated:
            _grant_missing(person, [(Role.COORDINATOR, ScopeKind.AXIS, pk) for pk in coordinated], by=administrator)
            for assignment in RoleAssignment.objects.filter(
                person=person, role=Role.COORDINATOR, scope_kind=ScopeKind.CLUSTER
            ):
                role_withdraw(assignment=assignment, by=administrator)

    User = get_user_model()
    axes = {axis.number: axis for axis in demo["axes"]}
    animators = []
    for key, (local, first, last, job) in CLUB_ANIMATORS.items():
        club = demo["clubs"][key]
        email = f"{local}@{DEMO_EMAIL_DOMAIN}"
        user, created = User.objects.get_or_create(
            username=email, defaults={"email": email, "first_name": first, "last_name": last}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        account_email_ensure(user=user)
        person = Person.objects.filter(user=user).first()
        if person is None:
            member = Membership.objects.filter(club=club).select_related("organisation").order_by("pk").first()
            organisation = member.organisation if member and local != TWO_ROLES[0] else None
            person = person_create(user=user, organisation=organisation, job_title=job)
        wanted = [(Role.ANIMATOR, ScopeKind.CLUB, club.pk), (Role.EXCHANGE_ORGANISER, ScopeKind.CLUB, club.pk)]
        if local == TWO_ROLES[0]:
            axis = axes[TWO_ROLES[1]]
            axis.coordinators.add(person)
            wanted.append((Role.COORDINATOR, ScopeKind.AXIS, axis.pk))
        _grant_missing(person, wanted, by=administrator)
        animators.append(person)
    demo["club_animators"] = animators
    say(
        gettext("  %(count)d role assignments in scopes (one animator per club, one person with two roles)")
        % {"count": RoleAssignment.objects.count()}
    )
