"""Sample records for seed_demo: two fiscal years of records for every seeded LAO, so that the
record pages show last year's values beside each field and the dashboards have every state.

Values are drawn per LAO from a profile of its type (population, rurality, revenue per person,
size of the office), parts first and totals from the parts, then the schema's own rules are
applied to what was drawn, so a complete section never breaks a rule. The current year is last
year's values moved by a few per cent, well inside what the section form flags as an outlier.

- facts.py: what a LAO's values follow from, and the draw the generators share;
- sections.py: one generator per schema section (in land.py, people.py, economy.py);
- seed.py: sample_records_seed, which drifts, dates and checks the values, fills each record
  to a chosen progress and writes it.
"""
