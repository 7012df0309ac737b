"""The national address base (Base Adresse Nationale, api-adresse.data.gouv.fr): an address → a point.

GET /search/?q=…&limit=1 answers a GeoJSON FeatureCollection; each feature has its point as
[longitude, latitude] and a `score` from 0 to 1. Below MIN_SCORE the base only guessed (a street
of the same name elsewhere, the town hall): no point is better than a wrong one on a map.
"""

import dataclasses
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from .company_register import coordinate
from .http import get_json

MIN_SCORE = 0.5


def service_name() -> str:
    return _("The national address base")


@dataclasses.dataclass(frozen=True)
class Point:
    latitude: Decimal
    longitude: Decimal
    label: str = ""
    score: float = 0.0
    citycode: str = ""


def geocode(address: str, postcode: str = "", city: str = "", *, kind: str = "") -> Point | None:
    """The point of an address, or None when the base does not know it well enough (score < MIN_SCORE).
    `kind` narrows the answer to one type of the base ("municipality": a commune's centre).

    Raises ServiceDown when the base cannot answer.
    """
    text = " ".join(part.strip() for part in (address, postcode, city) if part and part.strip())
    if len(text) < 3:
        return None
    params = {"q": text[:200], "limit": 1}
    if postcode and len(postcode.strip()) == 5:
        params["postcode"] = postcode.strip()
    if kind:
        params["type"] = kind
    answer = get_json(f"{settings.ADDRESS_BASE_URL.rstrip('/')}/search/", params, service=service_name())
    for feature in answer.get("features") or []:
        try:
            properties = feature.get("properties") or {}
            score = float(properties.get("score") or 0)
            longitude, latitude = feature["geometry"]["coordinates"][:2]
        except (AttributeError, KeyError, TypeError, ValueError):
            continue
        latitude, longitude = coordinate(latitude), coordinate(longitude)
        if score < MIN_SCORE or latitude is None or longitude is None or abs(latitude) > 90:
            continue
        label, citycode = str(properties.get("label") or ""), str(properties.get("citycode") or "")
        return Point(latitude, longitude, label, score, citycode)
    return None
