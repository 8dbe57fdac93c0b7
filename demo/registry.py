"""The demo LAO registry: realistic LAOs on the real geography, planned then upserted.

The registry follows how Thai local government is actually laid out: one PAO a province (none in
Bangkok), a municipality at every district seat (city municipalities in the big towns, town
municipalities in the other provincial capitals and some large seats), further subdistrict
municipalities, and an SAO for every subdistrict no municipality covers whole. Everything is
drawn from ``random.Random`` seeded per district, so a given seed always gives the same LAOs
with the same DLA codes, whichever provinces are seeded together.

Of the demo data, only this and the sample records may run in production: ``seed_demo
--no-users`` allows them with DEBUG off (sample records unless ``--fill 0``).
"""

import random
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import count

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from demo import DemoSeedError
from records.models import LAO, District, Province, Subdistrict

CHANGE_REASON = "seed_demo"

BANGKOK = "10"
BMA_DISTRICT = "1001"  # เขตพระนคร, where Bangkok's city hall stands
BMA_OFFICE_SUBDISTRICT = "เสาชิงช้า"
CHON_BURI = "20"
PATTAYA_DISTRICT = "บางละมุง"  # looked up by name: the code is the DB's, not ours
PATTAYA_SUBDISTRICTS = ("หนองปรือ", "นาเกลือ")
PATTAYA_OFFICE_SUBDISTRICT = "หนองปรือ"

# The first digit of a DLA code says what kind of LAO it is.
TYPE_DIGITS = {
    LAO.Type.SPECIAL: "1",
    LAO.Type.PAO: "2",
    LAO.Type.CITY: "3",
    LAO.Type.TOWN: "4",
    LAO.Type.SUBDISTRICT: "5",
    LAO.Type.SAO: "6",
}
TYPE_ORDER = list(TYPE_DIGITS)

# The real city municipalities (เทศบาลนคร), by the subdistrict their office stands in. Most are at
# a capital's seat; Hat Yai, Pak Kret, Ko Samui, Mae Sot and Rangsit at other district seats;
# Om Noi, Laem Chabang and Chao Phraya Surasak in other subdistricts.
CITY_MUNICIPALITIES: dict[str, tuple[str, str]] = {
    "110101": ("สมุทรปราการ", "Samut Prakan"),
    "120101": ("นนทบุรี", "Nonthaburi"),
    "120601": ("ปากเกร็ด", "Pak Kret"),
    "130301": ("รังสิต", "Rangsit"),
    "140101": ("พระนครศรีอยุธยา", "Phra Nakhon Si Ayutthaya"),
    "200702": ("เจ้าพระยาสุรศักดิ์", "Chao Phraya Surasak"),
    "200703": ("แหลมฉบัง", "Laem Chabang"),
    "210101": ("ระยอง", "Rayong"),
    "300101": ("นครราชสีมา", "Nakhon Ratchasima"),
    "340101": ("อุบลราชธานี", "Ubon Ratchathani"),
    "400101": ("ขอนแก่น", "Khon Kaen"),
    "410101": ("อุดรธานี", "Udon Thani"),
    "470101": ("สกลนคร", "Sakon Nakhon"),
    "500101": ("เชียงใหม่", "Chiang Mai"),
    "520101": ("ลำปาง", "Lampang"),
    "570101": ("เชียงราย", "Chiang Rai"),
    "600101": ("นครสวรรค์", "Nakhon Sawan"),
    "630601": ("แม่สอด", "Mae Sot"),
    "650101": ("พิษณุโลก", "Phitsanulok"),
    "730101": ("นครปฐม", "Nakhon Pathom"),
    "740101": ("สมุทรสาคร", "Samut Sakhon"),
    "740202": ("อ้อมน้อย", "Om Noi"),
    "800101": ("นครศรีธรรมราช", "Nakhon Si Thammarat"),
    "830101": ("ภูเก็ต", "Phuket"),
    "840101": ("สุราษฎร์ธานี", "Surat Thani"),
    "840401": ("เกาะสมุย", "Ko Samui"),
    "900101": ("สงขลา", "Songkhla"),
    "901101": ("หาดใหญ่", "Hat Yai"),
    "920101": ("ตรัง", "Trang"),
    "950101": ("ยะลา", "Yala"),
}

