"""Section generators for the land and what is built on it: general information,
infrastructure, water supply, environment and disaster prevention.

Each takes the LAO's draw and returns its section's values; demo/records/sections.py runs them.
"""

import math

from demo.records.facts import Draw, Rarely, whole
from demo.registry import PROVINCE_CENTRES
from records.models import LAO

BANGKOK_CENTRE = (13.756, 100.502)
SOILS = ("ดินร่วนปนทราย", "ดินเหนียว", "ดินร่วน", "ดินทราย", "ดินลูกรัง")
RESOURCES = ("ป่าไม้", "แหล่งน้ำธรรมชาติ", "ดินที่อุดมสมบูรณ์", "แหล่งหินและแร่")
HAZARDS = ("อุทกภัย", "วาตภัย", "ภัยแล้ง", "อัคคีภัย")
# Routes (low, high) and km a route (low, high) for each road surface: laterite, asphalt,
# concrete, earth.
ROADS = {
    "sao": ((8, 40), (0.5, 2.5), (1, 8), (1, 5), (10, 50), (0.2, 1.2), (0, 15), (0.3, 1.5)),
    "subdistrict": ((2, 20), (0.5, 2), (3, 15), (0.5, 3), (20, 80), (0.2, 1), (0, 8), (0.3, 1)),
    "town": ((0, 10), (0.3, 1.5), (20, 80), (0.3, 2), (50, 200), (0.1, 0.8), (0, 3), (0.2, 1)),
    "city": ((0, 5), (0.3, 1), (80, 300), (0.3, 2), (150, 600), (0.1, 0.8), (0, 2), (0.2, 1)),
    "pao": ((20, 150), (2, 8), (100, 400), (3, 12), (20, 150), (0.5, 3), (0, 20), (1, 4)),
    "bma": ((0, 0), (0, 0), (3000, 4000), (0.8, 1.5), (5000, 7000), (0.3, 0.8), (0, 0), (0, 0)),
    "pattaya": ((0, 2), (0.3, 1), (80, 150), (0.3, 2), (100, 300), (0.1, 0.8), (0, 2), (0.2, 1)),
}
ROAD_SURFACES = ("laterite", "asphalt", "concrete", "earth")
# How many a LAO has: a (low, high) range for each kind of LAO, in the order of
# demo.records.facts.KINDS (sao, subdistrict, town, city, pao, bma, pattaya); Rarely: by chance.
COUNTS = {
    "post_offices": (Rarely(0.2, (0, 1)), (0, 1), (1, 2), (2, 6), (0, 0), (140, 170), (2, 4)),
    "fire_trucks": ((1, 2), (1, 3), (2, 6), (5, 15), (0, 4), (350, 450), (15, 25)),
    "water_trucks": ((1, 2), (1, 3), (2, 5), (3, 10), (1, 6), (100, 200), (5, 10)),
    "rescue_vehicles": ((0, 1), (0, 2), (1, 3), (3, 10), (1, 10), (150, 250), (5, 10)),
    "ambulances": ((1, 2), (1, 2), (1, 4), (3, 8), (1, 6), (80, 120), (4, 8)),
    "fire_stations": ((0, 1), (0, 1), (1, 2), (2, 6), (0, 2), (50, 60), (3, 5)),
    "fire_hydrants": ((0, 10), (0, 30), (30, 200), (150, 1200), (0, 0), (15000, 25000), (300, 600)),
}


def _km_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in km."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371 * math.asin(math.sqrt(h))


def general(d: Draw) -> dict:
    """Where the office is and how to reach it, as the registry has it; the lie of the land."""
    facts, rng = d.facts, d.rng
    lao = facts.lao
    u, ri, odds = rng.uniform, rng.randint, rng.random
    v: dict = {}
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
    return v


def infrastructure(d: Draw) -> dict:
    """Roads by surface, bridges, terminals, electricity and the post."""
    facts, u, ri, odds, by_type = d.facts, d.rng.uniform, d.rng.randint, d.rng.random, d.by_type
    households, villages = d.values["households_total"], d.values["villages_count"]
    urban = 1 - facts.profile.rural
    v: dict = {}
    roads = ROADS[facts.kind]
    for i, surface in enumerate(ROAD_SURFACES):
        routes = ri(*roads[2 * i])
        v[f"roads_{surface}_routes"] = routes
        v[f"roads_{surface}_km"] = round(routes * u(*roads[2 * i + 1]), 1)
    v["bridges"] = by_type(bma=(1000, 1500), other=(0, 0)) or whole(d.units * u(0.1, 0.6))
    v["bus_terminals"] = by_type(
        town=(1, 1) if facts.is_seat else (0, 0),
        city=(1, 2),
        pao=(0, 2),
        bma=(3, 3),
        pattaya=(1, 2),
    )
    v["railway_stations"] = by_type(bma=(30, 60), other=(1, 2) if odds() < 0.15 else (0, 0))
    v["piers"] = ri(1, 10) if facts.coastal and odds() < 0.5 else 0
    v["households_with_electricity"] = whole(households * u(0.97, 1.0))
    v["villages_with_electricity"] = villages - (1 if villages > 1 and odds() < 0.1 else 0)
    v["street_lights"] = whole(households * u(0.05, 0.3) * (1 + urban))
    v["mobile_coverage"] = odds() < 0.98
    v["public_internet_points"] = whole(d.units * u(0.3, 1.5))
    v["post_offices"] = (
        facts.districts if facts.type == LAO.Type.PAO else d.by_kind(COUNTS["post_offices"])
    )
    return v


