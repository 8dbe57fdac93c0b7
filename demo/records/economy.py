"""Section generators for the economy and the LAO's own money and staff: economy, sufficiency
economy, revenue, expenditure and personnel.

Each takes the LAO's draw and returns its section's values; demo/records/sections.py runs them.
Money is in whole baht, parts drawn first and totals summed from them.
"""

import random

from demo.records.facts import Draw, whole
from records.models import LAO

CROPS = ("ข้าว", "อ้อย", "มันสำปะหลัง", "ข้าวโพดเลี้ยงสัตว์", "ยางพารา", "ปาล์มน้ำมัน", "ผลไม้")
LIVESTOCK = ("โคเนื้อ", "กระบือ", "สุกร", "ไก่พื้นเมือง", "เป็ด")
# Fresh markets a LAO has: a (low, high) range for each kind of LAO, in the order of
# demo.records.facts.KINDS (sao, subdistrict, town, city, pao, bma, pattaya).
FRESH_MARKETS = ((0, 1), (0, 2), (1, 4), (3, 12), (0, 3), (12, 12), (3, 6))


def _allocate(rng: random.Random, amount: int, weights: dict[str, float]) -> dict[str, int]:
    """Splits a whole amount into parts in roughly these proportions (each weight ±50%)."""
    drawn = {code: w * rng.uniform(0.5, 1.5) for code, w in weights.items()}
    scale = sum(drawn.values()) or 1.0
    return {code: round(amount * w / scale) for code, w in drawn.items()}


def economy(d: Draw) -> dict:
    """Farming in the country, commerce and tourism in town, fishing on the coast."""
    facts, rng, by_type = d.facts, d.rng, d.by_type
    u, ri = rng.uniform, rng.randint
    people, rural, households = facts.population, facts.profile.rural, d.values["households_total"]
    urban = 1 - rural
    v: dict = {}
    if rural >= 0.5:
        work = {"agriculture": 80, "wage_labour": 10, "commerce": 5, "fishery": 1}
    else:
        work = {"commerce": 35, "services_tourism": 20, "wage_labour": 25, "industry": 10}
        work["government"] = 10
    if facts.coastal:
        work["fishery"] = work.get("fishery", 0) + 10
    v["main_occupation"] = rng.choices(list(work), weights=list(work.values()))[0]
    v["farming_households"] = whole(households * rural * u(0.6, 0.95))
    v["agricultural_area_rai"] = round(d.values["area_rai"] * rural * u(0.45, 0.85), 2)
    v["rice_area_rai"] = round(v["agricultural_area_rai"] * u(0.15, 0.7), 2)
    v["irrigated_area_rai"] = round(d.values["area_rai"] * rural * u(0.05, 0.3), 2)
    v["major_crops"] = " ".join(rng.sample(CROPS, 3))
    v["livestock_households"] = whole(v["farming_households"] * u(0.2, 0.6))
    v["major_livestock"] = " ".join(rng.sample(LIVESTOCK, 3))
    v["fishery_households"] = whole(
        households * rural * u(0.005, 0.08) * (3 if facts.coastal else 1)
    )
    v["fresh_markets"] = d.by_kind(FRESH_MARKETS)
    v["weekly_markets"] = ri(0, 4) + whole(urban * 4)
    v["shops"] = whole(people / u(30, 90))
    v["petrol_stations"] = whole(people / u(1500, 4000))
    v["bank_branches"] = whole(people / u(6000, 15000) * (1.5 - rural))
    v["factories"] = whole(people * u(0.0005, 0.003) * (1.5 - rural))
    v["rice_mills"] = (
        whole(people / 10000 * u(0.5, 1.5))
        if facts.type == LAO.Type.PAO
        else whole(u(0, 15) * rural)
    )
    v["hotels_resorts"] = (
        ri(1200, 1800) if facts.is_pattaya else whole(people / u(1000, 5000) * (1.6 - rural))
    )
    v["tourist_sites"] = by_type(
        city=(5, 30), pao=(20, 150), bma=(250, 400), pattaya=(20, 40), other=(0, 5)
    )
    v["tourists_per_year"] = (
        ri(20000000, 25000000)
        if facts.is_bma
        else ri(8000000, 10000000)
        if facts.is_pattaya
        else whole(v["tourist_sites"] * u(2000, 60000))
    )
    v["labour_force"] = whole(people * u(0.55, 0.64))
    v["income_per_person"] = (
        whole(u(450000, 600000)) if facts.is_bma else whole(u(45000, 90000) * (1 + 1.5 * urban))
    )
    return v


def sufficiency_economy(d: Draw) -> dict:
    """Community enterprises, savings and occupation groups, a village fund in every village
    and community."""
    facts, u, ri, by_type = d.facts, d.rng.uniform, d.rng.randint, d.by_type
    villages, communities = d.values["villages_count"], d.values["communities_count"]
    v: dict = {}
    base = facts.subdistricts * u(1, 4) if facts.type == LAO.Type.PAO else d.units
    v["community_enterprises"] = whole(base * u(0.3, 1.5))
    v["savings_groups"] = whole(base * u(0.4, 1.2))
    v["occupation_groups"] = whole(base * u(0.5, 2.0))
    v["otop_products"] = by_type(pao=(100, 700), bma=(400, 900), other=(2, 25))
    v["village_funds"] = villages + communities
    v["cooperatives"] = by_type(pao=(30, 150), bma=(300, 500), other=(0, 4))
    v["sufficiency_villages"] = whole(villages * u(0.1, 0.5))
    v["sufficiency_learning_centres"] = ri(0, 4)
    return v


def finance_revenue(d: Draw) -> dict:
    """A year's revenue per head for the type, split as LAOs' accounts split it: own revenue
    (a small share in an SAO), taxes the state shares, general and specific grants."""
    facts, rng = d.facts, d.rng
    u, odds, t = rng.uniform, rng.random, facts.type
    v: dict = {}
    revenue = facts.population * facts.profile.revenue_per_person * u(0.8, 1.25)
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
    return v


def finance_expenditure(d: Draw) -> dict:
    """Most of the revenue spent, personnel near a third of it; the size class the revenue
    puts the LAO in; reserves and, for a few, loans."""
    rng = d.rng
    u, odds = rng.uniform, rng.random
    total = d.values["revenue_total"]
    v: dict = {}
    if d.facts.type == LAO.Type.PAO:
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
    return v


def personnel(d: Draw) -> dict:
    """Civil servants by track and contract staff, growing less than in proportion to the
    size of the office; teachers for the LAO's own schools and centres."""
    u = d.rng.uniform
    v: dict = {}
    office = d.facts.profile.office * u(0.8, 1.25)
    v["civil_servants_executive"] = max(1, whole(u(1, 2) * office**0.5))
    v["civil_servants_managerial"] = max(1, whole(u(2.5, 4.5) * office**0.6))
    v["civil_servants_academic"] = whole(u(4, 9) * office**0.8)
    v["civil_servants_general"] = whole(u(3, 7) * office**0.8)
    v["civil_servants_total"] = sum(
        v[f"civil_servants_{track}"] for track in ("executive", "managerial", "academic", "general")
    )
    v["civil_servant_positions"] = round(v["civil_servants_total"] * u(1.0, 1.25))
    v["teachers_education_staff"] = whole(
        d.values["schools_lao"] * u(15, 35) + d.values["cdc_caregivers"] * u(0.3, 0.7)
    )
    v["permanent_employees"] = whole(u(0, 3) * office**0.8)
    v["mission_contract_staff"] = whole(u(8, 20) * office**0.85)
    v["general_contract_staff"] = whole(u(5, 15) * office**0.85)
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
    return v
