"""sample_records_seed: draws each LAO's values, fills its records to a chosen progress and
writes them in bulk, with the counts records.services would store and no history.
"""

import datetime
import math
import random
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accounts.models import Role
from demo.registry import BANGKOK, PROVINCE_CENTRES
from demo.users import DEMO_USERS
from lgdata.thai import BE_OFFSET, fiscal_year_of
from records.models import (
    LAO,
    District,
    Field,
    Record,
    Rule,
    Schema,
    Section,
    SectionEntry,
)
from records.schema import current_schema
from records.services import NOT_APPLICABLE, applicable_fields, completeness, failing_rules

DEFAULT_FILL = 0.6
# The previous year's records are nearly all complete: at least this share of LAOs (more with a
# higher --fill); the others are well on the way.
PREVIOUS_YEAR_COMPLETE = 0.85
PREVIOUS_YEAR_PARTIAL = (0.6, 0.95)
# The demo clerk's own record for this year is in progress, so a demo has something to fill in.
DEMO_CLERK_PROGRESS = 0.4
OPTIONAL_ODDS = {True: 0.75, False: 0.3}  # an optional field is filled: complete / partial section
NOT_APPLICABLE_ODDS = 0.3  # of a zero in the fields below: the clerk ticked "not applicable"
NOT_APPLICABLE_CANDIDATES = frozenset(
    {"railway_stations", "piers", "bus_terminals", "higher_education_institutions", "museums"}
)
GROWTH = (0.98, 1.03)  # one factor a LAO and year, times the noise of each field
NOISE = (0.96, 1.04)
# The civil register moves little; its bands are rescaled to the total, which adds to their move.
REGISTER_NOISE = (0.99, 1.01)
# Saves are spread over the six weeks before the seeding (last year's: a year earlier).
ACTIVITY_DAYS = 42
RECORD_BATCH = 250  # LAOs generated and inserted at a time: 500 records, ~8,500 entries
ENTRY_BATCH = 2000

# Fields that do not move from one year to the next (boundaries, councils, coordinates).
STABLE_FIELDS = frozenset(
    {
        "area_km2",
        "area_rai",
        "office_latitude",
        "office_longitude",
        "distance_to_province_km",
        "distance_to_bangkok_km",
        "districts_count",
        "subdistricts_count",
        "villages_count",
        "communities_count",
        "electoral_units",
        "executives_total",
        "council_members_male",
        "council_members_female",
        "council_members_total",
        "eligible_voters",
        "voters_voted",
        "rivers",
        "streams_canals",
        "swamps",
    }
)
PERCENT_FIELDS = frozenset(
    {"health_insurance_coverage_pct", "buddhists_pct", "muslims_pct", "christians_pct"}
)

# Real dates of the last local elections, per LAO type (the latest on or before the end of the
# record's fiscal year is used).
ELECTION_DATES = {
    LAO.Type.PAO: ("2020-12-20", "2025-02-01"),
    LAO.Type.CITY: ("2021-03-28", "2025-05-11"),
    LAO.Type.TOWN: ("2021-03-28", "2025-05-11"),
    LAO.Type.SUBDISTRICT: ("2021-03-28", "2025-05-11"),
    LAO.Type.SAO: ("2021-11-28",),
    LAO.Type.SPECIAL: ("2022-05-22",),
}
BANGKOK_CENTRE = (13.756, 100.502)
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
class _Profile:
    population: tuple[int, int, int]  # low, high, mode
    rural: float  # 1 = all farmland and villages, 0 = all town
    revenue_per_person: int  # baht a year
    office: float  # size of the office and its staff, an SAO = 1


RECORD_PROFILES = {
    LAO.Type.SAO: _Profile((2500, 12000, 5000), 0.9, 6500, 1.0),
    LAO.Type.SUBDISTRICT: _Profile((2500, 16000, 6500), 0.6, 7000, 1.3),
    LAO.Type.TOWN: _Profile((12000, 60000, 25000), 0.25, 8500, 4.0),
    LAO.Type.CITY: _Profile((50000, 220000, 90000), 0.08, 10000, 12.0),
    LAO.Type.PAO: _Profile((250000, 1800000, 550000), 0.6, 1800, 8.0),
    LAO.Type.SPECIAL: _Profile((100000, 150000, 120000), 0.05, 12000, 20.0),  # Pattaya
}
BMA_PROFILE = _Profile((5400000, 5600000, 5500000), 0.02, 15000, 400.0)

FESTIVALS = {
    "north": ("ประเพณียี่เป็ง", "ประเพณีปอยหลวง", "ประเพณีสรงน้ำพระธาตุ"),
    "northeast": ("ประเพณีบุญบั้งไฟ", "ประเพณีบุญผะเหวด", "ประเพณีแห่เทียนพรรษา"),
    "south": ("ประเพณีชักพระ", "ประเพณีสารทเดือนสิบ", "ประเพณีลากพระ"),
    "central": ("ประเพณีตักบาตรเทโว", "ประเพณีแห่เทียนพรรษา", "งานประจำปีวัด"),
}
COMMON_FESTIVALS = ("ประเพณีสงกรานต์", "ประเพณีลอยกระทง", "วันเข้าพรรษา")
LOCAL_LANGUAGES = {
    "north": "ภาษาไทยถิ่นเหนือ (คำเมือง)",
    "northeast": "ภาษาไทยถิ่นอีสาน",
    "south": "ภาษาไทยถิ่นใต้",
    "central": "ภาษาไทยกลาง",
}
LOCAL_WISDOM = ("การจักสานไม้ไผ่", "การทอผ้าพื้นเมือง", "การแพทย์แผนไทย", "การทำขนมพื้นบ้าน")
LOCAL_PRODUCTS = ("ผ้าทอมือ", "เครื่องจักสาน", "ข้าวหอมมะลิ", "น้ำพริกแปรรูป", "กล้วยอบ", "ผลไม้แปรรูป")
CROPS = ("ข้าว", "อ้อย", "มันสำปะหลัง", "ข้าวโพดเลี้ยงสัตว์", "ยางพารา", "ปาล์มน้ำมัน", "ผลไม้")
LIVESTOCK = ("โคเนื้อ", "กระบือ", "สุกร", "ไก่พื้นเมือง", "เป็ด")
SOILS = ("ดินร่วนปนทราย", "ดินเหนียว", "ดินร่วน", "ดินทราย", "ดินลูกรัง")
RESOURCES = ("ป่าไม้", "แหล่งน้ำธรรมชาติ", "ดินที่อุดมสมบูรณ์", "แหล่งหินและแร่")
HAZARDS = ("อุทกภัย", "วาตภัย", "ภัยแล้ง", "อัคคีภัย")


@dataclass
class RecordsSeedResult:
    """Sample records made (or found and left alone) per fiscal year."""

    fiscal_years: tuple[int, ...] = ()
    created: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)
    required: Counter = field(default_factory=Counter)  # required fields of the new records
    filled: Counter = field(default_factory=Counter)
    entries: int = 0
    seconds: float = 0.0

    def share(self, fiscal_year: int) -> float:
        """The share of required fields filled in the records made for a year."""
        required = self.required[fiscal_year]
        return self.filled[fiscal_year] / required if required else 0.0


