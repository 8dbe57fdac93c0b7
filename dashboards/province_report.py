"""The printable province report: completeness by district, the LAOs overdue, the letters.

Added up exactly as the dashboards add them (``dashboards.figures``), so the paper a province
officer takes to a meeting says what the screen says.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q

from dashboards import figures
from deadlines.models import Circular, Round, RoundLAO
from lgdata.thai import fiscal_year_of
from records.models import LAO, Province


@dataclass
class ProvinceReport:
    """What the printable province report shows (see ``province_report_build``)."""

    province: Province
    fiscal_year: int
    today: datetime.date
    round: Round | None
    districts: list[figures.AreaRow]  # districts with LAOs, in code order
    total: figures.AreaRow  # the whole province
    overdue: list[figures.LaoRow]
    chain: list[Circular]  # department first

    @property
    def is_overdue(self) -> bool:
        return self.round is not None and self.round.is_overdue(self.today)

    @property
    def overdue_lines(self) -> list[tuple[figures.LaoRow, int | None]]:
        """(LAO row, days past the deadline) for each LAO overdue."""
        return [(row, -row.days if row.days is not None else None) for row in self.overdue]


def province_report_build(*, province: Province, today: datetime.date) -> ProvinceReport:
    """Completeness by district and the LAOs overdue in the current round, added up exactly as
    the dashboards add them (``dashboards.figures``), and the round's chain of letters: the
    department circular, then the province's and its districts' forwarding letters.
    A fixed number of queries whatever the number of LAOs."""
    current = figures.current_round()
    year = current.fiscal_year if current else fiscal_year_of(today)
    laos = LAO.objects.active_on(today).filter(district__province=province)
    districts = figures.area_rows(
        level="district",
        parent_code=province.code,
        laos=laos,
        round=current,
        fiscal_year=year,
        today=today,
    )
    total = figures.totals(
        districts,
        level="province",
        code=province.code,
        name_th=province.name_th,
        name_en=province.name_en,
        display_name=province.display_name,
    )
    overdue: list = []
    chain: list = []
    if current is not None:
        if current.is_overdue(today):
            overdue = figures.lao_progress_rows(
                laos=laos,
                round=current,
                fiscal_year=year,
                today=today,
                sections=[],
                status=RoundLAO.Status.OVERDUE,
            )
        circular = current.circular
        letters = Circular.objects.filter(
            Q(level=Circular.Level.PROVINCE, province=province, forwards=circular)
            | Q(
                level=Circular.Level.DISTRICT,
                district__province=province,
                forwards__in=Circular.objects.filter(Q(pk=circular.pk) | Q(forwards=circular)),
            )
        ).select_related("province", "district")
        chain = [
            circular,
            *sorted(
                letters,
                key=lambda c: (c.level != Circular.Level.PROVINCE, c.district_id or "", c.date),
            ),
        ]
    return ProvinceReport(
        province=province,
        fiscal_year=year,
        today=today,
        round=current,
        districts=[row for row in districts if row.laos],
        total=total,
        overdue=overdue,
        chain=chain,
    )
