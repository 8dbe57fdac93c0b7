"""What a LAO's sample values follow from: the profile of its type (how many people, how rural,
how rich, how large an office), where it lies, who lives there, and the draw the section
generators share.

Facts are read once per LAO; the generators (demo/records/sections.py) only draw from them, so
the values of a LAO look like the place it is: Pattaya has hotels, Yala has mosques, an SAO in
the north is mountainous.
"""

import random
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from demo.registry import BANGKOK
from records.models import LAO, District

# The kinds of LAO (LAOFacts.kind), in the order of the columns of the generators' count tables.
KINDS = ("sao", "subdistrict", "town", "city", "pao", "bma", "pattaya")
COASTAL_PROVINCES = frozenset(
    ("11", "20", "21", "22", "23", "24", "70", "74", "75", "76", "77", "80", "81", "82", "83",
     "84", "85", "86", "90", "91", "92", "93", "94", "96")
)  # fmt: skip
# Rough shares of Muslims and Christians by province (national census orders of magnitude).
MUSLIM_SHARE = {
    "94": 0.88, "95": 0.75, "96": 0.82, "91": 0.68, "90": 0.3, "81": 0.35, "82": 0.25,
    "83": 0.12, "92": 0.14, "93": 0.2, "80": 0.08, "84": 0.03, "86": 0.02, "10": 0.05,
    "11": 0.04, "12": 0.05, "13": 0.06, "14": 0.06, "24": 0.05, "26": 0.08,
}  # fmt: skip
CHRISTIAN_SHARE = {
    "50": 0.04,
    "57": 0.05,
    "58": 0.08,
    "63": 0.03,
    "55": 0.02,
    "47": 0.02,
    "48": 0.02,
}


@dataclass(frozen=True)
class Profile:
    population: tuple[int, int, int]  # low, high, mode
    rural: float  # 1 = all farmland and villages, 0 = all town
    revenue_per_person: int  # baht a year
    office: float  # size of the office and its staff, an SAO = 1


RECORD_PROFILES = {
    LAO.Type.SAO: Profile((2500, 12000, 5000), 0.9, 6500, 1.0),
    LAO.Type.SUBDISTRICT: Profile((2500, 16000, 6500), 0.6, 7000, 1.3),
    LAO.Type.TOWN: Profile((12000, 60000, 25000), 0.25, 8500, 4.0),
    LAO.Type.CITY: Profile((50000, 220000, 90000), 0.08, 10000, 12.0),
    LAO.Type.PAO: Profile((250000, 1800000, 550000), 0.6, 1800, 8.0),
    LAO.Type.SPECIAL: Profile((100000, 150000, 120000), 0.05, 12000, 20.0),  # Pattaya
}
BMA_PROFILE = Profile((5400000, 5600000, 5500000), 0.02, 15000, 400.0)


@dataclass
class LAOFacts:
    """What the values of one LAO follow from."""

    lao: LAO
    profile: Profile
    population: int
    region: str
    coastal: bool
    is_seat: bool
    subdistricts: int
    districts: int
    muslim: float
    christian: float
    neighbours: list[str]
    clerk_id: int | None

    @property
    def type(self) -> str:
        return self.lao.type

    @property
    def is_bma(self) -> bool:
        return self.lao.type == LAO.Type.SPECIAL and self.lao.district.province_id == BANGKOK

    @property
    def is_pattaya(self) -> bool:
        return self.lao.type == LAO.Type.SPECIAL and not self.is_bma

    @property
    def kind(self) -> str:
        """The LAO type, with the two special-form LAOs told apart: "bma" and "pattaya"."""
        return "bma" if self.is_bma else "pattaya" if self.is_pattaya else self.type


def _region(latitude: float, longitude: float) -> str:
    if latitude < 11.5:
        return "south"
    if latitude > 17.3 and longitude < 101.3:
        return "north"
    if longitude >= 101.3 and latitude >= 14.0:
        return "northeast"
    return "central"


