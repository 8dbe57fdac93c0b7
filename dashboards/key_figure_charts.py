"""The key figures' charts, drawn on the server with the dashboards' SVG builder and palette
(dashboards/charts.py), which also draws the provinces' tiles (``draw_tiles``).

An indicator has no fixed scale as completeness has (0–100 %), so the tile map colours the
provinces by fifths of their own values (quintiles), and the spread chart scales to the largest
value shown. As in the other charts, every tile and box carries its number (``data-value``) so the
tests can read the chart back.
"""

import itertools
from dataclasses import dataclass
from decimal import Decimal

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from dashboards.charts import NO_DATA, SCALE, Svg, TileFace, TileGeometry, draw_legend, draw_tiles
from dashboards.tilemap import TILES


def number_text(value: Decimal | float | None, decimals: int) -> str:
    """A figure as a person reads it: thousands separated, the indicator's decimals."""
    if value is None:
        return "–"
    return f"{value:,.{decimals}f}"


@dataclass
class ValueTile:
    code: str
    name: str
    value: Decimal | None
    greyed: bool = False
    href: str = ""


def quintile_breaks(values: list[Decimal]) -> list[Decimal]:
    """The four values that cut the sorted values into five groups of (nearly) equal size."""
    found = sorted(values)
    if not found:
        return []
    return [found[min(len(found) - 1, (len(found) * k) // 5)] for k in range(1, 5)]


def _step(value: Decimal, breaks: list[Decimal]) -> int:
    return sum(1 for b in breaks if value >= b)


# Key figure tiles: smaller, for a page with the ranking beside the map.
VALUE_TILES = TileGeometry(size=46, top=26, name_line=(19, 14), value_line=(36, 10))


def value_tile_map(
    tiles: dict[str, ValueTile], *, title: str, decimals: int, testid: str = "figure-tile-map"
) -> SafeString:
    """Every province in its place, coloured by the fifth of the provinces its value falls in;
    a greyed figure (too little data) is drawn with a dashed border."""
    geometry = VALUE_TILES
    width, legend_top = geometry.width, geometry.legend_top
    height = legend_top + 40
    breaks = quintile_breaks([t.value for t in tiles.values() if t.value is not None])
    svg = Svg(width=width, height=height, title=title, testid=testid)
    svg.element("text", title, x=0, y=16, font_size=14, font_weight=600, fill="#212529")
    faces = {}
    for code, (_column, _row, abbreviation) in TILES.items():
        tile = tiles.get(code) or ValueTile(code, abbreviation, None)
        if tile.value is None:
            fill, text = NO_DATA
        else:
            fill, text = SCALE[_step(tile.value, breaks)][1:]
        faces[code] = TileFace(
            fill=fill,
            text=text,
            shown=_compact(tile.value),
            title=f"{tile.name}: {number_text(tile.value, decimals)}",
            data_value="" if tile.value is None else f"{tile.value:.{decimals}f}",
            href=tile.href,
            greyed=tile.greyed,
        )
    draw_tiles(svg, faces, geometry)
    labels = [""] * len(SCALE)
    if breaks:
        edges = [None, *breaks, None]
        labels = [
            f"< {_compact(high)}"
            if low is None
            else (f"≥ {_compact(low)}" if high is None else f"{_compact(low)}–")
            for low, high in itertools.pairwise(edges)
        ]
    draw_legend(
        svg,
        [*labels, _("no data")],
        top=legend_top,
        width=width,
        label_y=lambda _index: legend_top + 30,
        font_size=10,
    )
    return svg.render()


def _compact(value: Decimal | None) -> str:
    """A short number for a tile: 1.2M, 35k, 4.5."""
    if value is None:
        return "–"
    number = float(value)
    for size, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(number) >= size:
            return f"{number / size:.1f}{suffix}"
    return f"{number:.1f}" if abs(number) < 100 else f"{number:.0f}"


def spread_chart(spreads: list, *, title: str, decimals: int, testid: str = "spread") -> SafeString:
    """One horizontal box per LAO type: the 25th to 75th percentile as the box, the median as a
    bar, whiskers to the 10th and 90th (dashboards.key_figures.Spread)."""
    label_width, plot_width, row, top = 210, 380, 30, 30
    width = label_width + plot_width + 20
    height = top + row * max(len(spreads), 1) + 30
    highest = max((s.p90 for s in spreads if s.p90 is not None), default=Decimal(0))
    scale = float(highest) or 1.0
    svg = Svg(width=width, height=height, title=title, testid=testid)
    svg.element("text", title, x=0, y=16, font_size=14, font_weight=600, fill="#212529")

    def x(value) -> float:
        return label_width + plot_width * float(value) / scale

    for index, spread in enumerate(spreads):
        y = top + index * row
        svg.open(
            "g",
            class_="spread",
            data_type=spread.lao_type,
            data_count=spread.count,
            data_value="" if spread.median is None else f"{spread.median:.{decimals}f}",
        )
        svg.element(
            "text",
            f"{spread.type_label[:30]} ({spread.count})",
            x=label_width - 6,
            y=y + 18,
            font_size=12,
            text_anchor="end",
            fill="#212529",
        )
        if spread.median is not None:
            middle = y + 14
            svg.element(
                "line", x1=x(spread.p10), x2=x(spread.p90), y1=middle, y2=middle, stroke="#495057"
            )
            svg.element(
                "rect",
                x=x(spread.p25),
                y=y + 5,
                width=max(x(spread.p75) - x(spread.p25), 1),
                height=18,
                fill=SCALE[2][1],
                stroke="#495057",
            )
            svg.element(
                "line",
                x1=x(spread.median),
                x2=x(spread.median),
                y1=y + 5,
                y2=y + 23,
                stroke="#212529",
                stroke_width=2,
            )
            svg.element(
                "text",
                number_text(spread.median, decimals),
                x=min(x(spread.p90) + 4, width - 60),
                y=y + 18,
                font_size=11,
                fill="#212529",
                class_="value",
            )
        else:
            svg.element(
                "text",
                _("too few LAOs"),
                x=label_width + 4,
                y=y + 18,
                font_size=11,
                fill="#6c757d",
            )
        svg.close("g")
    svg.element(
        "text",
        _("Box: middle half of the LAOs; bar: median; lines: 10th to 90th percentile."),
        x=0,
        y=height - 8,
        font_size=10,
        fill="#6c757d",
    )
    return svg.render()