@dataclass
class _SectionPlan:
    """One section as a type of LAO sees it: its applicable fields and its rules."""

    section: Section
    fields: list[Field]
    required: list[str]
    optional: list[str]
    rules: list[Rule]


class _SchemaPlan:
    """The schema read once (three queries): sections, fields and rules, per LAO type."""

    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        sections = list(schema.sections.prefetch_related("fields"))
        self.rules = list(schema.rules.order_by("pk"))
        rules_by_section: dict[int, list[Rule]] = defaultdict(list)
        for rule in self.rules:
            rules_by_section[rule.section_id].append(rule)
        self.fields = {f.code: f for s in sections for f in s.fields.all()}
        self.by_type: dict[str, list[_SectionPlan]] = {}
        self.codes_by_type: dict[str, frozenset[str]] = {}
        for lao_type in LAO.Type.values:
            plans = []
            for section in sections:
                fields = applicable_fields(section, lao_type)
                plans.append(
                    _SectionPlan(
                        section=section,
                        fields=fields,
                        required=[f.code for f in fields if f.required],
                        optional=[f.code for f in fields if not f.required],
                        rules=rules_by_section[section.pk],
                    )
                )
            self.by_type[lao_type] = plans
            self.codes_by_type[lao_type] = frozenset(f.code for p in plans for f in p.fields)
        self.integers = frozenset(
            code
            for code, f in self.fields.items()
            if f.type in (Field.Type.INTEGER, Field.Type.MONEY)
        )
        self.decimals = frozenset(
            code for code, f in self.fields.items() if f.type == Field.Type.DECIMAL
        )
        self.bounds = {
            code: (
                float(f.min_value) if f.min_value is not None else None,
                float(f.max_value) if f.max_value is not None else None,
            )
            for code, f in self.fields.items()
            if f.is_numeric
        }
        sums = [r for r in self.rules if r.kind == Rule.Kind.SUM]
        self.sum_totals = frozenset(r.params["total"] for r in sums)
        self.sum_members = self.sum_totals | {p for r in sums for p in r.params["parts"]}


@dataclass
class _LAOFacts:
    """What the values of one LAO follow from."""

    lao: LAO
    profile: _Profile
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


def _region(latitude: float, longitude: float) -> str:
    if latitude < 11.5:
        return "south"
    if latitude > 17.3 and longitude < 101.3:
        return "north"
    if longitude >= 101.3 and latitude >= 14.0:
        return "northeast"
    return "central"


def _km_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in km."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371 * math.asin(math.sqrt(h))


def _allocate(rng: random.Random, amount: int, weights: dict[str, float]) -> dict[str, int]:
    """Splits a whole amount into parts in roughly these proportions (each weight ±50%)."""
    drawn = {code: w * rng.uniform(0.5, 1.5) for code, w in weights.items()}
    scale = sum(drawn.values()) or 1.0
    return {code: round(amount * w / scale) for code, w in drawn.items()}