# Where each provincial town stands (latitude, longitude), so that LAOs land in the right part
# of the country on a map; districts are scattered around it.
PROVINCE_CENTRES: dict[str, tuple[float, float]] = {
    "10": (13.756, 100.502), "11": (13.599, 100.600), "12": (13.862, 100.514),
    "13": (14.021, 100.525), "14": (14.353, 100.569), "15": (14.590, 100.455),
    "16": (14.800, 100.653), "17": (14.894, 100.397), "18": (15.185, 100.125),
    "19": (14.529, 100.910), "20": (13.361, 100.985), "21": (12.681, 101.282),
    "22": (12.611, 102.104), "23": (12.243, 102.518), "24": (13.690, 101.078),
    "25": (14.051, 101.372), "26": (14.207, 101.213), "27": (13.824, 102.065),
    "30": (14.980, 102.098), "31": (14.993, 103.103), "32": (14.882, 103.494),
    "33": (15.119, 104.322), "34": (15.229, 104.856), "35": (15.792, 104.145),
    "36": (15.807, 102.032), "37": (15.866, 104.626), "38": (18.361, 103.647),
    "39": (17.222, 102.426), "40": (16.432, 102.824), "41": (17.414, 102.787),
    "42": (17.486, 101.722), "43": (17.878, 102.741), "44": (16.185, 103.303),
    "45": (16.054, 103.652), "46": (16.432, 103.506), "47": (17.155, 104.135),
    "48": (17.392, 104.770), "49": (16.545, 104.724), "50": (18.788, 98.985),
    "51": (18.575, 99.009), "52": (18.289, 99.491), "53": (17.620, 100.099),
    "54": (18.145, 100.140), "55": (18.776, 100.773), "56": (19.166, 99.902),
    "57": (19.911, 99.841), "58": (19.302, 97.965), "60": (15.705, 100.137),
    "61": (15.384, 100.025), "62": (16.483, 99.523), "63": (16.884, 99.126),
    "64": (17.008, 99.823), "65": (16.821, 100.266), "66": (16.443, 100.349),
    "67": (16.419, 101.159), "70": (13.528, 99.813), "71": (14.023, 99.533),
    "72": (14.475, 100.118), "73": (13.820, 100.062), "74": (13.548, 100.274),
    "75": (13.410, 100.002), "76": (13.112, 99.940), "77": (11.812, 99.797),
    "80": (8.430, 99.963), "81": (8.086, 98.906), "82": (8.451, 98.526),
    "83": (7.880, 98.392), "84": (9.138, 99.322), "85": (9.953, 98.609),
    "86": (10.493, 99.180), "90": (7.190, 100.595), "91": (6.624, 100.067),
    "92": (7.556, 99.611), "93": (7.617, 100.074), "94": (6.870, 101.250),
    "95": (6.541, 101.280), "96": (6.426, 101.825),
}  # fmt: skip
THAILAND_LATITUDE = (5.65, 20.45)
THAILAND_LONGITUDE = (97.35, 105.63)

# Odds tuned so that the whole country comes out near the real totals (DLA, 2566): about 30
# city, 195 town and 2,250 subdistrict municipalities, 5,300 SAOs and 76 PAOs.
TOWN_ODDS_PER_SUBDISTRICT = 0.024  # a non-capital seat is a town more often in a big district
TOWN_ODDS_MAX = 0.45
SUBDISTRICT_MUNICIPALITY_ODDS = 0.24  # for a subdistrict that is not the district seat
# A seat municipality (an old sanitary district) usually covers only the town centre, and an SAO
# the rest of the subdistrict; a later, upgraded SAO usually covers all of it.
SAO_ALONGSIDE_ODDS = {
    LAO.Type.CITY: 0.0,
    LAO.Type.TOWN: 0.3,
    "seat": 0.5,
    LAO.Type.SUBDISTRICT: 0.1,
}
WEBSITE_ODDS = 0.7  # of SAOs and subdistrict municipalities; larger LAOs always have one
AREA_KM2 = {
    LAO.Type.SAO: (30, 200),
    LAO.Type.SUBDISTRICT: (2, 40),
    LAO.Type.TOWN: (5, 60),
    LAO.Type.CITY: (20, 300),
}

