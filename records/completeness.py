"""Completeness as a person reads it: the share of required fields filled, in per cent.

Every page, export, chart and open-data file that shows a completeness (or any other share of a
count, such as the LAOs that have submitted) shows ``percent(part, whole)``, so the same record
reads the same everywhere. The counts themselves are stored with every save and added up in
SQL; only this last step, from two counts to the figure shown, happens here.
"""

# One decimal place, as the dashboards and the exports have always shown it.
PLACES = 1


def percent(filled: int, required: int) -> float:
    """``filled`` of ``required`` in per cent, to one decimal place, rounded down.

    The rule: the exact share is cut (never rounded up) to one decimal place, so 199 of 200 is
    99.5, 1 of 3 is 33.3, 2 of 3 is 66.6 and 1,999 of 2,000 is 99.9: only a complete record
    shows 100, and a figure is never more than the counts support. Rounding down also agrees
    with the dashboards' ``below`` filter, which keeps the LAOs whose exact share is under a
    whole per cent: a row shown as 89.9 is under 90, one shown as 90.0 is not.

    Nothing required counts as complete (100.0). A count above the whole (which stored counts
    never have) is shown as 100.0. Computed in integers, so no float error shifts the cut.
    """
    if required <= 0:
        return 100.0
    scale = 10**PLACES
    return min(100 * scale * filled // required, 100 * scale) / scale
