"""Charts drawn on the server as inline SVG: no JavaScript, Thai labels, readable in print.

A tiny builder (``Svg``) writes well-formed XML, so the tests read the charts back with
xml.etree and check that every bar, line and tile carries the number it claims
(``data-value`` on the element, the same number in its visible label). Text uses the page's
font (Sarabun), since the SVG is part of the page, not an image.

Three charts: horizontal bars of completeness per area or LAO (``bar_chart``), submissions over
time against the deadline (``burnup_chart``), and the provinces' tile map (``tile_map``).
"""

import datetime
import html
import itertools
from dataclasses import dataclass, field

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from dashboards.tilemap import COLUMNS, ROWS, TILES
from lgdata.thai import be_date

SVG_NS = "http://www.w3.org/2000/svg"
FONT = "Sarabun, system-ui, sans-serif"
# Every label is at least the page's body text (1.05rem = 16.8 px, static/css/portal.css). The
# charts are drawn at their natural size (one SVG unit = one CSS pixel; wider than the screen,
# they scroll), so the font size in the SVG is the size people read.
BODY_PX = 17
LINE_PX = 21
# A generous estimate of a glyph's advance in Sarabun, as a share of the font size, used to
# keep labels apart and to wrap long names (Thai vowel and tone marks take no width).
ADVANCE = 0.62
# Completeness in five steps, light to dark (a sequential palette that prints in grey too),
# with the text colour that reads on each.
SCALE = (
    (20, "#fff7bc", "#212529"),
    (40, "#c7e9b4", "#212529"),
    (60, "#7fcdbb", "#212529"),
    (80, "#2c7fb8", "#ffffff"),
    (101, "#253494", "#ffffff"),
)
NO_DATA = ("#e9ecef", "#6c757d")
LINE_COLOURS = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d")


def colour(percent: float | None) -> tuple[str, str]:
    """Fill and text colour for a completeness in per cent (None: no LAOs)."""
    if percent is None:
        return NO_DATA
    for upper, fill, text in SCALE:
        if percent < upper:
            return fill, text
    return SCALE[-1][1:]


def text_width(text: str, font_size: float) -> float:
    """The estimated width of a line of text: combining marks (Thai vowels above and below,
    tone marks) take no width."""
    import unicodedata

    return sum(0 if unicodedata.combining(c) or unicodedata.category(c) == "Mn" else 1
               for c in text) * ADVANCE * font_size  # fmt: skip


def wrap(text: str, width: float, font_size: float, lines: int = 2) -> list[str]:
    """``text`` in at most ``lines`` lines no wider than ``width`` (at spaces where it can,
    else anywhere; the last line clipped with "…")."""
    out: list[str] = []
    rest = text
    while rest and len(out) < lines:
        if text_width(rest, font_size) <= width:
            out.append(rest)
            rest = ""
            break
        cut = len(rest)
        while cut > 1 and text_width(rest[:cut], font_size) > width:
            cut -= 1
        space = rest.rfind(" ", 0, cut)
        if space > 0:
            cut = space
        out.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        last = out[-1]
        while last and text_width(last + "…", font_size) > width:
            last = last[:-1]
        out[-1] = last + "…"
    return out


def percent_text(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}%"


_NAMES: dict[str, str] = {}  # attribute names as written: font_size -> font-size


class Svg:
    """SVG markup built element by element; attribute names take "-" for "_" (``font_size``)
    and a trailing "_" is dropped (``class_``)."""

    def __init__(self, *, width: float, height: float, title: str, testid: str) -> None:
        self.width, self.height = width, height
        self.parts: list[str] = []
        self.open(
            "svg",
            xmlns=SVG_NS,
            viewBox=f"0 0 {width:g} {height:g}",
            width=f"{width:g}",
            height=f"{height:g}",
            role="img",
            font_family=FONT,
            class_="dashboard-chart",
            data_testid=testid,
        )
        self.element("title", title)

    @staticmethod
    def _attrs(attrs: dict) -> str:
        out = []
        for name, value in attrs.items():
            if value is None:
                continue
            key = _NAMES.get(name)
            if key is None:
                key = _NAMES[name] = name.rstrip("_").replace("_", "-")
            if isinstance(value, float):
                value = f"{value:.2f}".rstrip("0").rstrip(".")
            out.append(f' {key}="{html.escape(str(value))}"')
        return "".join(out)

    def open(self, tag: str, **attrs) -> None:
        if tag == "a" and ' role="img"' in self.parts[0]:
            # An image has no parts to click: a chart with links is a group of them (WCAG 4.1.2).
            self.parts[0] = self.parts[0].replace(' role="img"', ' role="group"', 1)
        self.parts.append(f"<{tag}{self._attrs(attrs)}>")

    def close(self, tag: str) -> None:
        self.parts.append(f"</{tag}>")

    def element(self, tag: str, text: str | None = None, **attrs) -> None:
        if text is None:
            self.parts.append(f"<{tag}{self._attrs(attrs)}/>")
        else:
            self.parts.append(
                f"<{tag}{self._attrs(attrs)}>{html.escape(str(text), quote=False)}</{tag}>"
            )

    def render(self) -> SafeString:
        return mark_safe("".join([*self.parts, "</svg>"]))  # noqa: S308 - every value escaped


