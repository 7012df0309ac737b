"""The public company register: "Recherche d'entreprises" (recherche-entreprises.api.gouv.fr, no key).

One call, GET /search?q=…, answers legal units (`results`), each with its head office (`siege`), the
establishments that matched the query (`matching_etablissements`) and `complements` (ESS flag…).
`lookup` turns that into Firm rows for a form: by SIRET the establishment with that number, by name
the head offices of the first matching firms still open. The INSEE codes it carries (headcount
bands, street types) are decoded here too, so that the SIRENE file import reads them the same way.
"""

import dataclasses
import re
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .http import get_json

MAX_RESULTS = 10
MIN_QUERY_LENGTH = 3  # the API refuses shorter queries
SIRET_PATTERN = re.compile(r"^\d{14}$")

# INSEE's headcount bands (tranche d'effectif salarié): code → (bounds "low-high" as the members
# directory stores them, label). "NN" is a non-employer unit or an unknown headcount.
HEADCOUNT_BANDS = {
    "NN": ("", gettext_lazy("No employee, or headcount unknown")),
    "00": ("0", gettext_lazy("No employee")),
    "01": ("1-2", gettext_lazy("1 to 2 employees")),
    "02": ("3-5", gettext_lazy("3 to 5 employees")),
    "03": ("6-9", gettext_lazy("6 to 9 employees")),
    "11": ("10-19", gettext_lazy("10 to 19 employees")),
    "12": ("20-49", gettext_lazy("20 to 49 employees")),
    "21": ("50-99", gettext_lazy("50 to 99 employees")),
    "22": ("100-199", gettext_lazy("100 to 199 employees")),
    "31": ("200-249", gettext_lazy("200 to 249 employees")),
    "32": ("250-499", gettext_lazy("250 to 499 employees")),
    "41": ("500-999", gettext_lazy("500 to 999 employees")),
    "42": ("1000+", gettext_lazy("1,000 to 1,999 employees")),
    "51": ("1000+", gettext_lazy("2,000 to 4,999 employees")),
    "52": ("1000+", gettext_lazy("5,000 to 9,999 employees")),
    "53": ("1000+", gettext_lazy("10,000 employees or more")),
}

# SIRENE abbreviates the type of street; an address reads better with the word.
STREET_TYPES = {
    "ALL": "ALLÉE", "AV": "AVENUE", "BD": "BOULEVARD", "CAR": "CARREFOUR", "CHE": "CHEMIN",
    "CHS": "CHAUSSÉE", "CITE": "CITÉ", "COR": "CORNICHE", "CRS": "COURS", "DOM": "DOMAINE",
    "DSC": "DESCENTE", "ECA": "ÉCART", "ESP": "ESPLANADE", "FG": "FAUBOURG", "GR": "GRANDE RUE",
    "HAM": "HAMEAU", "HLE": "HALLE", "IMP": "IMPASSE", "LD": "LIEU-DIT", "LOT": "LOTISSEMENT",
    "MAR": "MARCHÉ", "MTE": "MONTÉE", "PARC": "PARC", "PAS": "PASSAGE", "PL": "PLACE", "PLN": "PLAINE",
    "PLT": "PLATEAU", "PRO": "PROMENADE", "PRV": "PARVIS", "QUA": "QUARTIER", "QUAI": "QUAI",
    "RES": "RÉSIDENCE", "RLE": "RUELLE", "ROC": "ROCADE", "RPT": "ROND-POINT", "RTE": "ROUTE",
    "RUE": "RUE", "SEN": "SENTIER", "SQ": "SQUARE", "TPL": "TERRE-PLEIN", "TRAV": "TRAVERSE",
    "VLA": "VILLA", "VLGE": "VILLAGE", "ZA": "ZONE ARTISANALE", "ZAC": "ZONE D'AMÉNAGEMENT CONCERTÉ",
    "ZI": "ZONE INDUSTRIELLE",
}  # fmt: skip


def service_name() -> str:
    return _("The company register (Recherche d'entreprises)")


def headcount_band(code: str) -> str:
    """The band's bounds ("10-19") for an INSEE code, "" when unknown or not an employer."""
    return HEADCOUNT_BANDS.get((code or "").strip().upper(), ("", ""))[0]


def headcount_label(code: str) -> str:
    band = HEADCOUNT_BANDS.get((code or "").strip().upper())
    return str(band[1]) if band else ""


REPETITIONS = {"B": "BIS", "T": "TER", "Q": "QUATER", "C": "QUINQUIES"}


def street(number: str = "", repetition: str = "", street_type: str = "", name: str = "") -> str:
    """ "12 BIS AVENUE DE LA GARE" from SIRENE's parts (repetition and street type written out)."""
    kind = (street_type or "").strip().upper()
    again = (repetition or "").strip().upper()
    parts = [number, REPETITIONS.get(again, again), STREET_TYPES.get(kind, kind), name]
    return " ".join(part.strip() for part in parts if part and part.strip())


