"""Published best practices of the demo cluster (fictional), written through the services as members would.

Call `load_best_practices(axes=…, people=…)` from load_demo after the axes; safe to run again (records
whose title exists are left alone).
"""

from django.utils.translation import gettext

from portal.members.models import PersonRole
from portal.privacy import services as privacy_services
from portal.privacy.models import Purpose

from . import permissions, services
from .models import BestPractice

BEST_PRACTICES = [
    # author e-mail local part, axis number, visibility, title, summary, problem, body, results, figures, cost, tags
    (
        "membre.recyclerie", 2, "public",
        "Dons d'invendus des cantines à la conserverie solidaire",
        "Les surplus des restaurants d'entreprises partent chaque soir en bocaux plutôt qu'à la poubelle.",
        "Chaque restaurant d'entreprise du parc jetait 15 à 20 kg de plats et de légumes par jour.",
        "Une tournée du soir ramasse les invendus dans des caisses isothermes.\n\n"
        "La conserverie les transforme le lendemain en soupes et en plats en bocaux vendus à prix solidaire.",
        "Moins de déchets alimentaires et deux emplois d'insertion créés.",
        [("-60 %", "de déchets alimentaires jetés"), ("2", "emplois d'insertion")],
        "5k_20k", ["gaspillage alimentaire", "restauration collective", "insertion"],
    ),
    (
        "membre.transports", 5, "public",
        "Plan de mobilité inter-entreprises du parc des Tanneries",
        "Cinq entreprises ont partagé une enquête, des places de covoiturage et une navette vers la gare.",
        "Les salariés sans voiture refusaient les postes en horaires décalés faute de transport.",
        "Une enquête commune a repéré les trajets ; une application de covoiturage et une navette aux heures "
        "de prise de poste ont suivi.",
        "Une centaine de salariés covoiturent ; deux postes en horaires décalés pourvus en un mois.",
        [("110", "salariés inscrits au covoiturage"), ("-18 %", "de voitures sur le parking")],
        "20k_100k", ["mobilité", "covoiturage"],
    ),
    (
        "membre.menuiserie", 3, "members",
        "Chutes de bois réemployées en mobilier d'insertion",
        "Les chutes de la menuiserie deviennent des bancs et des bacs de jardin fabriqués en chantier d'insertion.",
        "Les chutes de bois partaient en déchetterie à nos frais.",
        "Un conteneur de tri dans l'atelier, une collecte mensuelle, des gabarits simples pour l'atelier "
        "d'insertion.",
        "Les coûts de déchetterie ont baissé et le mobilier équipe les jardins partagés du Val.",
        [("8 t", "de bois réemployées par an"), ("-3 500 €", "de frais de déchetterie")],
        "under_5k", ["réemploi", "déchets", "bois"],
    ),
    (
        "membre.plasturgie", 1, "members",
        "Achats groupés d'électricité verte entre membres",
        "Un appel d'offres commun a donné aux petites structures le prix d'un grand compte.",
        "Les petites associations payaient l'électricité bien plus cher que les industriels du parc.",
        "Le pôle a regroupé les consommations de 14 membres et lancé un appel d'offres avec la SCIC Énergie.",
        "Un contrat d'électricité d'origine renouvelable locale à prix négocié pour trois ans.",
        [("14", "membres dans le groupement"), ("-12 %", "sur la facture moyenne")],
        "none", ["énergie", "achats groupés"],
    ),
    (
        "membre.aide-domicile", 4, "public",
        "Formations communes des aides à domicile",
        "Trois employeurs mutualisent les formations obligatoires et les remplacements pendant les sessions.",
        "Chaque structure peinait à libérer ses salariées pour les formations.",
        "Un calendrier partagé, une salle prêtée par la mutuelle et un pool de remplaçantes.",
        "Toutes les salariées à jour de leurs formations obligatoires.",
        [("45", "salariées formées"), ("3", "employeurs")],
        "5k_20k", ["formation", "emploi"],
    ),
]  # fmt: skip


def load_best_practices(*, axes, people) -> list[BestPractice]:
    by_local = {person.user.email.split("@")[0]: person for person in people}
    administrator = next(person for person in people if person.role == PersonRole.ADMINISTRATOR)
    axes_by_number = {axis.number: axis for axis in axes}
    records = []
    for local, number, visibility, title, summary, problem, body, results, figures, cost, tags in BEST_PRACTICES:
        existing = BestPractice.objects.filter(title=title).first()
        if existing is not None:
            records.append(existing)
            continue
        author = by_local[local]
        axis = axes_by_number[number]
        # The author is the record's contact person, which they agreed to (as a real member would).
        privacy_services.consent_give(person=author, purpose=Purpose.CONTACT, by=author.user)
        record = services.best_practice_create(
            by=author.user,
            organisation=author.organisation,
            axis=axis,
            title=title,
            summary=summary,
            body="".join(f"<p>{paragraph}</p>" for paragraph in body.split("\n\n")),
            problem=problem,
            results=results,
            figures=figures,
            cost_range=cost,
            tags=tags,
            visibility=visibility,
            contact=author,
        )
        services.best_practice_submit(record=record, by=author.user)
        reviewers = [person for person in axis.coordinators.all() if permissions.is_reviewer(person.user, record)]
        reviewer = reviewers[0] if reviewers else administrator
        records.append(services.best_practice_publish(record=record, by=reviewer.user))
    load_adoptions(records=records, people=people)
    return records


# (record index in BEST_PRACTICES, adopter's e-mail local part, months ago, testimony)
ADOPTIONS = [
    (0, "membre.transports", 20, "Notre cantine donne aussi ses invendus depuis l'an dernier."),
    (0, "membre.plasturgie", 7, ""),
    (1, "membre.recyclerie", 14, "Nos salariés en insertion prennent la navette du matin."),
    (1, "membre.aide-domicile", 3, "Le covoiturage a réglé les tournées du soir."),
    (2, "membre.transports", 9, "Les palettes cassées du dépôt partent à l'atelier."),
    (3, "membre.recyclerie", 16, ""),
    (3, "membre.menuiserie", 16, "Entrés dans le groupement au second appel d'offres."),
    (4, "membre.menuiserie", 1, "Deux de nos apprentis ont suivi la session de secourisme."),
]


def load_adoptions(*, records, people) -> int:
    """ "We adopted this" marks spread over the last two years, so the transfer dashboard has figures."""
    import datetime

    from django.core.exceptions import PermissionDenied, ValidationError
    from django.utils import timezone

    from .models import Adoption

    by_local = {person.user.email.split("@")[0]: person for person in people}
    added = 0
    for index, local, months_ago, comment in ADOPTIONS:
        person = by_local.get(local)
        if person is None or index >= len(records):
            continue
        try:
            adoption = services.best_practice_adopt(record=records[index], by=person.user, comment=comment)
        except (ValidationError, PermissionDenied):  # adopted already, or the adopter's own record
            continue
        when = timezone.now() - datetime.timedelta(days=30 * months_ago)
        Adoption.objects.filter(pk=adoption.pk).update(created_at=when)  # the demo's past
        added += 1
    return added


def step(demo: dict, say) -> None:
    demo["records"] = load_best_practices(axes=demo["axes"], people=demo["people"])
    say(gettext("  %(count)d best-practice records") % {"count": len(demo["records"])})