QUERY_CHUNK = 500  # below SQLite's 999 bound parameters


@dataclass
class PlannedLAO:
    """One LAO as the demo registry wants it: the fields seed_demo owns (a re-run compares
    exactly these) and the subdistricts it covers."""

    code: str
    fields: dict
    subdistrict_ids: list[str]

    @property
    def type(self) -> str:
        return self.fields["type"]


@dataclass
class RegistrySeedResult:
    province_codes: list[str]
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    links_added: int = 0
    links_removed: int = 0
    # LAOs in the seeded provinces that this seed does not plan (another seed, an import).
    others_left: int = 0
    # The DLA codes of the LAOs this seed plans (and now holds).
    lao_codes: list[str] = field(default_factory=list)

    @property
    def total(self) -> Counter:
        return self.created + self.updated + self.unchanged


def _romanise(name_en: str) -> str:
    """ "Nong Prue" -> "nongprue": how Thai LAOs spell their .go.th domain."""
    return re.sub(r"[^a-z0-9]", "", name_en.lower())


def _clamp(value: float, bounds: tuple[float, float]) -> float:
    return min(max(value, bounds[0]), bounds[1])


def _point(lat: float, lon: float) -> tuple[Decimal, Decimal]:
    lat = _clamp(lat, THAILAND_LATITUDE)
    lon = _clamp(lon, THAILAND_LONGITUDE)
    return Decimal(f"{lat:.6f}"), Decimal(f"{lon:.6f}")


def _km2(value: float) -> Decimal:
    return Decimal(f"{value:.2f}")


def _office(rng: random.Random, subdistrict: Subdistrict, *, moo: bool = True) -> dict:
    """A plausible office address in a subdistrict: "99" or "123/4", หมู่ 1-15, its postcode."""
    house_no = str(rng.randint(1, 999))
    if rng.random() < 0.3:
        house_no += f"/{rng.randint(1, 20)}"
    postcodes = subdistrict.postal_codes.split()
    return {
        "office_subdistrict_id": subdistrict.code,
        "office_house_no": house_no,
        "office_moo": rng.randint(1, 15) if moo else None,
        "office_postcode": rng.choice(postcodes) if postcodes else "",
    }


class _DistrictPlanner:
    """Plans the LAOs of one district, numbering them in the order they are added."""

    def __init__(self, district: District, seed: int) -> None:
        self.district = district
        # One generator per district: its LAOs do not change when other provinces are seeded
        # alongside or when another district's geography is corrected.
        self.rng = random.Random(f"{seed}:{district.code}")
        self.sequence = count(1)
        self.laos: list[PlannedLAO] = []

    def add(
        self,
        lao_type: str,
        *,
        name_th: str,
        name_en: str,
        office: Subdistrict,
        covers: Iterable[str],
        near: tuple[float, float],
        spread: float,
        area_km2: Decimal | None,
        website: str,
        moo: bool = True,
    ) -> PlannedLAO:
        seq = next(self.sequence)
        if seq > 99:
            # Never with the real geography (at most 25 subdistricts a district).
            raise RuntimeError(f"District {self.district.code} would need more than 99 LAOs.")
        rng = self.rng
        latitude, longitude = _point(
            near[0] + rng.uniform(-spread, spread), near[1] + rng.uniform(-spread, spread)
        )
        planned = PlannedLAO(
            code=f"{TYPE_DIGITS[lao_type]}{self.district.code}{seq:02d}",
            fields={
                "type": lao_type,
                "name_th": name_th,
                "name_en": name_en,
                "district_id": self.district.code,
                **_office(rng, office, moo=moo),
                "area_km2": area_km2,
                "latitude": latitude,
                "longitude": longitude,
                "website": website,
                "active_from": None,
                "active_until": None,
            },
            subdistrict_ids=list(covers),
        )
        self.laos.append(planned)
        return planned

    def website(
        self, name_en: str, suffix: str = "", *, prefix: str = "", always: bool = False
    ) -> str:
        """ "https://www.napa.go.th" for about 70% of small LAOs, or always for larger ones."""
        if not always and self.rng.random() >= WEBSITE_ODDS:
            return ""
        return f"https://www.{prefix}{_romanise(name_en)}{suffix}.go.th"


