"""Section generators for the people and the services they get: population, administration,
education, public health, social welfare, public safety, religion and culture.

Each takes the LAO's draw and returns its section's values; demo/records/sections.py runs them.
"""

from demo.records.facts import Draw, Rarely, whole
from records.models import LAO

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
# How many a LAO has: a (low, high) range for each kind of LAO, in the order of
# demo.records.facts.KINDS (sao, subdistrict, town, city, pao, bma, pattaya); Rarely: by chance.
COUNTS = {
    "communities": ((0, 0), (3, 12), (10, 35), (25, 110), (0, 0), (1950, 2050), (35, 45)),
    "executives_total": ((4, 5), (5, 5), (6, 7), (8, 9), (7, 10), (18, 22), (7, 7)),
    "schools_lao": (Rarely(0.15, (0, 1)), (0, 1), (2, 7), (5, 14), (10, 70), (430, 440), (9, 11)),
    "schools_obec": ((0, 0), (1, 4), (3, 10), (5, 20), (0, 0), (100, 130), (3, 6)),
    "schools_private": (Rarely(0.3, (0, 1)), (0, 2), (1, 5), (5, 20), (0, 0), (650, 750), (15, 25)),
    "vocational_institutions":
        ((0, 0), Rarely(0.1, (0, 1)), (0, 2), (1, 4), (4, 15), (80, 120), (1, 3)),
    "higher_education_institutions": ((0, 0), (0, 0), (0, 1), (1, 4), (1, 6), (90, 110), (1, 2)),
    "libraries": ((0, 0), (1, 4), (2, 6), (4, 15), (10, 40), (30, 40), (3, 6)),
    "health_promoting_hospitals":
        (Rarely(0.9, (1, 2)), (0, 2), (0, 3), (1, 6), (0, 0), (0, 0), (0, 1)),
    "lao_health_centres": ((0, 0), (0, 1), (1, 3), (2, 8), (0, 0), (68, 69), (2, 4)),
    "police_stations": (Rarely(0.25, (0, 1)), (0, 1), (1, 2), (1, 5), (0, 0), (88, 88), (2, 2)),
    "cctv_cameras":
        ((5, 80), (10, 120), (50, 400), (200, 2500), (20, 300), (55000, 62000), (1200, 2000)),
}  # fmt: skip


def population(d: Draw) -> dict:
    """The civil register: sexes and age bands that add up (older in the country), households
    (larger in the country), and the people the register misses (more in town)."""
    u = d.rng.uniform
    people, rural = d.facts.population, d.facts.profile.rural
    urban = 1 - rural
    v: dict = {}
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
    return v


def administration(d: Draw) -> dict:
    """Villages or communities, and a council of the size the law gives each type of LAO."""
    facts, u, ri, by_type = d.facts, d.rng.uniform, d.rng.randint, d.by_type
    t, bma, people = facts.type, facts.is_bma, facts.population
    v: dict = {}
    villages = by_type(sao=(6, 18), subdistrict=(4, 14))
    communities = d.by_kind(COUNTS["communities"])
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
        t, 50 if bma else 4 if facts.is_pattaya else council
    )
    v["executives_total"] = d.by_kind(COUNTS["executives_total"])
    v["council_members_female"] = round(council * u(0.05, 0.25))
    v["council_members_male"] = council - v["council_members_female"]
    v["council_members_total"] = council
    v["eligible_voters"] = round(people * u(0.74, 0.8))
    v["voters_voted"] = round(v["eligible_voters"] * u(0.58, 0.82))
    v["council_meetings"] = ri(4, 9)
    return v


