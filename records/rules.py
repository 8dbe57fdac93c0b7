"""The schema's cross-field checks (records.models.Rule) applied to a record's values: which
of them the values break. Shared by the save (records.services), the field-level roll-ups
(records/gap_rollups.py), the review page and the demo data."""

from decimal import Decimal

from records.models import Rule
from records.values import NOT_APPLICABLE, is_filled


def number_of(value) -> Decimal | None:
    """A stored value as a number for the checks (None when empty or not applicable)."""
    if value in (None, "", NOT_APPLICABLE) or isinstance(value, bool):
        return None
    return Decimal(str(value))


def failing_rules(rules: list[Rule], values: dict) -> list[Rule]:
    """The rules the values break. A rule is checked only once all its fields have a number, so
    a half-filled section is incomplete but not wrong."""
    failing = []
    for rule in rules:
        p = rule.params
        if rule.kind == Rule.Kind.SUM:
            parts = [number_of(values.get(code)) for code in p["parts"]]
            total = number_of(values.get(p["total"]))
            if total is not None and None not in parts and sum(parts) != total:
                failing.append(rule)
        elif rule.kind == Rule.Kind.REQUIRES_POSITIVE:
            needing = number_of(values.get(p["if_positive"]))
            needed = values.get(p["then_positive"])
            if needing and needing > 0 and is_filled(needed) and (number_of(needed) or 0) <= 0:
                failing.append(rule)
        elif rule.kind == Rule.Kind.NOT_GREATER:
            value = number_of(values.get(p["field"]))
            limit = number_of(values.get(p["limit_field"]))
            if value is not None and limit is not None and value > limit:
                failing.append(rule)
    return failing
