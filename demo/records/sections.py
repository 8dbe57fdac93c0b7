"""One generator per section of the record schema (records/schema/lao-record-v1.yaml), and the
driver that runs them for a LAO.

A generator takes the LAO's draw (demo/records/facts.py) and returns its section's values, last
year's, before the schema's rules are applied. It may build on a section drawn before it:
households come from the population, teachers from the schools, spending from revenue.

The generators run in the order of GENERATORS, which is not quite the schema's: it is the order
of the LAO's random stream, so a given seed always draws the same values. A new section goes
at the end, and then the values every other section draws stay as they were.
"""

import random
from collections.abc import Callable

from demo.records import economy, land, people
from demo.records.facts import Draw, LAOFacts
from records.values import NOT_APPLICABLE

GENERATORS: dict[str, Callable[[Draw], dict]] = {
    "general": land.general,
    "population": people.population,
    "administration": people.administration,
    "education": people.education,
    "public_health": people.public_health,
    "social_welfare": people.social_welfare,
    "public_safety": people.public_safety,
    "infrastructure": land.infrastructure,
    "water_supply": land.water_supply,
    "economy": economy.economy,
    "sufficiency_economy": economy.sufficiency_economy,
    "religion_culture": people.religion_culture,
    "environment": land.environment,
    "finance_revenue": economy.finance_revenue,
    "finance_expenditure": economy.finance_expenditure,
    "personnel": economy.personnel,
    "disaster_prevention": land.disaster_prevention,
}

NOT_APPLICABLE_ODDS = 0.3  # of a zero in the fields below: the clerk ticked "not applicable"
# A tuple, not a set: a set of strings is walked in a different order in every process, and
# with it the draws, so the same seed would give different values from one run to the next.
NOT_APPLICABLE_CANDIDATES = (
    "higher_education_institutions",
    "bus_terminals",
    "railway_stations",
    "piers",
    "museums",
)


def drawn_values(facts: LAOFacts, rng: random.Random) -> dict:
    """Last year's values of one LAO, every field of every section (dates come later)."""
    draw = Draw(facts=facts, rng=rng)
    for generate in GENERATORS.values():
        draw.values.update(generate(draw))
    values = draw.values
    for code in NOT_APPLICABLE_CANDIDATES:
        if values.get(code) == 0 and rng.random() < NOT_APPLICABLE_ODDS:
            values[code] = NOT_APPLICABLE
    return values