def lao_facts(
    laos: list[LAO], clerks: dict[int, int], *, province_codes: Sequence[str] | None, seed: int
) -> list[LAOFacts]:
    """The facts each LAO's values follow from (two queries: districts and covered areas)."""
    districts = Counter(
        District.objects.filter(province_id__in={lao.district.province_id for lao in laos})
        .values_list("province_id", flat=True)
        .iterator()
    )
    through = LAO.subdistricts.through.objects.all()
    if province_codes is not None:
        through = through.filter(lao__district__province_id__in=province_codes)
    covered = Counter(through.values_list("lao_id", flat=True).iterator())
    names: dict[str, list[str]] = defaultdict(list)
    for lao in laos:
        if lao.type != LAO.Type.PAO:
            names[lao.district_id].append(lao.display_name)
    facts = []
    for lao in laos:
        province = lao.district.province_id
        profile = RECORD_PROFILES[lao.type]
        if lao.type == LAO.Type.SPECIAL and province == BANGKOK:
            profile = BMA_PROFILE
        rng = random.Random(f"{seed}:{lao.code}:profile")
        latitude = float(lao.latitude) if lao.latitude is not None else 15.0
        longitude = float(lao.longitude) if lao.longitude is not None else 101.0
        facts.append(
            LAOFacts(
                lao=lao,
                profile=profile,
                population=round(rng.triangular(*profile.population[:2], profile.population[2])),
                region=_region(latitude, longitude),
                coastal=province in COASTAL_PROVINCES,
                is_seat=lao.office_subdistrict_id is not None
                and lao.office_subdistrict_id.endswith("01"),
                subdistricts=covered[lao.pk],
                districts=districts[province],
                muslim=MUSLIM_SHARE.get(province, 0.005),
                christian=CHRISTIAN_SHARE.get(province, 0.006),
                neighbours=[n for n in names[lao.district_id] if n != lao.display_name][:8],
                clerk_id=clerks.get(lao.pk),
            )
        )
    return facts


@dataclass(frozen=True)
class Rarely:
    """A cell of a count table: the (low, high) range only with the given chance, else none."""

    chance: float
    range: tuple[int, int]


@dataclass
class Draw:
    """One LAO's draw: its facts, its random stream, and the values drawn so far, which a later
    section builds on (the elderly allowance on the population over 60, teachers on schools)."""

    facts: LAOFacts
    rng: random.Random
    values: dict = field(default_factory=dict)

    def by_kind(self, row: Sequence[tuple[int, int] | Rarely]) -> int:
        """A whole number drawn from the cell of a count table's row (one (low, high) range a
        kind, in the order of KINDS) for this LAO's kind. A ``Rarely`` cell costs one draw of
        its chance whatever the LAO's kind, so a table row draws as ``by_type`` would."""
        ranges = [
            (cell.range if self.rng.random() < cell.chance else (0, 0))
            if isinstance(cell, Rarely)
            else cell
            for cell in row
        ]
        low, high = ranges[KINDS.index(self.facts.kind)]
        return self.rng.randint(low, high)

    def by_type(self, **ranges: tuple[int, int]) -> int:
        """A whole number drawn from the (low, high) range given for this LAO's kind (``sao``,
        ``city``, ``bma``, ``pattaya`` …), or for ``other``, or 0."""
        low, high = ranges.get(self.facts.kind, ranges.get("other", (0, 0)))
        return self.rng.randint(low, high)

    @property
    def units(self) -> int:
        """The places a LAO counts its people in: villages (an SAO), villages and communities
        (a subdistrict municipality), communities (a town or city), ten a subdistrict (a PAO)."""
        villages = self.values["villages_count"]
        communities = self.values["communities_count"]
        units = {
            LAO.Type.SAO: villages,
            LAO.Type.SUBDISTRICT: villages + communities,
            LAO.Type.PAO: self.facts.subdistricts * 10,
        }
        return max(1, units.get(self.facts.type, communities))


def whole(x: float) -> int:
    """A count: rounded, never below zero."""
    return max(0, round(x))