def _plan_province(
    province: Province,
    districts: Sequence[District],
    subdistricts: dict[str, list[Subdistrict]],
    *,
    seed: int,
) -> list[PlannedLAO]:
    centre = PROVINCE_CENTRES.get(province.code, (15.0, 101.0))
    if province.code == BANGKOK:
        return _plan_bangkok(districts, subdistricts, seed=seed)

    pattaya_district = next(
        (d for d in districts if province.code == CHON_BURI and d.name_th == PATTAYA_DISTRICT),
        None,
    )
    laos: list[PlannedLAO] = []
    pao: PlannedLAO | None = None
    for district in districts:
        subs = subdistricts.get(district.code, [])
        if not subs:
            continue
        is_capital = district.code.endswith("01")
        planner = _DistrictPlanner(district, seed)
        rng = planner.rng
        district_centre = (
            centre
            if is_capital
            else (centre[0] + rng.uniform(-0.45, 0.45), centre[1] + rng.uniform(-0.45, 0.45))
        )
        if is_capital:
            pao = planner.add(
                LAO.Type.PAO,
                name_th=province.name_th,
                name_en=province.name_en,
                office=subs[0],
                covers=[s.code for d in districts for s in subdistricts.get(d.code, [])],
                near=centre,
                spread=0.01,
                area_km2=None,  # the sum of the province's LAOs, known at the end
                website=planner.website(province.name_en, "pao", always=True),
            )
        skipped: set[str] = set()
        if district is pattaya_district:
            pattaya_subs = [s for s in subs if s.name_th in PATTAYA_SUBDISTRICTS]
            office = next(
                (s for s in pattaya_subs if s.name_th == PATTAYA_OFFICE_SUBDISTRICT), subs[0]
            )
            planner.add(
                LAO.Type.SPECIAL,
                name_th="เมืองพัทยา",
                name_en="Pattaya City",
                office=office,
                covers=[s.code for s in pattaya_subs],
                near=(12.9276, 100.8771),
                spread=0.005,
                area_km2=_km2(53.44),
                website="https://www.pattaya.go.th",
            )
            # Pattaya is the local government of these subdistricts; nobody else's.
            skipped = {s.code for s in pattaya_subs}

        for index, sub in enumerate(subs):
            if sub.code in skipped:
                continue
            is_seat = index == 0
            near = (
                district_centre[0] + rng.uniform(-0.08, 0.08),
                district_centre[1] + rng.uniform(-0.08, 0.08),
            )
            municipality = _municipality_type(rng, sub, is_seat, is_capital, len(subs))
            sao_odds = 1.0
            if municipality:
                city = CITY_MUNICIPALITIES.get(sub.code)
                if city:
                    name_th, name_en = city
                elif is_seat and is_capital:
                    # A provincial town is called after its province, not its seat subdistrict.
                    name_th, name_en = province.name_th, province.name_en
                else:
                    name_th, name_en = sub.name_th, sub.name_en
                big = municipality in (LAO.Type.CITY, LAO.Type.TOWN)
                planner.add(
                    municipality,
                    name_th=name_th,
                    name_en=name_en,
                    office=sub,
                    covers=[sub.code],
                    near=district_centre if is_seat else near,
                    spread=0.01 if is_seat else 0.02,
                    area_km2=_area(rng, municipality),
                    website=planner.website(name_en, "city" if big else "", always=big),
                )
                key = "seat" if is_seat and municipality == LAO.Type.SUBDISTRICT else municipality
                sao_odds = SAO_ALONGSIDE_ODDS[key]
            if sao_odds >= 1.0 or rng.random() < sao_odds:
                # Beside a municipality of the same name, which has the plain domain, an SAO
                # writes "sao" in front, as real ones do.
                website = planner.website(sub.name_en, prefix="sao" if municipality else "")
                planner.add(
                    LAO.Type.SAO,
                    name_th=sub.name_th,
                    name_en=sub.name_en,
                    office=sub,
                    covers=[sub.code],
                    near=near,
                    spread=0.03,
                    area_km2=_area(rng, LAO.Type.SAO),
                    website=website,
                )
        laos.extend(planner.laos)

    if pao is not None:
        # A PAO covers the whole province: its area is (roughly) the sum of the LAOs within.
        pao.fields["area_km2"] = _km2(
            sum(float(lao.fields["area_km2"]) for lao in laos if lao is not pao)
        )
    return laos


