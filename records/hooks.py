"""Places where higher apps plug rules into the records app without records importing them.

The deadlines app registers an edit guard (a submitted record waits for its officers; a locked
round needs an exception) and says which records are approved (the key figures' roll-ups count
them, records/rollups.py), so records never needs to know about rounds.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from records.models import LAO

# Each guard returns a reason (str) why the record may not be changed now, or None.
EditGuard = Callable[[LAO, int, datetime.date], str | None]
edit_guards: list[EditGuard] = []


def register_edit_guard(guard: EditGuard) -> None:
    if guard not in edit_guards:
        edit_guards.append(guard)


def edit_blocked_reason(lao: LAO, fiscal_year: int, today: datetime.date) -> str | None:
    """The first reason a guard gives for refusing changes to this record now, or None."""
    for guard in edit_guards:
        reason = guard(lao, fiscal_year, today)
        if reason:
            return reason
    return None


# Which of the LAOs (ids, a queryset of ids, or None for all) have an approved record of each
# of the fiscal years, as (year, LAO id). One query per source.
ApprovedLaos = Callable[[Iterable[int], Iterable[int] | None], set[tuple[int, int]]]
approved_sources: list[ApprovedLaos] = []


def register_approved_laos(source: ApprovedLaos) -> None:
    if source not in approved_sources:
        approved_sources.append(source)


def approved_laos_of_years(
    fiscal_years: Iterable[int], lao_ids: Iterable[int] | None = None
) -> set[tuple[int, int]]:
    """(fiscal year, LAO id) of the LAOs (of ``lao_ids``, or all) whose record of the year is
    approved."""
    found: set[tuple[int, int]] = set()
    for source in approved_sources:
        found |= source(list(fiscal_years), lao_ids)
    return found


def approved_laos(fiscal_year: int, lao_ids: Iterable[int] | None = None) -> set[int]:
    """The LAOs (of ``lao_ids``, or all) whose record of the fiscal year is approved."""
    return {pk for _year, pk in approved_laos_of_years([fiscal_year], lao_ids)}


@dataclass(frozen=True)
class Resave:
    """A section save that changed a record's values but none of its counts (its required
    and filled fields): of the progress it only moves the record's newest update, from
    ``updated_before`` to ``updated_at``, for an LAO of ``lao_type``."""

    lao_type: str
    updated_before: datetime.datetime | None
    updated_at: datetime.datetime


# Told which districts' progress changed (records saved or made, LAOs moved or added), for one
# fiscal year or (None) every year, and whether it was only a resave of one record: the
# dashboards' stored roll-ups count them again, or move the newest update
# (deadlines/progress_rollups.py), in the writer's transaction.
AreasChanged = Callable[[Iterable[str], int | None, Resave | None], None]
areas_listeners: list[AreasChanged] = []


def register_areas_changed(listener: AreasChanged) -> None:
    if listener not in areas_listeners:
        areas_listeners.append(listener)


def areas_changed(
    district_ids: Iterable[str], fiscal_year: int | None = None, resave: Resave | None = None
) -> None:
    """The records or LAOs of these districts changed (of one fiscal year, or any for None);
    ``resave`` when it was one record saved with the same counts."""
    district_ids = sorted(set(district_ids))
    for listener in areas_listeners:
        listener(district_ids, fiscal_year, resave)
