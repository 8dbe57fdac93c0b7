"""The key figures' charts, drawn on the server with the dashboards' SVG builder and palette
(dashboards/charts.py) and tile positions (dashboards/tilemap.py).

An indicator has no fixed scale as completeness has (0–100 %), so the tile map colours the
provinces by fifths of their own values (quintiles), and the spread chart scales to the largest
value shown. As in the other charts, every tile and box carries its number (``data-value``) so the
tests can read the chart back.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from dashboards.charts import NO_DATA, SCALE, Svg
from dashboards.tilemap import COLUMNS, ROWS, TILES


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


def value_tile_map(
    tiles: dict[str, ValueTile], *, title: str, decimals: int, testid: str = "figure-tile-map"
) -> SafeString:
    """Every province in its place, coloured by the fifth of the provinces its value falls in;
    a greyed figure (too little data) is drawn with a dashed border."""
    size, gap, top = 46, 3, 26
    width = COLUMNS * (size + gap)
    legend_top = top + ROWS * (size + gap) + 8
    height = legend_top + 40
    breaks = quintile_breaks([t.value for t in tiles.values() if t.value is not None])
    svg = Svg(width=width, height=height, title=title, testid=testid)
    svg.element("text", title, x=0, y=16, font_size=14, font_weight=600, fill="#212529")
    for code, (column, row, abbreviation) in TILES.items():
        tile = tiles.get(code) or ValueTile(code, abbreviation, None)
        if tile.value is None:
            fill, text = NO_DATA
        else:
            fill, text = SCALE[_step(tile.value, breaks)][1:]
        x, y = column * (size + gap), top + row * (size + gap)
        shown = number_text(tile.value, decimals)
        svg.open(
            "g",
            class_="tile",
            data_code=code,
            data_value="" if tile.value is None else f"{tile.value:.{decimals}f}",
            data_greyed="1" if tile.greyed else None,
        )
        if tile.href:
            svg.open("a", href=tile.href)
        svg.element("title", f"{tile.name}: {shown}")
        svg.element(
            "rect",
            x=x,
            y=y,
            width=size,
            height=size,
            rx=4,
            fill=fill,
            stroke="#495057",
            stroke_width=1.5 if tile.greyed else 0.5,
            stroke_dasharray="3 2" if tile.greyed else None,
            opacity=0.55 if tile.greyed else None,
        )
        svg.element(
            "text",
            abbreviation,
            x=x + size / 2,
            y=y + 19,
            font_size=14,
            font_weight=600,
            text_anchor="middle",
            fill=text,
        )
        svg.element(
            "text",
            _compact(tile.value),
            x=x + size / 2,
            y=y + 36,
            font_size=10,
            text_anchor="middle",
            fill=text,
            class_="value",
        )
        if tile.href:
            svg.close("a")
        svg.close("g")
    step = width / (len(SCALE) + 1)
    edges = [None, *breaks, None]
    for index, (_upper, fill, _text) in enumerate([*SCALE, (None, *NO_DATA)]):
        x = index * step
        if index == len(SCALE):
            label = _("no data")
        elif not breaks:
            label = ""
        else:
            low, high = edges[index], edges[index + 1]
            label = (
                f"< {_compact(high)}"
                if low is None
                else (f"≥ {_compact(low)}" if high is None else f"{_compact(low)}–")
            )
        svg.element(
            "rect",
            x=x,
            y=legend_top,
            width=step - 4,
            height=16,
            fill=fill,
            stroke="#495057",
            stroke_width=0.5,
        )
        svg.element("text", label, x=x, y=legend_top + 30, font_size=10, fill="#212529")
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