def _plan_bangkok(
    districts: Sequence[District], subdistricts: dict[str, list[Subdistrict]], *, seed: int
) -> list[PlannedLAO]:
    """Bangkok is one LAO, the BMA, covering every khwaeng; no PAO, no municipalities."""
    district = next((d for d in districts if d.code == BMA_DISTRICT), None)
    if district is None or not subdistricts.get(district.code):
        return []
    subs = subdistricts[district.code]
    office = next((s for s in subs if s.name_th == BMA_OFFICE_SUBDISTRICT), subs[0])
    planner = _DistrictPlanner(district, seed)
    planner.add(
        LAO.Type.SPECIAL,
        name_th="กรุงเทพมหานคร",
        name_en="Bangkok Metropolitan Administration",
        office=office,
        covers=[s.code for d in districts for s in subdistricts.get(d.code, [])],
        near=(13.7525, 100.5016),
        spread=0.0,
        area_km2=_km2(1568.74),
        website="https://www.bangkok.go.th",
        moo=False,  # Bangkok addresses have no หมู่
    )
    return planner.laos


def _municipality_type(
    rng: random.Random, sub: Subdistrict, is_seat: bool, is_capital: bool, district_size: int
) -> str | None:
    """Which municipality, if any, has its office in this subdistrict."""
    if sub.code in CITY_MUNICIPALITIES:
        return LAO.Type.CITY
    if is_seat:
        if is_capital:
            return LAO.Type.TOWN
        town_odds = min(TOWN_ODDS_MAX, TOWN_ODDS_PER_SUBDISTRICT * district_size)
        return LAO.Type.TOWN if rng.random() < town_odds else LAO.Type.SUBDISTRICT
    if rng.random() < SUBDISTRICT_MUNICIPALITY_ODDS:
        return LAO.Type.SUBDISTRICT
    return None


def _area(rng: random.Random, lao_type: str) -> Decimal:
    low, high = AREA_KM2[lao_type]
    # Most LAOs are nearer the small end of their range: a triangular draw, mode at a quarter.
    return _km2(rng.triangular(low, high, low + (high - low) / 4))


def registry_plan(*, province_codes: Sequence[str] | None, seed: int) -> list[PlannedLAO]:
    """The LAOs the demo registry holds for these provinces (all when None), not yet saved.

    Reads the geography in three queries; raises DemoSeedError for a code that is no province.
    """
    provinces = Province.objects.order_by("code")
    districts = District.objects.order_by("code")
    subdistricts = Subdistrict.objects.order_by("code")
    if province_codes is not None:
        provinces = provinces.filter(code__in=province_codes)
        districts = districts.filter(province_id__in=province_codes)
        subdistricts = subdistricts.filter(district__province_id__in=province_codes)
    provinces = list(provinces)
    if province_codes is not None:
        unknown = sorted(set(province_codes) - {p.code for p in provinces})
        if unknown:
            raise DemoSeedError(
                _(
                    "Unknown province code: %(codes)s. Use two-digit DOPA codes, "
                    "e.g. 67 for Phetchabun or 10 for Bangkok."
                )
                % {"codes": ", ".join(unknown)}
            )
    districts_by_province: dict[str, list[District]] = defaultdict(list)
    for district in districts:
        districts_by_province[district.province_id].append(district)
    subdistricts_by_district: dict[str, list[Subdistrict]] = defaultdict(list)
    for sub in subdistricts:
        subdistricts_by_district[sub.district_id].append(sub)

    planned: list[PlannedLAO] = []
    for province in provinces:
        planned += _plan_province(
            province, districts_by_province[province.code], subdistricts_by_district, seed=seed
        )
    return planned