def _base_values(facts: _LAOFacts, rng: random.Random) -> dict:
    """Last year's values of one LAO, every field of every section (dates come later)."""
    lao, p, t = facts.lao, facts.profile, facts.type
    u, ri, odds = rng.uniform, rng.randint, rng.random
    bma = facts.is_bma
    pattaya = t == LAO.Type.SPECIAL and not bma
    rural = p.rural
    urban = 1 - rural

    def by_type(**ranges) -> int:
        """A whole number drawn from the (low, high) range given for this type ("other" else)."""
        key = "bma" if bma else "pattaya" if pattaya else t
        low, high = ranges.get(key, ranges.get("other", (0, 0)))
        return ri(low, high)

    def n(x: float) -> int:
        return max(0, round(x))

    v: dict = {}
    # General information
    centre = PROVINCE_CENTRES.get(lao.district.province_id, (15.0, 101.0))
    here = (float(lao.latitude or centre[0]), float(lao.longitude or centre[1]))
    area = float(lao.area_km2) if lao.area_km2 else u(20, 150)
    v["area_km2"] = round(min(area, 25000.0), 2)
    v["area_rai"] = round(v["area_km2"] * 625, 2)
    subdistrict = lao.office_subdistrict
    if subdistrict is not None:
        khet = lao.district.is_khet
        address = [lao.office_house_no]
        if lao.office_moo:
            address.append(f"หมู่ที่ {lao.office_moo}")
        address += [
            f"{'แขวง' if khet else 'ตำบล'}{subdistrict.name_th}",
            lao.district.display_name,
            lao.district.province.display_name,
        ]
        v["office_address"] = " ".join(part for part in address if part)
    postcodes = subdistrict.postal_codes.split() if subdistrict else []
    postcode = lao.office_postcode or (postcodes[0] if postcodes else "")
    if postcode:
        v["postcode"] = postcode
    v["office_latitude"] = round(here[0], 2)
    v["office_longitude"] = round(here[1], 2)
    to_province = _km_between(here, centre) * u(1.2, 1.4)
    v["distance_to_province_km"] = round(max(to_province, u(0.5, 3)), 1)
    v["distance_to_bangkok_km"] = round(max(_km_between(here, BANGKOK_CENTRE) * u(1.2, 1.35), 1), 1)
    neighbours = facts.neighbours or [lao.district.display_name]
    for side in ("north", "south", "east", "west"):
        v[f"boundary_{side}"] = f"ติดต่อกับ{rng.choice(neighbours)}"
    terrain_odds = {"plain": 4, "lowland": 2, "upland": 2, "mountainous": 1, "mixed": 1}
    if facts.region == "north":
        terrain_odds["mountainous"] = 5
    if facts.region == "northeast":
        terrain_odds["upland"] = 5
    if facts.coastal:
        terrain_odds["coastal"] = 2
    v["terrain"] = rng.choices(list(terrain_odds), weights=list(terrain_odds.values()))[0]
    v["climate"] = f"มี 3 ฤดู คือ ฤดูร้อน ฤดูฝน และฤดูหนาว อุณหภูมิเฉลี่ย {ri(25, 29)} องศาเซลเซียส"
    rain = (1600, 3200) if facts.region == "south" else (1000, 1800)
    v["annual_rainfall_mm"] = round(u(*rain), 1)
    v["soil_type"] = rng.choice(SOILS)
    v["phone"] = f"0 {ri(2, 7)}{ri(100, 999)} {ri(0, 9999):04d}"
    if odds() < 0.6:
        v["fax"] = f"0 {ri(2, 7)}{ri(100, 999)} {ri(0, 9999):04d}"
    if lao.website:
        domain = lao.website.split("://", 1)[-1].removeprefix("www.").rstrip("/")
        v["email"] = f"saraban@{domain}"
        v["website"] = lao.website
    else:
        v["email"] = f"saraban_0{lao.code}@dla.go.th"

    # Population
    people = facts.population
    v["population_total"] = people
    v["population_male"] = round(people * u(0.485, 0.505))
    v["population_female"] = people - v["population_male"]
    young = round(people * u(0.14, 0.20))
    old = round(people * (u(0.13, 0.19) + 0.04 * rural))
    v["population_age_0_14"], v["population_age_60_plus"] = young, old
    v["population_age_15_59"] = people - young - old
    households = round(people / (u(2.6, 3.3) if rural > 0.5 else u(2.3, 2.9)))
    v["households_total"] = households
    v["houses_registered"] = round(households * u(1.0, 1.12))
    v["population_unregistered"] = round(people * u(0, 0.04 + 0.12 * urban))
    v["migrant_workers"] = round(people * u(0, 0.01 + 0.05 * urban))

    # Politics and administration
    villages = by_type(sao=(6, 18), subdistrict=(4, 14))
    communities = by_type(
        subdistrict=(3, 12), town=(10, 35), city=(25, 110), bma=(1950, 2050), pattaya=(35, 45)
    )
    units = {"sao": villages, "subdistrict": villages + communities, "pao": facts.subdistricts * 10}
    units = max(1, units.get(t, communities))
    v["districts_count"] = facts.districts
    v["subdistricts_count"] = max(1, facts.subdistricts)
    v["villages_count"] = villages
    v["communities_count"] = communities
    if t == LAO.Type.PAO:
        council = 24 + 6 * min(4, people // 500000)
    else:
        council = {"sao": max(6, villages), "subdistrict": 12, "town": 18, "city": 24}.get(t)
        council = council or (50 if bma else 24)
    v["electoral_units"] = {"sao": villages, "subdistrict": 2, "town": 3, "city": 4}.get(
        t, 50 if bma else 4 if pattaya else council
    )
    v["executives_total"] = by_type(
        sao=(4, 5),
        subdistrict=(5, 5),
        town=(6, 7),
        city=(8, 9),
        pao=(7, 10),
        bma=(18, 22),
        pattaya=(7, 7),
    )
    v["council_members_female"] = round(council * u(0.05, 0.25))
    v["council_members_male"] = council - v["council_members_female"]
    v["council_members_total"] = council
    v["eligible_voters"] = round(people * u(0.74, 0.8))
    v["voters_voted"] = round(v["eligible_voters"] * u(0.58, 0.82))
    v["council_meetings"] = ri(4, 9)

    # Education
    centres = 0 if t == LAO.Type.PAO else n(people / (3500 if rural > 0.5 else 9000) * u(0.6, 1.4))
    v["child_development_centres"] = centres
    v["cdc_pupils"] = n(centres * u(25, 70))
    v["cdc_caregivers"] = max(centres, n(v["cdc_pupils"] / u(12, 20))) if centres else 0
    v["schools_lao"] = by_type(
        sao=(0, 1) if odds() < 0.15 else (0, 0),
        subdistrict=(0, 1),
        town=(2, 7),
        city=(5, 14),
        pao=(10, 70),
        bma=(430, 440),
        pattaya=(9, 11),
    )
    obec = {"sao": max(1, n(villages * u(0.2, 0.5))), "pao": n(people / 1800 * u(0.8, 1.2))}
    v["schools_obec"] = obec.get(t) or by_type(
        subdistrict=(1, 4), town=(3, 10), city=(5, 20), bma=(100, 130), pattaya=(3, 6)
    )
    v["schools_private"] = (
        n(people / 12000 * u(0.8, 1.2))
        if t == LAO.Type.PAO
        else by_type(
            sao=(0, 1) if odds() < 0.3 else (0, 0),
            subdistrict=(0, 2),
            town=(1, 5),
            city=(5, 20),
            bma=(650, 750),
            pattaya=(15, 25),
        )
    )
    v["schools_other"] = by_type(
        pao=(3, 25), bma=(30, 60), other=(0, 1) if odds() < 0.1 else (0, 0)
    )
    v["schools_total"] = sum(
        v[c] for c in ("schools_lao", "schools_obec", "schools_private", "schools_other")
    )
    v["pupils_lao_schools"] = n(v["schools_lao"] * u(200, 600))
    v["pupils_total"] = v["pupils_lao_schools"] + n(
        (v["schools_total"] - v["schools_lao"]) * u(120, 450)
    )
    v["teachers_total"] = (
        max(v["schools_total"], n(v["pupils_total"] / u(14, 22))) if v["schools_total"] else 0
    )
    v["vocational_institutions"] = by_type(
        subdistrict=(0, 1) if odds() < 0.1 else (0, 0),
        town=(0, 2),
        city=(1, 4),
        pao=(4, 15),
        bma=(80, 120),
        pattaya=(1, 3),
    )
    v["higher_education_institutions"] = by_type(
        town=(0, 1), city=(1, 4), pao=(1, 6), bma=(90, 110), pattaya=(1, 2)
    )
    v["nonformal_learning_centres"] = (
        facts.districts
        if t == LAO.Type.PAO
        else by_type(town=(1, 2), city=(1, 3), bma=(50, 50), other=(1, 1))
    )
    v["libraries"] = (
        max(1, n(villages * u(0.1, 0.5)))
        if t == LAO.Type.SAO
        else by_type(
            subdistrict=(1, 4),
            town=(2, 6),
            city=(4, 15),
            pao=(10, 40),
            bma=(30, 40),
            pattaya=(3, 6),
        )
    )

    # Public health
    hph = (
        n(people / 6000 * u(0.8, 1.2))
        if t == LAO.Type.PAO
        else by_type(
            sao=(1, 2) if odds() < 0.9 else (0, 0),
            subdistrict=(0, 2),
            town=(0, 3),
            city=(1, 6),
            pattaya=(0, 1),
        )
    )
    v["health_promoting_hospitals"] = hph
    v["hph_transferred"] = (
        n(hph * u(0.3, 1.0)) if t == LAO.Type.PAO else (hph if odds() < 0.05 else 0)
    )
    v["hospitals_public"] = (
        facts.districts + ri(0, 3)
        if t == LAO.Type.PAO
        else by_type(
            sao=(0, 1) if odds() < 0.1 else (0, 0),
            subdistrict=(1, 1) if facts.is_seat else (0, 0),
            town=(1, 2),
            city=(2, 5),
            bma=(90, 110),
            pattaya=(1, 2),
        )
    )
    v["hospitals_private"] = (
        n(people / 100000 * u(1, 3))
        if t == LAO.Type.PAO
        else by_type(town=(0, 3), city=(2, 10), bma=(100, 140), pattaya=(3, 6))
    )
    v["hospital_beds"] = n(v["hospitals_public"] * u(30, 250) + v["hospitals_private"] * u(20, 150))
    v["lao_health_centres"] = by_type(
        subdistrict=(0, 1), town=(1, 3), city=(2, 8), bma=(68, 69), pattaya=(2, 4)
    )
    v["clinics"] = n(people / u(1500, 4000))
    v["pharmacies"] = n(people / u(2000, 6000))
    v["village_health_volunteers"] = n(households / u(8, 14))
    v["health_insurance_coverage_pct"] = round(u(97, 100), 2)
    v["local_health_fund"] = odds() < 0.97
    v["dengue_cases"] = n(people * u(0, 0.003))

    # Social welfare
    v["registered_disabled"] = n(people * u(0.015, 0.03))
    v["disability_allowance_recipients"] = n(v["registered_disabled"] * u(0.85, 1.0))
    v["elderly_allowance_recipients"] = n(old * u(0.82, 0.95))
    v["hiv_allowance_recipients"] = n(people * u(0, 0.002))
    v["allowances_paid"] = n(
        v["elderly_allowance_recipients"] * u(7800, 8600)
        + v["disability_allowance_recipients"] * 9600
        + v["hiv_allowance_recipients"] * 6000
    )
    v["dependent_elderly"] = n(old * u(0.01, 0.04))
    v["community_welfare_funds"] = (
        n(facts.subdistricts * u(0.7, 1.0))
        if t == LAO.Type.PAO
        else by_type(town=(1, 2), city=(1, 3), bma=(20, 60), other=(1, 1))
    )
    v["elderly_clubs"] = 1 + n(units * u(0.1, 0.6))
    v["elderly_schools"] = by_type(pao=(5, 40), bma=(20, 50), other=(0, 1))
    v["low_income_households"] = n(households * u(0.04, 0.2) * (0.5 + rural))
    v["welfare_card_holders"] = n(people * u(0.12, 0.22) * (0.6 + 0.5 * rural))

    # Public safety
    v["police_stations"] = (
        facts.districts + ri(0, 5)
        if t == LAO.Type.PAO
        else by_type(
            sao=(0, 1) if odds() < 0.25 else (0, 0),
            subdistrict=(0, 1),
            town=(1, 2),
            city=(1, 5),
            bma=(88, 88),
            pattaya=(2, 2),
        )
    )
    v["police_boxes"] = by_type(city=(10, 40), bma=(500, 700), pattaya=(10, 20), other=(0, 3))
    v["cctv_cameras"] = by_type(
        sao=(5, 80),
        subdistrict=(10, 120),
        town=(50, 400),
        city=(200, 2500),
        pao=(20, 300),
        bma=(55000, 62000),
        pattaya=(1200, 2000),
    )
    v["village_security_volunteers"] = n(villages * u(8, 20))
    v["crime_cases"] = n(people * u(0.002, 0.008))
    v["drug_cases"] = n(people * u(0.001, 0.005))
    v["drug_treatment_patients"] = n(v["drug_cases"] * u(0.3, 1.0))
    v["road_accidents"] = n(people * u(0.001, 0.005))
    v["road_accident_deaths"] = n(v["road_accidents"] * u(0.01, 0.05))

    # Infrastructure
    # Routes (low, high) and km a route (low, high): laterite, asphalt, concrete, earth.
    roads = {
        "sao": ((8, 40), (0.5, 2.5), (1, 8), (1, 5), (10, 50), (0.2, 1.2), (0, 15), (0.3, 1.5)),
        "subdistrict": ((2, 20), (0.5, 2), (3, 15), (0.5, 3), (20, 80), (0.2, 1), (0, 8), (0.3, 1)),
        "town": ((0, 10), (0.3, 1.5), (20, 80), (0.3, 2), (50, 200), (0.1, 0.8), (0, 3), (0.2, 1)),
        "city": ((0, 5), (0.3, 1), (80, 300), (0.3, 2), (150, 600), (0.1, 0.8), (0, 2), (0.2, 1)),
        "pao": ((20, 150), (2, 8), (100, 400), (3, 12), (20, 150), (0.5, 3), (0, 20), (1, 4)),
        "bma": ((0, 0), (0, 0), (3000, 4000), (0.8, 1.5), (5000, 7000), (0.3, 0.8), (0, 0), (0, 0)),
        "pattaya": (
            (0, 2),
            (0.3, 1),
            (80, 150),
            (0.3, 2),
            (100, 300),
            (0.1, 0.8),
            (0, 2),
            (0.2, 1),
        ),
    }["bma" if bma else "pattaya" if pattaya else t]
    for i, surface in enumerate(("laterite", "asphalt", "concrete", "earth")):
        routes = ri(*roads[2 * i])
        v[f"roads_{surface}_routes"] = routes
        v[f"roads_{surface}_km"] = round(routes * u(*roads[2 * i + 1]), 1)
    v["bridges"] = by_type(bma=(1000, 1500), other=(0, 0)) or n(units * u(0.1, 0.6))
    v["bus_terminals"] = by_type(
        town=(1, 1) if facts.is_seat else (0, 0),
        city=(1, 2),
        pao=(0, 2),
        bma=(3, 3),
        pattaya=(1, 2),
    )
    v["railway_stations"] = by_type(bma=(30, 60), other=(1, 2) if odds() < 0.15 else (0, 0))
    v["piers"] = ri(1, 10) if facts.coastal and odds() < 0.5 else 0
    v["households_with_electricity"] = n(households * u(0.97, 1.0))
    v["villages_with_electricity"] = villages - (1 if villages > 1 and odds() < 0.1 else 0)
    v["street_lights"] = n(households * u(0.05, 0.3) * (1 + urban))
    v["mobile_coverage"] = odds() < 0.98
    v["public_internet_points"] = n(units * u(0.3, 1.5))
    v["post_offices"] = (
        facts.districts
        if t == LAO.Type.PAO
        else by_type(
            sao=(0, 1) if odds() < 0.2 else (0, 0),
            subdistrict=(0, 1),
            town=(1, 2),
            city=(2, 6),
            bma=(140, 170),
            pattaya=(2, 4),
        )
    )

    # Water supply
    v["households_piped_water"] = n(households * u(0.6, 0.98))
    v["pwa_service"] = odds() < (0.9 if rural < 0.3 else 0.35)
    v["lao_waterworks"] = (
        n(villages * u(0.3, 1.0))
        if t == LAO.Type.SAO
        else by_type(subdistrict=(0, 5), town=(0, 3), city=(0, 2), pao=(0, 10))
    )
    v["village_water_systems"] = n(villages * u(0.6, 1.4))
    v["deep_wells"] = n(u(2, 40) * rural)
    v["hand_pump_wells"] = n(u(0, 60) * rural)
    v["shallow_wells"] = n(u(5, 200) * rural)
    v["weirs"] = n(u(0, 25) * rural)
    v["ponds"] = n(u(3, 60) * rural + u(0, 3))
    v["reservoirs"] = ri(0, 3)
    v["irrigation_canals"] = n(u(0, 30) * rural)

    # Economy
    if rural >= 0.5:
        work = {"agriculture": 80, "wage_labour": 10, "commerce": 5, "fishery": 1}
    else:
        work = {"commerce": 35, "services_tourism": 20, "wage_labour": 25, "industry": 10}
        work["government"] = 10
    if facts.coastal:
        work["fishery"] = work.get("fishery", 0) + 10
    v["main_occupation"] = rng.choices(list(work), weights=list(work.values()))[0]
    v["farming_households"] = n(households * rural * u(0.6, 0.95))
    v["agricultural_area_rai"] = round(v["area_rai"] * rural * u(0.45, 0.85), 2)
    v["rice_area_rai"] = round(v["agricultural_area_rai"] * u(0.15, 0.7), 2)
    v["irrigated_area_rai"] = round(v["area_rai"] * rural * u(0.05, 0.3), 2)
    v["major_crops"] = " ".join(rng.sample(CROPS, 3))
    v["livestock_households"] = n(v["farming_households"] * u(0.2, 0.6))
    v["major_livestock"] = " ".join(rng.sample(LIVESTOCK, 3))
    v["fishery_households"] = n(households * rural * u(0.005, 0.08) * (3 if facts.coastal else 1))
    v["fresh_markets"] = by_type(
        sao=(0, 1),
        subdistrict=(0, 2),
        town=(1, 4),
        city=(3, 12),
        pao=(0, 3),
        bma=(12, 12),
        pattaya=(3, 6),
    )
    v["weekly_markets"] = ri(0, 4) + n(urban * 4)
    v["shops"] = n(people / u(30, 90))
    v["petrol_stations"] = n(people / u(1500, 4000))
    v["bank_branches"] = n(people / u(6000, 15000) * (1.5 - rural))
    v["factories"] = n(people * u(0.0005, 0.003) * (1.5 - rural))
    v["rice_mills"] = n(people / 10000 * u(0.5, 1.5)) if t == LAO.Type.PAO else n(u(0, 15) * rural)
    v["hotels_resorts"] = ri(1200, 1800) if pattaya else n(people / u(1000, 5000) * (1.6 - rural))
    v["tourist_sites"] = by_type(
        city=(5, 30), pao=(20, 150), bma=(250, 400), pattaya=(20, 40), other=(0, 5)
    )
    v["tourists_per_year"] = (
        ri(20000000, 25000000)
        if bma
        else ri(8000000, 10000000)
        if pattaya
        else n(v["tourist_sites"] * u(2000, 60000))
    )
    v["labour_force"] = n(people * u(0.55, 0.64))
    v["income_per_person"] = n(u(450000, 600000)) if bma else n(u(45000, 90000) * (1 + 1.5 * urban))

    # Sufficiency economy
    base = facts.subdistricts * u(1, 4) if t == LAO.Type.PAO else units
    v["community_enterprises"] = n(base * u(0.3, 1.5))
    v["savings_groups"] = n(base * u(0.4, 1.2))
    v["occupation_groups"] = n(base * u(0.5, 2.0))
    v["otop_products"] = by_type(pao=(100, 700), bma=(400, 900), other=(2, 25))
    v["village_funds"] = villages + communities
    v["cooperatives"] = by_type(pao=(30, 150), bma=(300, 500), other=(0, 4))
    v["sufficiency_villages"] = n(villages * u(0.1, 0.5))
    v["sufficiency_learning_centres"] = ri(0, 4)

    # Religion and culture
    buddhist = max(0.0, 1 - facts.muslim - facts.christian)
    if bma:
        temples = ri(430, 460)
    elif t == LAO.Type.PAO:
        temples = n(people / 1000 * u(0.8, 1.3) * buddhist)
    elif t in (LAO.Type.SAO, LAO.Type.SUBDISTRICT):
        temples = n(villages * u(0.5, 1.2) * buddhist) + ri(0, 1)
    else:
        temples = n(people / u(2000, 5000) * buddhist)
    v["temples"] = temples
    v["monastic_residences"] = n(temples * u(0, 0.3))
    v["mosques"] = n(units * u(0.5, 1.3) * facts.muslim)
    v["churches"] = n(units * u(0.0, 5.0) * facts.christian)
    v["shrines"] = ri(0, 3) + n(urban * 5)
    muslims = round(min(100.0, facts.muslim * 100 * u(0.8, 1.2)), 2)
    christians = round(min(100.0 - muslims, facts.christian * 100 * u(0.8, 1.2)), 2)
    v["muslims_pct"], v["christians_pct"] = muslims, christians
    v["buddhists_pct"] = round(max(0.0, 100 - muslims - christians - u(0, 0.5)), 2)
    festivals = [*rng.sample(COMMON_FESTIVALS, 2), rng.choice(FESTIVALS[facts.region])]
    v["festivals"] = " ".join(festivals)
    v["local_wisdom"] = " ".join(rng.sample(LOCAL_WISDOM, 2))
    v["local_wisdom_holders"] = ri(2, 40)
    language = LOCAL_LANGUAGES[facts.region]
    v["local_language"] = "ภาษามลายูถิ่น" if facts.muslim > 0.6 else language
    v["local_products"] = " ".join(rng.sample(LOCAL_PRODUCTS, 2))
    v["historic_sites"] = ri(0, 5)
    v["museums"] = by_type(pao=(1, 3), bma=(40, 60), other=(0, 1) if odds() < 0.1 else (0, 0))

    # Natural resources and environment
    forest = u(0.15, 0.6) if v["terrain"] == "mountainous" else u(0.0, 0.3)
    v["forest_area_rai"] = round(v["area_rai"] * forest * (0.3 + rural), 2)
    v["community_forests"] = n(u(0, 5) * rural)
    v["rivers"] = ri(1, 2) if bma else ri(0, 3)
    v["streams_canals"] = ri(1100, 1200) if bma else ri(2, 30)
    v["swamps"] = ri(1, 20)
    v["natural_resources"] = " ".join(rng.sample(RESOURCES, 2))
    waste = round(people * u(0.8, 1.4) / 1000 * (1.3 - 0.5 * rural), 2)
    v["waste_tonnes_per_day"] = waste
    v["waste_collected_tonnes_per_day"] = round(
        waste * (u(0.3, 0.7) if rural > 0.5 else u(0.85, 1.0)), 2
    )
    methods = {
        "city": ("sanitary_landfill", "incineration"),
        "town": ("sanitary_landfill", "other_lao"),
        "pao": ("sanitary_landfill", "other_lao"),
        "special": ("sanitary_landfill", "incineration"),
    }.get(t, ("other_lao", "other_lao", "open_dumping", "sorting_recycling", "no_service"))
    v["waste_disposal_method"] = rng.choice(methods)
    v["waste_collection_vehicles"] = n(v["waste_collected_tonnes_per_day"] / u(3, 8))
    v["waste_sorting_communities"] = n(units * u(0.1, 0.8))
    treats = {"city": 1.0, "town": 0.6, "subdistrict": 0.15, "sao": 0.03, "pao": 0.1}
    v["wastewater_treatment"] = odds() < treats.get(t, 1.0)
    v["wastewater_capacity_m3_day"] = (
        round(people * u(0.1, 0.25), 2) if v["wastewater_treatment"] else 0.0
    )
    v["public_parks"] = by_type(city=(5, 20), bma=(30, 60), pattaya=(5, 10), other=(0, 3))

    # Finance: revenue (whole baht; the totals are the sums of their parts)
    revenue = people * p.revenue_per_person * u(0.8, 1.25)
    own_share = {"sao": (0.04, 0.1), "subdistrict": (0.06, 0.12), "town": (0.1, 0.2)}.get(
        t, (0.15, 0.3)
    )
    own = revenue * u(*own_share)
    shared = revenue * u(0.35, 0.5)
    specific = revenue * u(0.05, 0.15)
    own_parts = {
        "revenue_local_taxes": 0.45,
        "revenue_fees_fines_licences": 0.15,
        "revenue_property_income": 0.15,
        "revenue_utilities_commerce": 0.05,
        "revenue_miscellaneous": 0.15,
        "revenue_capital": 0.05 if odds() < 0.2 else 0.0,
    }
    v.update(_allocate(rng, round(own), own_parts))
    shared_parts = {
        "revenue_shared_vat": 0.45,
        "revenue_shared_specific_business_tax": 0.08,
        "revenue_shared_excise": 0.25,
        "revenue_shared_land_registration": 0.12,
        "revenue_shared_royalties": 0.03,
        "revenue_shared_other": 0.07,
    }
    v.update(_allocate(rng, round(shared), shared_parts))
    v["revenue_own_total"] = sum(v[c] for c in own_parts)
    v["revenue_shared_total"] = sum(v[c] for c in shared_parts)
    v["revenue_specific_grants"] = round(specific)
    v["revenue_general_grants"] = max(0, round(revenue - own - shared - specific))
    v["revenue_total"] = (
        v["revenue_own_total"]
        + v["revenue_shared_total"]
        + v["revenue_general_grants"]
        + v["revenue_specific_grants"]
    )

    # Finance: expenditure
    total = v["revenue_total"]
    if t == LAO.Type.PAO:
        v["lao_size_class"] = "large" if total > 1_000_000_000 else "medium"
    else:
        v["lao_size_class"] = (
            "small" if total < 40_000_000 else "medium" if total < 300_000_000 else "large"
        )
    v["budget_approved"] = round(total * u(0.92, 1.05))
    spent = round(total * u(0.82, 0.97))
    spending = {
        "expenditure_central_fund": 0.28,
        "expenditure_personnel": u(0.28, 0.38),
        "expenditure_operations": 0.2,
        "expenditure_investment": 0.15,
        "expenditure_subsidies": 0.05,
        "expenditure_other": 0.005,
    }
    v.update(_allocate(rng, spent, spending))
    v["expenditure_total"] = sum(v[c] for c in spending)
    v["expenditure_from_reserves"] = round(spent * u(0, 0.1)) if odds() < 0.5 else 0
    v["accumulated_reserves"] = round(total * u(0.15, 0.9))
    v["reserve_fund"] = round(total * u(0.05, 0.3))
    v["outstanding_loans"] = round(total * u(0.02, 0.2)) if odds() < 0.2 else 0

    # Personnel
    office = p.office * u(0.8, 1.25)
    v["civil_servants_executive"] = max(1, n(u(1, 2) * office**0.5))
    v["civil_servants_managerial"] = max(1, n(u(2.5, 4.5) * office**0.6))
    v["civil_servants_academic"] = n(u(4, 9) * office**0.8)
    v["civil_servants_general"] = n(u(3, 7) * office**0.8)
    v["civil_servants_total"] = sum(
        v[f"civil_servants_{track}"] for track in ("executive", "managerial", "academic", "general")
    )
    v["civil_servant_positions"] = round(v["civil_servants_total"] * u(1.0, 1.25))
    v["teachers_education_staff"] = n(
        v["schools_lao"] * u(15, 35) + v["cdc_caregivers"] * u(0.3, 0.7)
    )
    v["permanent_employees"] = n(u(0, 3) * office**0.8)
    v["mission_contract_staff"] = n(u(8, 20) * office**0.85)
    v["general_contract_staff"] = n(u(5, 15) * office**0.85)
    v["contract_staff_positions"] = round(
        (v["mission_contract_staff"] + v["general_contract_staff"]) * u(1.0, 1.2)
    )
    v["staff_total"] = sum(
        v[c]
        for c in (
            "civil_servants_total",
            "teachers_education_staff",
            "permanent_employees",
            "mission_contract_staff",
            "general_contract_staff",
        )
    )

    # Disaster prevention
    v["fire_trucks"] = by_type(
        sao=(1, 2),
        subdistrict=(1, 3),
        town=(2, 6),
        city=(5, 15),
        pao=(0, 4),
        bma=(350, 450),
        pattaya=(15, 25),
    )
    v["water_trucks"] = by_type(
        sao=(1, 2),
        subdistrict=(1, 3),
        town=(2, 5),
        city=(3, 10),
        pao=(1, 6),
        bma=(100, 200),
        pattaya=(5, 10),
    )
    v["rescue_vehicles"] = by_type(
        sao=(0, 1),
        subdistrict=(0, 2),
        town=(1, 3),
        city=(3, 10),
        pao=(1, 10),
        bma=(150, 250),
        pattaya=(5, 10),
    )
    v["ambulances"] = (
        by_type(
            sao=(1, 2),
            subdistrict=(1, 2),
            town=(1, 4),
            city=(3, 8),
            pao=(1, 6),
            bma=(80, 120),
            pattaya=(4, 8),
        )
        if odds() < 0.85
        else 0
    )
    v["flat_bottom_boats"] = by_type(pao=(5, 30), bma=(20, 50), other=(0, 3))
    v["water_pumps"] = by_type(pao=(10, 60), bma=(500, 900), other=(1, 10))
    v["fire_stations"] = by_type(
        sao=(0, 1),
        subdistrict=(0, 1),
        town=(1, 2),
        city=(2, 6),
        pao=(0, 2),
        bma=(50, 60),
        pattaya=(3, 5),
    )
    v["fire_hydrants"] = by_type(
        sao=(0, 10),
        subdistrict=(0, 30),
        town=(30, 200),
        city=(150, 1200),
        bma=(15000, 25000),
        pattaya=(300, 600),
    )
    v["firefighters"] = n(v["fire_trucks"] * u(4, 8) + v["rescue_vehicles"] * u(1, 3))
    v["civil_defence_volunteers"] = n(people * u(0.008, 0.02))
    v["ems_unit"] = v["ambulances"] > 0 or odds() < 0.3
    v["emergency_medical_staff"] = (
        max(1, n(v["ambulances"] * u(4, 10))) if v["ambulances"] else ri(0, 4)
    )
    places = sorted(rng.sample(range(1, max(villages, 6) + 1), 2))
    v["disaster_prone_areas"] = (
        f"{rng.choice(HAZARDS)} หมู่ที่ {places[0]} และหมู่ที่ {places[1]}"
        if villages
        else f"{rng.choice(HAZARDS)} ในเขตชุมชนริมน้ำ"
    )
    v["flood_prone_places"] = n(units * u(0, 0.5))
    v["disaster_events"] = ri(0, 8)
    v["disaster_affected_households"] = min(households, n(v["disaster_events"] * u(0, 150)))

    for code in NOT_APPLICABLE_CANDIDATES:
        if v.get(code) == 0 and odds() < NOT_APPLICABLE_ODDS:
            v[code] = NOT_APPLICABLE
    return v


def _drifted(values: dict, plan: _SchemaPlan, rng: random.Random) -> dict:
    """This year's values: last year's moved by a few per cent (growth times noise)."""
    growth = rng.uniform(*GROWTH)
    drifted = dict(values)
    for code, value in values.items():
        if code in STABLE_FIELDS or isinstance(value, bool) or value == NOT_APPLICABLE:
            continue
        if code in PERCENT_FIELDS:
            drifted[code] = round(value + rng.uniform(-0.5, 0.5), 2)
        elif code in plan.integers:
            noise = REGISTER_NOISE if code.startswith("population_") else NOISE
            moved = round(value * growth * rng.uniform(*noise))
            drifted[code] = max(1, moved) if value > 0 else 0  # nothing appears or vanishes
        elif code in plan.decimals:
            drifted[code] = round(value * growth * rng.uniform(*NOISE), 2)
    return drifted


def _dated(values: dict, lao_type: str, fiscal_year: int, rng: random.Random, today) -> None:
    """The dates of a fiscal year: the population count and budget before it starts, and the
    last election held by its end (or by today)."""
    start = datetime.date(fiscal_year - BE_OFFSET - 1, 10, 1)
    values["population_as_of"] = (start - datetime.timedelta(days=1)).isoformat()
    passed = start - datetime.timedelta(days=rng.randint(3, 48))
    values["budget_ordinance_date"] = passed.isoformat()
    until = min(today, datetime.date(fiscal_year - BE_OFFSET, 9, 30)).isoformat()
    elections = ELECTION_DATES[lao_type]
    values["last_election_date"] = max((d for d in elections if d <= until), default=elections[0])


def _rescale(parts: list[int], total: int) -> list[int]:
    """Whole parts in the same proportions that add up exactly to the total."""
    current = sum(parts)
    if current == total:
        return parts
    if current == 0:
        return [total] + [0] * (len(parts) - 1)
    scaled = [part * total // current for part in parts]
    remainders = sorted(range(len(parts)), key=lambda i: -(parts[i] * total % current))
    for i in remainders[: total - sum(scaled)]:
        scaled[i] += 1
    return scaled


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _consistent(values: dict, plan: _SchemaPlan) -> dict:
    """Makes the values keep the schema's rules: totals are the sums of their parts (a second
    rule on the same total rescales its parts), a value above its limit comes down to it (a
    sum's total raises its limit instead), and a positive value gets what it needs."""
    for code, (low, high) in plan.bounds.items():
        value = values.get(code)
        if _is_number(value):
            if low is not None and value < low:
                values[code] = type(value)(low)
            elif high is not None and value > high:
                values[code] = type(value)(high)
    for _pass in range(4):  # a later rule can move an earlier rule's field; settle in a few
        before = dict(values)
        totals_set: set[str] = set()
        for rule in plan.rules:
            params = rule.params
            if rule.kind == Rule.Kind.SUM:
                parts, total = params["parts"], params["total"]
                numbers = [values.get(code) for code in parts]
                if not all(_is_number(x) for x in numbers) or not _is_number(values.get(total)):
                    continue
                if total in totals_set:
                    for code, part in zip(parts, _rescale(numbers, values[total]), strict=True):
                        values[code] = part
                else:
                    values[total] = sum(numbers)
                totals_set.update([total, *parts])
            elif rule.kind == Rule.Kind.NOT_GREATER:
                name, limit = params["field"], params["limit_field"]
                value, bound = values.get(name), values.get(limit)
                if _is_number(value) and _is_number(bound) and value > bound:
                    if name in plan.sum_totals:
                        values[limit] = value
                    else:
                        values[name] = bound
            elif rule.kind == Rule.Kind.REQUIRES_POSITIVE:
                needing, needed = params["if_positive"], params["then_positive"]
                if (
                    _is_number(values.get(needing))
                    and values[needing] > 0
                    and _is_number(values.get(needed))
                    and values[needed] <= 0
                ):
                    if needed not in plan.sum_members:
                        values[needed] = 1
                    else:
                        values[needing] = 0
        if values == before:
            break
    if "expenditure_personnel" in values and values.get("expenditure_total"):
        share = 100 * values["expenditure_personnel"] / values["expenditure_total"]
        values["personnel_cost_pct"] = round(share, 2)
    return values


def _stored(value, code: str, plan: _SchemaPlan):
    """A generated value as records.services stores it."""
    if isinstance(value, bool) or value == NOT_APPLICABLE:
        return value
    if code in plan.integers:
        return str(int(value))
    if code in plan.decimals:
        text = f"{value:.2f}".rstrip("0").rstrip(".")
        return text if text != "-0" else "0"
    return value


def _progress(rng: random.Random, *, previous_year: bool, fill: float, demo_clerk: bool) -> float:
    """The share of required fields a LAO has filled in a year's record.

    Last year: nearly everyone done. This year: with the mix (fill², 2·fill·(1-fill) in
    progress, (1-fill)² untouched) and the ones in progress halfway on average, the expected
    share is exactly fill, and every state shows on the dashboards.
    """
    if fill <= 0:
        return 0.0
    if previous_year:
        done = PREVIOUS_YEAR_COMPLETE + (1 - PREVIOUS_YEAR_COMPLETE) * fill
        return 1.0 if rng.random() < done else rng.uniform(*PREVIOUS_YEAR_PARTIAL)
    if demo_clerk and fill < 1:
        return DEMO_CLERK_PROGRESS
    draw = rng.random()
    if draw < fill * fill:
        return 1.0
    if draw < fill * fill + 2 * fill * (1 - fill):
        return rng.uniform(0.1, 0.9)
    return 0.0


def _entries(
    values: dict,
    sections: list[_SectionPlan],
    progress: float,
    rng: random.Random,
    plan: _SchemaPlan,
) -> list[tuple[_SectionPlan, dict]]:
    """The stored values of each section for a record filled to ``progress``.

    Clerks go through the sections roughly in order: the first ones complete, one part-filled,
    the rest untouched. A complete section has every required field and most optional ones.
    """
    budget = round(progress * sum(len(s.required) for s in sections))
    order = sorted(range(len(sections)), key=lambda i: i + rng.uniform(0, 4))
    chosen: dict[int, dict] = {}
    for index in order:
        section = sections[index]
        if budget <= 0:
            break
        complete = budget >= len(section.required)
        required = section.required if complete else rng.sample(section.required, budget)
        budget -= len(required)
        odds = OPTIONAL_ODDS[complete]
        codes = set(required) | {c for c in section.optional if rng.random() < odds}
        chosen[index] = {
            f.code: _stored(values[f.code], f.code, plan)
            for f in section.fields
            if f.code in codes and f.code in values
        }
    return [(section, chosen.get(i, {})) for i, section in enumerate(sections)]


def _lao_facts(
    laos: list[LAO], clerks: dict[int, int], *, province_codes: Sequence[str] | None, seed: int
) -> list[_LAOFacts]:
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
            _LAOFacts(
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


@transaction.atomic
def sample_records_seed(
    *,
    province_codes: Sequence[str] | None,
    lao_codes: Iterable[str] | None = None,
    seed: int,
    fill: float = DEFAULT_FILL,
    today: datetime.date | None = None,
) -> RecordsSeedResult:
    """Sample records of the current and the previous fiscal year for the seeded LAOs.

    ``fill`` is the share of required fields filled in the current year (see ``_progress``);
    0 makes no records at all, so that a later run with a fill can still make them. Values are
    drawn per LAO from ``seed``, so a re-run draws the same ones; a LAO that already has a record
    for a year keeps it untouched. Written with bulk_create and no ValueChange rows: seeded
    values have no history. Each entry stores the counts records.services computes for it, and
    a saved entry names the LAO's demo clerk (when there is one) as who saved it.
    """
    started = time.monotonic()
    now = timezone.now()
    today = today or timezone.localdate()
    current = fiscal_year_of(today)
    years = (current - 1, current)
    result = RecordsSeedResult(fiscal_years=years)
    if fill <= 0:
        return result
    plan = _SchemaPlan(current_schema())

    laos = LAO.objects.select_related("district__province", "office_subdistrict").order_by("code")
    if province_codes is not None:
        laos = laos.filter(district__province_id__in=province_codes)
    laos = list(laos)
    if lao_codes is not None:  # only the seed's own LAOs, not others imported into the provinces
        wanted_codes = set(lao_codes)
        laos = [lao for lao in laos if lao.code in wanted_codes]
    existing = Record.objects.filter(fiscal_year__in=years)
    if province_codes is not None:
        existing = existing.filter(lao__district__province_id__in=province_codes)
    have = set(existing.values_list("lao_id", "fiscal_year"))
    clerks = _demo_clerks()
    demo_clerk_laos = set(clerks)
    all_facts = _lao_facts(laos, clerks, province_codes=province_codes, seed=seed)

    for start in range(0, len(all_facts), RECORD_BATCH):
        records: list[Record] = []
        entries: list[list[SectionEntry]] = []
        for facts in all_facts[start : start + RECORD_BATCH]:
            lao = facts.lao
            wanted = [year for year in years if (lao.pk, year) not in have]
            result.skipped.update(year for year in years if (lao.pk, year) in have)
            if not wanted:
                continue
            rng = random.Random(f"{seed}:{lao.code}:values")
            last_year = _base_values(facts, rng)
            codes = plan.codes_by_type[lao.type]
            sections = plan.by_type[lao.type]
            for year in wanted:
                is_previous = year == years[0]
                which = "previous" if is_previous else "current"
                year_rng = random.Random(f"{seed}:{lao.code}:{which}")
                drawn = last_year if is_previous else _drifted(last_year, plan, year_rng)
                values = {c: x for c, x in drawn.items() if c in codes}
                _dated(values, lao.type, year, year_rng, today)
                _consistent(values, plan)
                progress = _progress(
                    year_rng,
                    previous_year=is_previous,
                    fill=fill,
                    demo_clerk=lao.pk in demo_clerk_laos,
                )
                record, record_entries = _record(
                    facts,
                    year,
                    values,
                    sections,
                    progress,
                    year_rng,
                    plan,
                    now=now,
                    previous_year=is_previous,
                )
                records.append(record)
                entries.append(record_entries)
                result.created[year] += 1
                result.required[year] += record.required_count
                result.filled[year] += record.filled_count
        if not records:
            continue
        Record.objects.bulk_create(records)
        _fill_in_pks(records)
        for record, record_entries in zip(records, entries, strict=True):
            for entry in record_entries:
                entry.record_id = record.pk
        flat = [entry for record_entries in entries for entry in record_entries]
        SectionEntry.objects.bulk_create(flat, batch_size=ENTRY_BATCH)
        result.entries += len(flat)
    result.seconds = time.monotonic() - started
    return result


def _demo_clerks() -> dict[int, int]:
    """LAO id -> id of its demo clerk (the demo users of DESIGN.md §4, when they exist)."""
    clerks = get_user_model().objects.filter(
        username__in=[user[0] for user in DEMO_USERS], role=Role.CLERK, lao__isnull=False
    )
    return dict(clerks.values_list("lao_id", "pk"))


def _record(
    facts: _LAOFacts,
    fiscal_year: int,
    values: dict,
    sections: list[_SectionPlan],
    progress: float,
    rng: random.Random,
    plan: _SchemaPlan,
    *,
    now: datetime.datetime,
    previous_year: bool,
) -> tuple[Record, list[SectionEntry]]:
    """An unsaved record and its entries, with the counts records.services would store."""
    # Last year's record was filled in at the start of last year, this year's in the last weeks.
    end = now - datetime.timedelta(days=365 if previous_year else 0)
    clerk = facts.clerk_id
    entries = []
    for section, stored in _entries(values, sections, progress, rng, plan):
        required, filled = completeness(section.fields, stored)
        saved_at = None
        if stored:
            saved_at = end - datetime.timedelta(seconds=rng.uniform(0, ACTIVITY_DAYS * 86400))
        entries.append(
            SectionEntry(
                section_id=section.section.pk,
                values=stored,
                version=1 if stored else 0,
                required_count=required,
                filled_count=filled,
                rules_pass=not failing_rules(section.rules, stored),
                flags=[],
                updated_at=saved_at,
                updated_by_id=clerk if stored else None,
            )
        )
    last = max((e.updated_at for e in entries if e.updated_at), default=None)
    record = Record(
        lao_id=facts.lao.pk,
        fiscal_year=fiscal_year,
        schema_id=plan.schema.pk,
        required_count=sum(e.required_count for e in entries),
        filled_count=sum(e.filled_count for e in entries),
        updated_at=last,
        updated_by_id=clerk if last else None,
    )
    return record, entries


def _fill_in_pks(records: list[Record]) -> None:
    """Ids for records bulk_create saved on a database that does not return them."""
    if all(record.pk for record in records):
        return
    keys = {(r.lao_id, r.fiscal_year) for r in records}
    found = Record.objects.filter(
        lao_id__in={lao for lao, _year in keys}, fiscal_year__in={year for _lao, year in keys}
    ).values_list("lao_id", "fiscal_year", "pk")
    ids = {(lao, year): pk for lao, year, pk in found}
    for record in records:
        record.pk = ids[record.lao_id, record.fiscal_year]