# --- Bars ----------------------------------------------------------------------------------------


@dataclass
class Bar:
    label: str
    value: float | None  # per cent, None for no data
    code: str = ""
    href: str = ""


def draw_title(svg: Svg, lines: list[str]) -> None:
    """A chart's title in bold at its top left, one line of text after another."""
    for n, line in enumerate(lines):
        svg.element(
            "text", line, x=0, y=BODY_PX + n * LINE_PX, font_size=BODY_PX, font_weight=600,
            fill="#212529",
        )  # fmt: skip


def bar_chart(bars: list[Bar], *, title: str, testid: str = "bar-chart") -> SafeString:
    """Horizontal bars of completeness (0–100 %), one a row: the name above its bar (wrapped on
    two lines when long) and the value at the end of the bar; the order is the caller's. Narrow
    enough for a phone at its natural size."""
    width, value_room, bar_h, gap = 360, 70, 14, 10
    bar_width = width - value_room
    title_lines = wrap(title, width, BODY_PX)
    top = LINE_PX * len(title_lines) + 8
    rows = [(bar, wrap(bar.label, width, BODY_PX)) for bar in bars]
    body = sum(LINE_PX * len(lines) + bar_h + gap for _bar, lines in rows)
    height = top + body + LINE_PX + 8
    svg = Svg(width=width, height=height, title=title, testid=testid)
    draw_title(svg, title_lines)
    bottom = height - LINE_PX - 4
    for tick in (0, 50, 100):
        x = bar_width * tick / 100
        svg.element("line", x1=x, x2=x, y1=top, y2=bottom, stroke="#dee2e6")
        svg.element(
            "text", f"{tick}%", x=x, y=height - 6, font_size=BODY_PX,
            text_anchor={0: "start", 100: "end"}.get(tick, "middle"), fill="#6c757d",
        )  # fmt: skip
    y = top
    for bar, lines in rows:
        fill, _text = colour(bar.value)
        svg.open("g", class_="bar", data_code=bar.code, data_value=_data(bar.value))
        if bar.href:
            svg.open("a", href=bar.href)
        for n, line in enumerate(lines):
            svg.element(
                "text", line, x=0, y=y + BODY_PX + n * LINE_PX, font_size=BODY_PX,
                fill="#0d6efd" if bar.href else "#212529", class_="label",
            )  # fmt: skip
        if bar.href:
            svg.close("a")
        y += LINE_PX * len(lines)
        length = bar_width * (bar.value or 0) / 100
        svg.element(
            "rect", x=0, y=y + 2, width=max(length, 0.5), height=bar_h, fill=fill,
            stroke="#495057", stroke_width=0.5,
        )  # fmt: skip
        svg.element(
            "text", percent_text(bar.value), x=length + 4, y=y + bar_h, font_size=BODY_PX,
            fill="#212529", class_="value",
        )  # fmt: skip
        svg.close("g")
        y += bar_h + gap
    return svg.render()


