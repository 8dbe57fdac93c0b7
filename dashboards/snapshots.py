"""Taking and reading the daily progress snapshots (dashboards.models.ProgressSnapshot).

Statuses can be traced back through the workflow history, but completeness cannot (seeded and
imported values have no history, and a record's past counts are not kept), so the figures of
each day are kept as they were counted that day.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from dashboards.figures import COUNTED, AreaRow, area_rows, totals
from dashboards.models import ProgressSnapshot
from deadlines.models import Round
from deadlines.reminders import rounds_reminding
from records.models import LAO

Level = ProgressSnapshot.Level


@dataclass
class Taken:
    round: Round
    rows: int


@transaction.atomic
def snapshots_take(*, day: datetime.date, rounds: Iterable[Round] | None = None) -> list[Taken]:
    """Counts every running round (the rounds still reminding on ``day``, or those given) for
    the nation, each province and each district with LAOs, and stores the figures as ``day``'s.

    Idempotent: a second run the same day replaces that day's rows with the new counts. Three
    queries a round for the figures, whatever the number of LAOs.
    """
    rounds = list(rounds_reminding(today=day) if rounds is None else rounds)
    now = timezone.now()
    taken = []
    for round_ in rounds:
        laos = LAO.objects.active_on(day)
        kwargs = {"laos": laos, "round": round_, "fiscal_year": round_.fiscal_year, "today": day}
        provinces = area_rows(level="province", parent_code=None, **kwargs)
        districts = area_rows(level="district", parent_code=None, **kwargs)
        nation = totals(provinces, level=Level.NATION, code="", name_th="")
        rows = [
            _snapshot(row, level, round_, day, now)
            for level, group in (
                (Level.NATION, [nation]),
                (Level.PROVINCE, provinces),
                (Level.DISTRICT, districts),
            )
            for row in group
            if row.laos
        ]
        ProgressSnapshot.objects.filter(round=round_, day=day).delete()
        ProgressSnapshot.objects.bulk_create(rows, batch_size=500)
        taken.append(Taken(round=round_, rows=len(rows)))
    return taken


def _snapshot(row: AreaRow, level: str, round_: Round, day, now) -> ProgressSnapshot:
    return ProgressSnapshot(
        round=round_,
        day=day,
        level=level,
        code=row.code,
        taken_at=now,
        **{name: getattr(row, name) for name in COUNTED},
    )


def snapshot_series(
    *, round: Round, level: str, codes: Iterable[str]
) -> dict[str, list[ProgressSnapshot]]:
    """Each area's snapshots in the round, oldest day first. One query."""
    series: dict[str, list[ProgressSnapshot]] = defaultdict(list)
    for snapshot in ProgressSnapshot.objects.filter(
        round=round, level=level, code__in=list(codes)
    ).order_by("day"):
        series[snapshot.code].append(snapshot)
    return dict(series)


def snapshots_on(*, round: Round, day: datetime.date, level: str, codes: Iterable[str]):
    """The snapshots of these areas on one day, by code. One query."""
    return {
        s.code: s
        for s in ProgressSnapshot.objects.filter(
            round=round, day=day, level=level, code__in=list(codes)
        )
    }
