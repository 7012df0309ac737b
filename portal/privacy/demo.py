"""Demo consents: most demo people receive the newsletters, record contacts agreed to be shown,
and a person of each listed organisation gave the directory consent. Safe to run again."""

from django.db import transaction
from django.utils import timezone

from portal.members.models import Person

from .models import Consent, Purpose
from .wording import wording


def _give(person: Person, purpose: str) -> bool:
    if Consent.objects.filter(person=person, purpose=purpose, withdrawn_at__isnull=True).exists():
        return False
    Consent.objects.create(person=person, purpose=purpose, wording=wording(purpose))
    return True


def load_consents(*, people) -> int:
    """Demo consents written directly (no effect to apply: the demo data already matches them)."""
    given = 0
    with transaction.atomic():
        listed_done = set()
        ordered = sorted(people, key=lambda p: p.pk)
        last = ordered[-1]
        for index, person in enumerate(ordered):
            if index % 5 != 4 and person != last:
                given += _give(person, Purpose.NEWSLETTER)
            if person.best_practices_as_contact.exists():
                given += _give(person, Purpose.CONTACT)
            # Board members are named on their club's page, but for one in four: the animators see why.
            if person.club_board_seats.exists() and index % 4 != 3:
                given += _give(person, Purpose.BOARD)
            organisation = person.organisation
            if organisation and organisation.in_public_directory and organisation.pk not in listed_done:
                listed_done.add(organisation.pk)
                given += _give(person, Purpose.DIRECTORY)
        # One person changed their mind: the withdrawal shows on their page and in the admin.
        if not Consent.objects.filter(person=last, withdrawn_at__isnull=False).exists():
            _give(last, Purpose.NEWSLETTER)
            Consent.objects.filter(person=last, purpose=Purpose.NEWSLETTER, withdrawn_at__isnull=True).update(
                withdrawn_at=timezone.now()
            )
    return given


def step(demo: dict, say) -> None:
    load_consents(people=demo["people"])