def water_supply(d: Draw) -> dict:
    """Piped water for most households; wells, weirs and ponds the more rural the LAO."""
    u, ri, odds, by_type = d.rng.uniform, d.rng.randint, d.rng.random, d.by_type
    households, villages = d.values["households_total"], d.values["villages_count"]
    rural = d.facts.profile.rural
    v: dict = {}
    v["households_piped_water"] = whole(households * u(0.6, 0.98))
    v["pwa_service"] = odds() < (0.9 if rural < 0.3 else 0.35)
    v["lao_waterworks"] = (
        whole(villages * u(0.3, 1.0))
        if d.facts.type == LAO.Type.SAO
        else by_type(subdistrict=(0, 5), town=(0, 3), city=(0, 2), pao=(0, 10))
    )
    v["village_water_systems"] = whole(villages * u(0.6, 1.4))
    v["deep_wells"] = whole(u(2, 40) * rural)
    v["hand_pump_wells"] = whole(u(0, 60) * rural)
    v["shallow_wells"] = whole(u(5, 200) * rural)
    v["weirs"] = whole(u(0, 25) * rural)
    v["ponds"] = whole(u(3, 60) * rural + u(0, 3))
    v["reservoirs"] = ri(0, 3)
    v["irrigation_canals"] = whole(u(0, 30) * rural)
    return v


def environment(d: Draw) -> dict:
    """Forest (more in the mountains), water bodies, waste by what a LAO of this type can
    afford to do with it, wastewater and parks."""
    rng, facts, by_type = d.rng, d.facts, d.by_type
    u, ri, odds = rng.uniform, rng.randint, rng.random
    t, bma, rural = facts.type, facts.is_bma, facts.profile.rural
    people = facts.population
    v: dict = {}
    forest = u(0.15, 0.6) if d.values["terrain"] == "mountainous" else u(0.0, 0.3)
    v["forest_area_rai"] = round(d.values["area_rai"] * forest * (0.3 + rural), 2)
    v["community_forests"] = whole(u(0, 5) * rural)
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
    v["waste_collection_vehicles"] = whole(v["waste_collected_tonnes_per_day"] / u(3, 8))
    v["waste_sorting_communities"] = whole(d.units * u(0.1, 0.8))
    treats = {"city": 1.0, "town": 0.6, "subdistrict": 0.15, "sao": 0.03, "pao": 0.1}
    v["wastewater_treatment"] = odds() < treats.get(t, 1.0)
    v["wastewater_capacity_m3_day"] = (
        round(people * u(0.1, 0.25), 2) if v["wastewater_treatment"] else 0.0
    )
    v["public_parks"] = by_type(city=(5, 20), bma=(30, 60), pattaya=(5, 10), other=(0, 3))
    return v


def disaster_prevention(d: Draw) -> dict:
    """Fire and rescue vehicles and crews sized to the LAO, and where disaster strikes."""
    rng, by_type = d.rng, d.by_type
    u, ri, odds = rng.uniform, rng.randint, rng.random
    people = d.facts.population
    households, villages = d.values["households_total"], d.values["villages_count"]
    v: dict = {}
    for equipment in ("fire_trucks", "water_trucks", "rescue_vehicles"):
        v[equipment] = d.by_kind(COUNTS[equipment])
    v["ambulances"] = d.by_kind(COUNTS["ambulances"]) if odds() < 0.85 else 0
    v["flat_bottom_boats"] = by_type(pao=(5, 30), bma=(20, 50), other=(0, 3))
    v["water_pumps"] = by_type(pao=(10, 60), bma=(500, 900), other=(1, 10))
    v["fire_stations"] = d.by_kind(COUNTS["fire_stations"])
    v["fire_hydrants"] = d.by_kind(COUNTS["fire_hydrants"])
    v["firefighters"] = whole(v["fire_trucks"] * u(4, 8) + v["rescue_vehicles"] * u(1, 3))
    v["civil_defence_volunteers"] = whole(people * u(0.008, 0.02))
    v["ems_unit"] = v["ambulances"] > 0 or odds() < 0.3
    v["emergency_medical_staff"] = (
        max(1, whole(v["ambulances"] * u(4, 10))) if v["ambulances"] else ri(0, 4)
    )
    places = sorted(rng.sample(range(1, max(villages, 6) + 1), 2))
    v["disaster_prone_areas"] = (
        f"{rng.choice(HAZARDS)} หมู่ที่ {places[0]} และหมู่ที่ {places[1]}"
        if villages
        else f"{rng.choice(HAZARDS)} ในเขตชุมชนริมน้ำ"
    )
    v["flood_prone_places"] = whole(d.units * u(0, 0.5))
    v["disaster_events"] = ri(0, 8)
    v["disaster_affected_households"] = min(households, whole(v["disaster_events"] * u(0, 150)))
    return v
