"""The key-figure tables as the pages show them and as they download (CSV and XLSX through
dashboards.exports.table_response): one builder per table, so a file and its page agree."""

import html
from dataclasses import dataclass
from decimal import Decimal

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _

from dashboards.key_figure_charts import number_text
from dashboards.key_figures import Comparison, Figure, Row, reason_words, translated
from records.indicators import Indicator
from records.models import LAO


def english() -> bool:
    return get_language() == "en"


def name(indicator: Indicator) -> str:
    return indicator.name_en if english() else indicator.name_th


def unit(indicator: Indicator) -> str:
    return indicator.unit_en if english() else indicator.unit_th


def rounded(value: Decimal | None, indicator: Indicator) -> Decimal | float | None:
    """The value as a download gives it: rounded to the indicator's decimals, a number."""
    if value is None:
        return None
    quantum = Decimal(1).scaleb(-indicator.decimals)
    result = value.quantize(quantum)
    return int(result) if indicator.decimals == 0 else float(result)


@dataclass
class Cell:
    """One figure on a page: the text, last year's, and what the tooltip says."""

    text: str
    last_text: str
    greyed: bool
    title: str
    value: Decimal | None


def coverage_words() -> str:
    """The tooltip's sentence, translated once per table rather than once per cell."""
    return translated(gettext_noop("%(contributing)d of %(laos)d LAOs, %(approved)d approved"))


def cell(
    figure: Figure | None,
    last: Figure | None,
    words: str | None = None,
    reasons: dict[str, str] | None = None,
) -> Cell:
    """A figure as a table shows it; ``words`` and ``reasons`` (``coverage_words``,
    ``key_figures.reason_words``) translated once per table."""
    if figure is None:
        return Cell("", "", False, "", None)
    decimals = figure.indicator.decimals
    coverage = (words or coverage_words()) % {
        "contributing": figure.contributing,
        "laos": figure.laos,
        "approved": figure.approved,
    }
    value = figure.value
    reason = figure.reason_in(reasons or reason_words())
    return Cell(
        text=number_text(value, decimals),
        last_text=number_text(last.value if last else None, decimals),
        greyed=bool(reason),
        title=f"{coverage} · {reason}" if reason else coverage,
        value=value,
    )


def cells_html(cells: list[Cell]) -> SafeString:
    """A row's figures as table cells, written here rather than by the template engine: the
    national table has some 2,300 of them, and an include per cell costs more than the figures.
    Every text is escaped."""
    parts = []
    for c in cells:
        classes = "text-end stale fst-italic" if c.greyed else "text-end"
        title = f' title="{html.escape(c.title)}"' if c.title else ""
        greyed = ' data-greyed="1"' if c.greyed else ""
        last = f'<br><span class="text-muted small">{html.escape(c.last_text)}</span>'
        body = f"{html.escape(c.text)}{last}" if c.text else ""
        parts.append(f'<td class="{classes}"{title}{greyed}>{body}</td>')
    return mark_safe("".join(parts))  # noqa: S308 - every value escaped above


def area_columns(indicators: list[Indicator], year: int, level_name: str) -> list[str]:
    columns = [_("Code"), level_name]
    for indicator in indicators:
        label = f"{name(indicator)} ({unit(indicator)})"
        columns += [
            f"{label} {year}",
            f"{label} {year - 1}",
            f"{name(indicator)}: {_('LAOs with the inputs')}",
            f"{name(indicator)}: {_('LAOs')}",
            f"{name(indicator)}: {_('approved')}",
        ]
    return columns


def area_values(row: Row, last: Row | None, indicators: list[Indicator]) -> list:
    values = [row.code, row.name(english())]
    for indicator in indicators:
        figure = row.figures.get(indicator.code)
        before = last.figures.get(indicator.code) if last else None
        if figure is None:
            values += ["", "", "", "", ""]
            continue
        values += [
            rounded(figure.value, indicator),
            rounded(before.value if before else None, indicator),
            figure.contributing,
            figure.laos,
            figure.approved,
        ]
    return values


def ranking_columns(indicator: Indicator, year: int) -> list[str]:
    return [
        _("Rank"),
        _("Code"),
        _("Province"),
        f"{name(indicator)} ({unit(indicator)}) {year}",
        f"{year - 1}",
        _("Numerator"),
        _("Denominator"),
        _("LAOs with the inputs"),
        _("LAOs"),
        _("Approved"),
        _("Coverage (%)"),
    ]


def ranking_values(rank: int | None, row: Row, last: Row | None, indicator: Indicator) -> list:
    figure = row.figures[indicator.code]
    before = last.figures.get(indicator.code) if last else None
    return [
        rank,
        row.code,
        row.name(english()),
        rounded(figure.value, indicator),
        rounded(before.value if before else None, indicator),
        figure.numerator,
        figure.denominator if indicator.is_ratio else None,
        figure.contributing,
        figure.laos,
        figure.approved,
        figure.coverage_percent,
    ]


def profile_columns(lao: LAO, year: int) -> list[str]:
    return [
        _("Indicator"),
        _("Unit"),
        f"{lao.display_name} {year}",
        f"{lao.display_name} {year - 1}",
        _("Median of the same type in the province"),
        _("LAOs compared in the province"),
        _("Median of the same type in the country"),
        _("LAOs compared in the country"),
    ]


def profile_values(comparison: Comparison) -> list:
    indicator = comparison.indicator
    return [
        name(indicator),
        unit(indicator),
        rounded(comparison.value, indicator),
        rounded(comparison.last_year, indicator),
        rounded(comparison.province_median, indicator),
        comparison.province_count,
        rounded(comparison.country_median, indicator),
        comparison.country_count,
    ]
