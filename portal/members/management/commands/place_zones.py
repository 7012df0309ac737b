"""Puts the business parks without a point on the map: `manage.py place_zones`."""

from django.core.management.base import BaseCommand

from portal.members.models import Zone
from portal.members.services import zone_place


class Command(BaseCommand):
    help = (
        "Gives each zone without a point one: the centre of its organisations listed in the public "
        "directory, else its commune's centre from the national address base. Points set by hand stay."
    )

    def handle(self, *args, **options):
        unplaced = list(Zone.objects.filter(latitude__isnull=True) | Zone.objects.filter(longitude__isnull=True))
        placed = [zone.name for zone in unplaced if zone_place(zone=zone)]
        for name in placed:
            self.stdout.write(f"Placed: {name}")
        self.stdout.write(f"{len(placed)} of {len(unplaced)} zones without a point placed.")
