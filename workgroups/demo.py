"""The demo cluster's five thematic axes (fictional)."""

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