def education(d: Draw) -> dict:
    """Child development centres (none in a PAO), schools by who runs them, pupils, teachers."""
    facts, u, odds, by_type = d.facts, d.rng.uniform, d.rng.random, d.by_type
    t, people, rural = facts.type, facts.population, facts.profile.rural
    villages = d.values["villages_count"]
    v: dict = {}
    centres = (
        0 if t == LAO.Type.PAO else whole(people / (3500 if rural > 0.5 else 9000) * u(0.6, 1.4))
    )
    v["child_development_centres"] = centres
    v["cdc_pupils"] = whole(centres * u(25, 70))
    v["cdc_caregivers"] = max(centres, whole(v["cdc_pupils"] / u(12, 20))) if centres else 0
    v["schools_lao"] = d.by_kind(COUNTS["schools_lao"])
    obec = {
        "sao": max(1, whole(villages * u(0.2, 0.5))),
        "pao": whole(people / 1800 * u(0.8, 1.2)),
    }
    v["schools_obec"] = obec.get(t) or d.by_kind(COUNTS["schools_obec"])
    v["schools_private"] = (
        whole(people / 12000 * u(0.8, 1.2))
        if t == LAO.Type.PAO
        else d.by_kind(COUNTS["schools_private"])
    )
    v["schools_other"] = by_type(
        pao=(3, 25), bma=(30, 60), other=(0, 1) if odds() < 0.1 else (0, 0)
    )
    v["schools_total"] = sum(
        v[c] for c in ("schools_lao", "schools_obec", "schools_private", "schools_other")
    )
    v["pupils_lao_schools"] = whole(v["schools_lao"] * u(200, 600))
    v["pupils_total"] = v["pupils_lao_schools"] + whole(
        (v["schools_total"] - v["schools_lao"]) * u(120, 450)
    )
    v["teachers_total"] = (
        max(v["schools_total"], whole(v["pupils_total"] / u(14, 22))) if v["schools_total"] else 0
    )
    for kind in ("vocational_institutions", "higher_education_institutions"):
        v[kind] = d.by_kind(COUNTS[kind])
    v["nonformal_learning_centres"] = (
        facts.districts
        if t == LAO.Type.PAO
        else by_type(town=(1, 2), city=(1, 3), bma=(50, 50), other=(1, 1))
    )
    v["libraries"] = (
        max(1, whole(villages * u(0.1, 0.5)))
        if t == LAO.Type.SAO
        else d.by_kind(COUNTS["libraries"])
    )
    return v


def public_health(d: Draw) -> dict:
    """Health-promoting hospitals (a PAO's transferred from the ministry), hospitals, clinics
    and volunteers in proportion to the people."""
    facts, u, ri, odds, by_type = d.facts, d.rng.uniform, d.rng.randint, d.rng.random, d.by_type
    t, people = facts.type, facts.population
    households = d.values["households_total"]
    v: dict = {}
    hph = (
        whole(people / 6000 * u(0.8, 1.2))
        if t == LAO.Type.PAO
        else d.by_kind(COUNTS["health_promoting_hospitals"])
    )
    v["health_promoting_hospitals"] = hph
    v["hph_transferred"] = (
        whole(hph * u(0.3, 1.0)) if t == LAO.Type.PAO else (hph if odds() < 0.05 else 0)
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
        whole(people / 100000 * u(1, 3))
        if t == LAO.Type.PAO
        else by_type(town=(0, 3), city=(2, 10), bma=(100, 140), pattaya=(3, 6))
    )
    v["hospital_beds"] = whole(
        v["hospitals_public"] * u(30, 250) + v["hospitals_private"] * u(20, 150)
    )
    v["lao_health_centres"] = d.by_kind(COUNTS["lao_health_centres"])
    v["clinics"] = whole(people / u(1500, 4000))
    v["pharmacies"] = whole(people / u(2000, 6000))
    v["village_health_volunteers"] = whole(households / u(8, 14))
    v["health_insurance_coverage_pct"] = round(u(97, 100), 2)
    v["local_health_fund"] = odds() < 0.97
    v["dengue_cases"] = whole(people * u(0, 0.003))
    return v