def _chunks(items: Sequence, size: int = QUERY_CHUNK) -> Iterable[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@transaction.atomic
def lao_registry_seed(*, province_codes: Sequence[str] | None, seed: int) -> RegistrySeedResult:
    """Creates or updates the demo LAOs of these provinces (the whole country when None).

    Upserts by DLA code and writes only what differs, so a second run with the same seed writes
    nothing. New LAOs get their first history row ("+"), changed ones a "~" row. The covered
    subdistricts are synchronised through the M2M table in bulk.
    """
    planned = registry_plan(province_codes=province_codes, seed=seed)
    codes = [p.code for p in planned]
    if len(set(codes)) != len(codes):  # a bug in the plan, never a user error
        raise RuntimeError("seed_demo planned the same DLA code twice")
    result = RegistrySeedResult(
        province_codes=sorted({p.fields["district_id"][:2] for p in planned})
        if province_codes is None
        else sorted(province_codes)
    )

    existing: dict[str, LAO] = {}
    for chunk in _chunks(codes):
        existing.update((lao.code, lao) for lao in LAO.objects.filter(code__in=chunk))

    to_create: list[LAO] = []
    to_update: list[LAO] = []
    changed_fields: set[str] = set()
    now = timezone.now()
    for plan in planned:
        lao = existing.get(plan.code)
        if lao is None:
            to_create.append(LAO(code=plan.code, **plan.fields))
            result.created[plan.type] += 1
            continue
        changed = [name for name, value in plan.fields.items() if getattr(lao, name) != value]
        if changed:
            for name in changed:
                setattr(lao, name, plan.fields[name])
            lao.updated_at = now  # bulk_update does not run auto_now
            to_update.append(lao)
            changed_fields.update(changed)
            result.updated[plan.type] += 1
        else:
            result.unchanged[plan.type] += 1

    created: list[LAO] = []
    if to_create:
        # Returns the saved rows with their ids (a fresh list on a database without RETURNING).
        created = bulk_create_with_history(
            to_create, LAO, batch_size=QUERY_CHUNK, default_change_reason=CHANGE_REASON
        )
    if to_update:
        bulk_update_with_history(
            to_update,
            LAO,
            sorted(changed_fields) + ["updated_at"],
            batch_size=QUERY_CHUNK,
            default_change_reason=CHANGE_REASON,
        )

    lao_ids = {lao.code: lao.pk for lao in [*existing.values(), *created]}
    result.links_added, result.links_removed = _sync_covered_subdistricts(
        {lao_ids[p.code]: set(p.subdistrict_ids) for p in planned},
        province_codes=province_codes,
    )

    seeded = LAO.objects.all()
    if province_codes is not None:
        seeded = seeded.filter(district__province_id__in=province_codes)
    result.others_left = len(set(seeded.values_list("code", flat=True)) - set(codes))
    result.lao_codes = codes
    return result


def _sync_covered_subdistricts(
    wanted: dict[int, set[str]], *, province_codes: Sequence[str] | None
) -> tuple[int, int]:
    """Makes LAO.subdistricts hold exactly ``wanted`` for these LAOs; returns (added, removed)."""
    through = LAO.subdistricts.through
    links = through.objects.all()
    if province_codes is not None:
        # Every planned LAO sits in a seeded province by now, so this one query finds them all.
        links = links.filter(lao__district__province_id__in=province_codes)
    have: dict[int, dict[str, int]] = defaultdict(dict)
    for link_id, lao_id, subdistrict_id in links.values_list("id", "lao_id", "subdistrict_id"):
        if lao_id in wanted:
            have[lao_id][subdistrict_id] = link_id

    new_links = [
        through(lao_id=lao_id, subdistrict_id=sub_id)
        for lao_id, sub_ids in wanted.items()
        for sub_id in sorted(sub_ids - have[lao_id].keys())
    ]
    stale = [
        link_id
        for lao_id, links_of_lao in have.items()
        for sub_id, link_id in links_of_lao.items()
        if sub_id not in wanted[lao_id]
    ]
    through.objects.bulk_create(new_links, batch_size=QUERY_CHUNK)
    for chunk in _chunks(stale):
        through.objects.filter(pk__in=chunk).delete()
    return len(new_links), len(stale)