def _data(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def _clip(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


# --- Burn-up --------------------------------------------------------------------------------------


@dataclass
class Line:
    """One area's share of LAOs that have submitted, day by day (per cent)."""

    label: str
    points: list[tuple[datetime.date, float]]
    code: str = ""
    main: bool = False  # the page's own area: drawn bold and labelled
    dashed: bool = False  # a different measure (completeness from the daily snapshots)
    extra: dict = field(default_factory=dict)


def burnup_chart(
    lines: list[Line],
    *,
    start: datetime.date,
    end: datetime.date,
    deadline: datetime.date,
    today: datetime.date,
    title: str,
    testid: str = "burnup-chart",
) -> SafeString:
    """Submissions over time against the deadline: per cent of the LAOs in the round that have
    submitted, one line per area, from the round's start to ``end``; the deadline and today as
    vertical lines, 100 % as the target."""
    left, right, bottom = 52, 230, 2 * LINE_PX + 8
    plot_w, plot_h = 460, 240
    width = left + plot_w + right
    title_lines = wrap(title, width, BODY_PX)
    top = LINE_PX * len(title_lines) + 14
    height = top + plot_h + bottom
    days = max((end - start).days, 1)
    svg = Svg(width=width, height=height, title=title, testid=testid)
    draw_title(svg, title_lines)

    def x(day: datetime.date) -> float:
        return left + plot_w * (day - start).days / days

    def y(percent: float) -> float:
        return top + plot_h * (1 - percent / 100)

    for tick in (0, 25, 50, 75, 100):
        svg.element(
            "line",
            x1=left,
            x2=left + plot_w,
            y1=y(tick),
            y2=y(tick),
            stroke="#dee2e6" if tick < 100 else "#adb5bd",
        )
        svg.element(
            "text",
            f"{tick}%",
            x=left - 6,
            y=y(tick) + 6,
            font_size=BODY_PX,
            text_anchor="end",
            fill="#6c757d",
        )
    for day, anchor in ((start, "start"), (end, "end")):
        svg.element(
            "text",
            be_date(day, short=True),
            x=x(day),
            y=top + plot_h + LINE_PX,
            font_size=BODY_PX,
            text_anchor=anchor,
            fill="#6c757d",
        )

    def day_line(day: datetime.date, **style) -> None:
        svg.element("line", x1=x(day), x2=x(day), y1=top, y2=top + plot_h, **style)

    if start <= deadline <= end:
        day_line(deadline, stroke="#dc3545", stroke_width=1.5, class_="deadline")
        svg.element(
            "text",
            f"{_('Deadline')} {be_date(deadline, short=True)}",
            x=x(deadline),
            y=top + plot_h + 2 * LINE_PX,
            font_size=BODY_PX,
            text_anchor="middle",
            fill="#dc3545",
        )
    if start <= today <= end:
        day_line(today, stroke="#6c757d", stroke_dasharray="2 3")
    colours = iter(LINE_COLOURS * (1 + len(lines) // len(LINE_COLOURS)))
    many = sum(1 for line in lines if not line.main) > len(LINE_COLOURS)
    labels: list[tuple[float, str, str, str]] = []  # wanted y, text, colour, code
    for line in sorted(lines, key=lambda line: line.main):
        if not line.points:
            continue
        if line.main:
            stroke, stroke_width = "#212529", 2.5
        else:
            stroke, stroke_width = ("#adb5bd" if many else next(colours)), 1.2
        points = " ".join(f"{x(d):.1f},{y(v):.1f}" for d, v in line.points)
        last_day, last = line.points[-1]
        svg.element(
            "polyline",
            points=points,
            fill="none",
            stroke=stroke,
            stroke_width=stroke_width,
            stroke_dasharray="5 3" if line.dashed else None,
            class_="line",
            data_code=line.code,
            data_value=f"{last:.1f}",
            data_main="1" if line.main else None,
        )
        if len(line.points) == 1:
            svg.element("circle", cx=x(last_day), cy=y(last), r=3, fill=stroke)
        if line.main or not many:
            labels.append(
                (y(last) + 6, f"{_clip(line.label, 14)} {percent_text(last)}", stroke, line.code)
            )
    # Labels at the end of their lines, moved apart so none overlaps the next (one line each).
    label_x = x(min(today, end)) + 6
    placed: list[float] = []
    for wanted, *_rest in sorted(labels):
        placed.append(max(wanted, placed[-1] + LINE_PX) if placed else wanted)
    shift = max(0.0, (placed[-1] if placed else 0) - (top + plot_h + 6))
    for (_wanted, text, stroke, code), at in zip(sorted(labels), placed, strict=True):
        svg.element(
            "text", text, x=label_x, y=max(at - shift, top + 6), font_size=BODY_PX,
            fill=stroke, class_="line-label", data_code=code,
        )  # fmt: skip
    return svg.render()


# --- Tile map -------------------------------------------------------------------------------------


@dataclass
class Tile:
    code: str
    name: str
    value: float | None  # completeness per cent, None without LAOs
    href: str = ""


@dataclass
class TileFace:
    """How one province's tile is drawn: its colours, the number on it (``shown``, and
    ``data_value`` for the tests), what pointing at it says, and a link."""

    fill: str
    text: str
    shown: str
    title: str
    data_value: str
    href: str = ""
    greyed: bool = False  # too little data: a dashed border, faded


@dataclass
class TileGeometry:
    """A tile map's sizes: the tiles, the top of the first row, the two lines of text on a
    tile (baseline from the tile's top, font size)."""

    size: int
    top: int
    name_line: tuple[int, int]
    value_line: tuple[int, int]
    gap: int = 3

    @property
    def width(self) -> int:
        return COLUMNS * (self.size + self.gap)

    @property
    def legend_top(self) -> int:
        return self.top + ROWS * (self.size + self.gap) + 8


def draw_tiles(svg: Svg, faces: dict[str, TileFace], geometry: TileGeometry) -> None:
    """Every province as a square in its place (dashboards.tilemap) with its abbreviation and
    its number; ``faces`` says how each is drawn."""
    size, gap = geometry.size, geometry.gap
    for code, (column, row, abbreviation) in TILES.items():
        face = faces[code]
        x, y = column * (size + gap), geometry.top + row * (size + gap)
        svg.open(
            "g",
            class_="tile",
            data_code=code,
            data_value=face.data_value,
            data_greyed="1" if face.greyed else None,
        )
        if face.href:
            svg.open("a", href=face.href)
        svg.element("title", face.title)
        svg.element(
            "rect",
            x=x,
            y=y,
            width=size,
            height=size,
            rx=4,
            fill=face.fill,
            stroke="#495057",
            stroke_width=1.5 if face.greyed else 0.5,
            stroke_dasharray="3 2" if face.greyed else None,
            opacity=0.55 if face.greyed else None,
        )
        # The abbreviation in bold, the number below it.
        for text, (baseline, font_size), weight, class_ in (
            (abbreviation, geometry.name_line, 600, None),
            (face.shown, geometry.value_line, None, "value"),
        ):
            svg.element(
                "text",
                text,
                x=x + size / 2,
                y=y + baseline,
                font_size=font_size,
                font_weight=weight,
                text_anchor="middle",
                fill=face.text,
                class_=class_,
            )
        if face.href:
            svg.close("a")
        svg.close("g")


def draw_legend(
    svg: Svg, labels: list[str], *, top: int, width: float, label_y, font_size: int
) -> None:
    """The colour steps (SCALE, then "no data") as boxes in a row, each with its label below at
    ``label_y(index)``."""
    step = width / (len(SCALE) + 1)
    for index, ((_upper, fill, _text), label) in enumerate(
        zip([*SCALE, (None, *NO_DATA)], labels, strict=True)
    ):
        x = index * step
        svg.element(
            "rect",
            x=x,
            y=top,
            width=step - 4,
            height=16,
            fill=fill,
            stroke="#495057",
            stroke_width=0.5,
        )
        svg.element("text", label, x=x, y=label_y(index), font_size=font_size, fill="#212529")


# Completeness tiles: large enough for the page's body text.
COMPLETENESS_TILES = TileGeometry(
    size=54, top=30, name_line=(22, BODY_PX), value_line=(44, BODY_PX)
)


def tile_map(tiles: dict[str, Tile], *, title: str, testid: str = "tile-map") -> SafeString:
    """Every province as a square in its place (dashboards.tilemap), coloured by completeness,
    with its abbreviation and per cent; a legend of the colour steps below."""
    geometry = COMPLETENESS_TILES
    width, legend_top = geometry.width, geometry.legend_top
    height = legend_top + 16 + 2 * LINE_PX
    svg = Svg(width=width, height=height, title=title, testid=testid)
    draw_title(svg, [_clip(title, 40)])
    faces = {}
    for code, (_column, _row, abbreviation) in TILES.items():
        tile = tiles.get(code) or Tile(code, abbreviation, None)
        fill, text = colour(tile.value)
        faces[code] = TileFace(
            fill=fill,
            text=text,
            shown="–" if tile.value is None else f"{tile.value:.0f}%",
            title=f"{tile.name}: {percent_text(tile.value)}",
            data_value=_data(tile.value),
            href=tile.href,
        )
    draw_tiles(svg, faces, geometry)
    uppers = [upper for upper, _fill, _text in SCALE]
    labels = [f"{lower}–{min(upper, 100)}%" for lower, upper in itertools.pairwise([0, *uppers])]
    # Legend labels alternate between two lines so neighbours never touch.
    draw_legend(
        svg,
        [*labels, _("no LAOs")],
        top=legend_top,
        width=width,
        label_y=lambda index: legend_top + 16 + LINE_PX * (1 + index % 2),
        font_size=BODY_PX,
    )
    return svg.render()