def social_welfare(d: Draw) -> dict:
    """Allowances for the elderly and the disabled at the monthly rates a LAO pays, clubs and
    funds, and the poor (more in the country)."""
    facts, u, by_type = d.facts, d.rng.uniform, d.by_type
    people, rural = facts.population, facts.profile.rural
    old, households = d.values["population_age_60_plus"], d.values["households_total"]
    v: dict = {}
    v["registered_disabled"] = whole(people * u(0.015, 0.03))
    v["disability_allowance_recipients"] = whole(v["registered_disabled"] * u(0.85, 1.0))
    v["elderly_allowance_recipients"] = whole(old * u(0.82, 0.95))
    v["hiv_allowance_recipients"] = whole(people * u(0, 0.002))
    v["allowances_paid"] = whole(
        v["elderly_allowance_recipients"] * u(7800, 8600)
        + v["disability_allowance_recipients"] * 9600
        + v["hiv_allowance_recipients"] * 6000
    )
    v["dependent_elderly"] = whole(old * u(0.01, 0.04))
    v["community_welfare_funds"] = (
        whole(facts.subdistricts * u(0.7, 1.0))
        if facts.type == LAO.Type.PAO
        else by_type(town=(1, 2), city=(1, 3), bma=(20, 60), other=(1, 1))
    )
    v["elderly_clubs"] = 1 + whole(d.units * u(0.1, 0.6))
    v["elderly_schools"] = by_type(pao=(5, 40), bma=(20, 50), other=(0, 1))
    v["low_income_households"] = whole(households * u(0.04, 0.2) * (0.5 + rural))
    v["welfare_card_holders"] = whole(people * u(0.12, 0.22) * (0.6 + 0.5 * rural))
    return v


def public_safety(d: Draw) -> dict:
    """Police, cameras and village volunteers; crimes, drugs and road accidents per head."""
    facts, u, ri, by_type = d.facts, d.rng.uniform, d.rng.randint, d.by_type
    people, villages = facts.population, d.values["villages_count"]
    v: dict = {}
    v["police_stations"] = (
        facts.districts + ri(0, 5)
        if facts.type == LAO.Type.PAO
        else d.by_kind(COUNTS["police_stations"])
    )
    v["police_boxes"] = by_type(city=(10, 40), bma=(500, 700), pattaya=(10, 20), other=(0, 3))
    v["cctv_cameras"] = d.by_kind(COUNTS["cctv_cameras"])
    v["village_security_volunteers"] = whole(villages * u(8, 20))
    v["crime_cases"] = whole(people * u(0.002, 0.008))
    v["drug_cases"] = whole(people * u(0.001, 0.005))
    v["drug_treatment_patients"] = whole(v["drug_cases"] * u(0.3, 1.0))
    v["road_accidents"] = whole(people * u(0.001, 0.005))
    v["road_accident_deaths"] = whole(v["road_accidents"] * u(0.01, 0.05))
    return v


def religion_culture(d: Draw) -> dict:
    """Temples, mosques and churches by the province's faiths; festivals, language and local
    wisdom of the region."""
    facts, rng, by_type = d.facts, d.rng, d.by_type
    u, ri, odds = rng.uniform, rng.randint, rng.random
    t, people, urban = facts.type, facts.population, 1 - facts.profile.rural
    villages = d.values["villages_count"]
    v: dict = {}
    buddhist = max(0.0, 1 - facts.muslim - facts.christian)
    if facts.is_bma:
        temples = ri(430, 460)
    elif t == LAO.Type.PAO:
        temples = whole(people / 1000 * u(0.8, 1.3) * buddhist)
    elif t in (LAO.Type.SAO, LAO.Type.SUBDISTRICT):
        temples = whole(villages * u(0.5, 1.2) * buddhist) + ri(0, 1)
    else:
        temples = whole(people / u(2000, 5000) * buddhist)
    v["temples"] = temples
    v["monastic_residences"] = whole(temples * u(0, 0.3))
    v["mosques"] = whole(d.units * u(0.5, 1.3) * facts.muslim)
    v["churches"] = whole(d.units * u(0.0, 5.0) * facts.christian)
    v["shrines"] = ri(0, 3) + whole(urban * 5)
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
    return v
