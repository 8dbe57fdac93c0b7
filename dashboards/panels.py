"""Figures turned into the pages' charts: bars per area or LAO, the burn-up, the tile map."""

import datetime
from collections.abc import Callable

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from dashboards import charts, figures, keeping
from dashboards.figures import AreaRow, LaoRow
from dashboards.snapshots import snapshot_series
from deadlines.models import Round
from deadlines.reminders import reminding_until
from records.completeness import percent
from records.models import LAO


def link_maker(url_name: str, query: str = ""):
    """A function code -> the URL of that area's page (reversed once, not once a row)."""
    pattern = reverse(url_name, args=["__code__"])
    return lambda code: pattern.replace("__code__", code) + query


def kept(kind: str, drawn_from, draw: Callable[[], str]) -> SafeString:
    """A chart drawn from exactly ``drawn_from`` (everything it shows, in the language of the
    request), kept in the cache (shared by every app server) under it: the same figures are
    drawn once, and different figures are a different key, so nothing stale is ever shown."""
    chart = keeping.kept(f"chart:{kind}", (drawn_from, get_language()), lambda: str(draw()))
    return SafeString(chart)


def area_bars(rows: list[AreaRow], *, title: str, url_name: str, query: str = "") -> SafeString:
    """Completeness per area, least complete first; each label links to the area's page."""
    link = link_maker(url_name, query)
    bars = [
        charts.Bar(label=row.display_name, value=row.percent, code=row.code, href=link(row.code))
        for row in sorted(rows, key=lambda r: (r.percent is None, r.percent or 0, r.code))
    ]
    return kept("bars", (bars, title), lambda: charts.bar_chart(bars, title=title))


def lao_bars(rows: list[LaoRow], *, title: str) -> SafeString:
    """Completeness per LAO, least complete first; each label links to the LAO's record."""
    bars = [
        charts.Bar(
            label=row.lao.display_name,
            value=row.percent,
            code=row.lao.code,
            href=reverse("records:lao-overview", args=[row.lao.code]),
        )
        for row in sorted(rows, key=lambda r: (r.completeness, r.lao.code))
    ]
    return charts.bar_chart(bars, title=title)


def province_tiles(rows: list[AreaRow], *, title: str, query: str = "") -> SafeString:
    link = link_maker("dashboards:province", query)
    tiles = {
        row.code: charts.Tile(
            code=row.code, name=row.name_th, value=row.percent, href=link(row.code)
        )
        for row in rows
    }
    return kept("tiles", (tiles, title), lambda: charts.tile_map(tiles, title=title))


def burnup_window(round: Round, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The days the burn-up spans: from the round's start to its deadline, or on to today while
    the round still reminds (up to its lock date or 60 days after the deadline)."""
    return round.starts_on, max(round.deadline, min(today, reminding_until(round)))


def burnup(
    *,
    round: Round | None,
    today: datetime.date,
    laos: QuerySet[LAO],
    own: AreaRow,
    own_level: str,
    children: list[AreaRow] | None = None,
    child_level: str | None = None,
) -> SafeString | None:
    """Share of the round's LAOs that have submitted, day by day: the page's own area in bold
    and one line per area below it (from the workflow history), with the own area's
    completeness from the daily snapshots as a dashed line when there are snapshots.

    The history only grows, so the chart is kept in the cache (shared by every app server)
    under all it is drawn from: the newest move and registry change (``keeping.history_stamp``),
    the LAOs counted, the areas and their participants, the snapshots, the day and the
    language. Two queries while nothing changes; three when it is drawn again."""
    if round is None or today < round.starts_on or not own.participants:
        return None
    start, end = burnup_window(round, today)
    snapshots = snapshot_series(round=round, level=own_level, codes=[own.code]).get(own.code, [])
    group = child_level or own_level
    drawn_from = [
        round.pk,
        start,
        end,
        today,
        round.deadline,
        keeping.history_stamp(),
        str(laos.query),
        group,
        [(area.code, area.name_th, area.participants) for area in [own, *(children or [])]],
        [(s.day, s.percent) for s in snapshots],
    ]
    return kept(
        "burnup",
        drawn_from,
        lambda: _burnup_chart(round, laos, own, children, group, (start, end), today, snapshots),
    )


def _burnup_chart(round, laos, own, children, group, window, today, snapshots) -> str:
    start, end = window
    drawn_until = min(today, end)
    # The headline's "submitted" (returns taken off), so the line ends at the tile's figure.
    by_area = figures.submitted_by_day(
        round=round, laos=laos, level=group, start=start, end=drawn_until
    )
    lines = []
    merged: dict[datetime.date, int] = {}
    for days in by_area.values():
        for day, n in days.items():
            merged[day] = merged.get(day, 0) + n
    for child in children or []:
        if child.participants:
            series = figures.cumulative(by_area.get(child.code, {}), start=start, end=drawn_until)
            lines.append(
                charts.Line(
                    label=child.name_th,
                    code=child.code,
                    points=[(d, percent(n, child.participants)) for d, n in series],
                )
            )
    series = figures.cumulative(merged, start=start, end=drawn_until)
    lines.append(
        charts.Line(
            label=own.name_th,
            code=own.code,
            main=True,
            points=[(d, percent(n, own.participants)) for d, n in series],
        )
    )
    if snapshots:
        lines.append(
            charts.Line(
                label=_("complete (daily snapshot)"),
                code=f"{own.code}-completeness",
                dashed=True,
                points=[(s.day, s.percent or 0) for s in snapshots if start <= s.day <= end],
            )
        )
    return charts.burnup_chart(
        lines,
        start=start,
        end=end,
        deadline=round.deadline,
        today=today,
        title=_("Submissions over time: share of the round's LAOs that have submitted"),
    )