def coordinate(value) -> Decimal | None:
    """A latitude or longitude as the register gives it ("48.83002"), to six decimals; None if absent."""
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except InvalidOperation:
        return None
    return number if number.is_finite() and abs(number) <= 180 else None


@dataclasses.dataclass(frozen=True)
class Firm:
    """One establishment as the register knows it, in the words of the organisation form."""

    name: str
    siret: str
    address: str = ""
    postcode: str = ""
    city: str = ""
    naf_code: str = ""
    headcount_code: str = ""  # INSEE's band code ("11")
    legal_category: str = ""  # INSEE's catégorie juridique ("9220": a declared association)
    ess: bool = False  # in the social and solidarity economy (ESS)
    open: bool = True
    head_office: bool = False
    latitude: Decimal | None = None
    longitude: Decimal | None = None

    @property
    def headcount_band(self) -> str:
        return headcount_band(self.headcount_code)

    @property
    def headcount_label(self) -> str:
        return headcount_label(self.headcount_code)

    @property
    def is_association(self) -> bool:
        return self.legal_category.startswith("92")

    def as_dict(self) -> dict:
        data = dataclasses.asdict(self)
        data["latitude"] = str(self.latitude) if self.latitude is not None else None
        data["longitude"] = str(self.longitude) if self.longitude is not None else None
        data.update(headcount_band=self.headcount_band, headcount_label=self.headcount_label)
        return data


_POSTCODE_AND_CITY = re.compile(r"^(?P<street>.*?)\s*\b(?P<postcode>\d{5})\s+(?P<city>.+)$")


def _firm(unit: dict, establishment: dict) -> Firm:
    complements = unit.get("complements") or {}
    address = street(
        establishment.get("numero_voie") or "",
        establishment.get("indice_repetition") or "",
        establishment.get("type_voie") or "",
        establishment.get("libelle_voie") or "",
    )
    postcode = establishment.get("code_postal") or ""
    city = establishment.get("libelle_commune") or ""
    if not address or not postcode:
        # A matching establishment may come with its address in one string: "19 RUE … 31700 CORNEBARRIEU".
        match = _POSTCODE_AND_CITY.match((establishment.get("adresse") or "").strip())
        if match:
            address = address or match["street"]
            postcode = postcode or match["postcode"]
            city = city or match["city"]
    enseignes = establishment.get("liste_enseignes") or []
    name = unit.get("nom_raison_sociale") or unit.get("nom_complet") or establishment.get("nom_commercial") or ""
    if not name and enseignes:
        name = enseignes[0]
    return Firm(
        name=name.strip()[:200],
        siret=establishment.get("siret") or "",
        address=address[:255],
        postcode=postcode[:5],
        city=city[:150],
        naf_code=establishment.get("activite_principale") or unit.get("activite_principale") or "",
        headcount_code=establishment.get("tranche_effectif_salarie") or unit.get("tranche_effectif_salarie") or "",
        legal_category=str(unit.get("nature_juridique") or ""),
        ess=bool(complements.get("est_ess")),
        open=(establishment.get("etat_administratif") or unit.get("etat_administratif") or "A") == "A",
        head_office=bool(establishment.get("est_siege")),
        latitude=coordinate(establishment.get("latitude")),
        longitude=coordinate(establishment.get("longitude")),
    )


def normalise_query(query: str) -> str:
    """A SIRET typed with spaces becomes its 14 digits; any other text is trimmed."""
    text = " ".join((query or "").split())
    compact = re.sub(r"[\s.]", "", text)
    return compact if SIRET_PATTERN.match(compact) else text


def lookup(query: str) -> list[Firm]:
    """The firms matching a SIRET (one establishment) or a name (head offices of open firms).

    Raises ServiceDown when the register cannot answer; [] when it knows nothing of the query.
    """
    query = normalise_query(query)
    if len(query) < MIN_QUERY_LENGTH:
        return []
    by_siret = bool(SIRET_PATTERN.match(query))
    params = {"q": query, "page": 1, "per_page": MAX_RESULTS}
    if not by_siret:
        params["etat_administratif"] = "A"
    answer = get_json(f"{settings.COMPANY_REGISTER_URL.rstrip('/')}/search", params, service=service_name())
    firms = []
    for unit in answer.get("results") or []:
        if not isinstance(unit, dict):
            continue
        establishments = [unit.get("siege") or {}, *(unit.get("matching_etablissements") or [])]
        if by_siret:
            found = next((e for e in establishments if isinstance(e, dict) and e.get("siret") == query), None)
            if found is not None:
                firms.append(_firm(unit, found))
        elif isinstance(establishments[0], dict) and establishments[0].get("siret"):
            firms.append(_firm(unit, establishments[0]))
    return firms[:MAX_RESULTS]
