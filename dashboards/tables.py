"""The dashboards' tables as columns and rows for a download (dashboards.exports.table_response).

Each page's download is built from the same rows the page shows, so a file and the page always
agree; headers go through gettext like every other string the user reads.
"""

from django.utils.formats import get_format, localize
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from dashboards.exports import FORMATS
from dashboards.field_gaps import FieldGap, RuleGap
from dashboards.figures import STATUSES, AreaRow, LaoRow, SectionCell
from dashboards.models import ProgressSnapshot
from deadlines.models import RoundLAO
from records.models import Section


def wanted_format(request) -> str | None:
    """The download asked for in the query string (``download=csv|xlsx``), or None."""
    value = request.GET.get("download", "")
    return value if value in FORMATS else None


def _label(obj, name: str = "label") -> str:
    english = get_language() == "en" and getattr(obj, f"{name}_en", "")
    return english or getattr(obj, f"{name}_th")


def _status(status: str | None) -> str:
    return str(RoundLAO.Status(status).label) if status else ""


def lao_columns(sections: list[Section]) -> list[str]:
    return [
        _("DLA code"),
        _("LAO"),
        _("Type"),
        _("District"),
        _("Province"),
        _("Completeness (%)"),
        _("Required fields filled"),
        _("Required fields"),
        *[f"{_label(s)} (%)" for s in sections],
        _("Last updated"),
        _("Status"),
        _("Days early (+) or late (−)"),
        _("Acknowledged"),
    ]


def lao_values(row: LaoRow, sections: list[Section]) -> list:
    cells = {cell.code: cell for cell in row.sections}
    lao = row.lao
    return [
        lao.code,
        lao.display_name,
        row.type_label,
        lao.district.name_th,
        lao.district.province.name_th,
        row.percent,
        row.filled,
        row.required,
        *[cells[s.code].percent if s.code in cells else "" for s in sections],
        row.updated_at,
        _status(row.status),
        row.days,
        row.acknowledged if row.participant_id else "",
    ]


def area_columns(level: str) -> list[str]:
    name = _("Province") if level == "province" else _("District")
    return [
        _("Code"),
        name,
        *_round_columns(),
        _("Required fields filled"),
        _("Required fields"),
    ]


def area_values(row: AreaRow) -> list:
    return [
        row.code,
        row.display_name,
        *_round_values(row),
        row.filled,
        row.required,
    ]


def progress_columns() -> list[str]:
    return [_("Day"), *_round_columns()]


def progress_values(snapshot: ProgressSnapshot) -> list:
    return [snapshot.day, *_round_values(snapshot)]


def _round_columns() -> list[str]:
    """The columns of an area's figures in a round, a live row's and a day's snapshot's alike:
    its LAOs, those in the round, each status, acknowledged, completeness."""
    return [
        _("LAOs"),
        _("In the round"),
        *[str(label) for label in RoundLAO.Status.labels],
        _("Acknowledged"),
        _("Completeness (%)"),
    ]


def _round_values(figures: AreaRow | ProgressSnapshot) -> list:
    return [
        figures.laos,
        figures.participants,
        *[getattr(figures, status) for status in RoundLAO.Status.values],
        figures.acknowledged,
        figures.percent,
    ]


def field_columns() -> list[str]:
    return [
        _("Section"),
        _("Field code"),
        _("Field"),
        _("Required"),
        _("Records where it applies"),
        _("Missing"),
        _("Missing (%)"),
        _("Flagged"),
        _("In a failing check"),
    ]


def field_values(gap: FieldGap) -> list:
    return [
        _label(gap.section),
        gap.field.code,
        _label(gap.field),
        gap.field.required,
        gap.applicable,
        gap.missing,
        gap.missing_percent,
        gap.flagged,
        gap.rule_failures,
    ]


def rule_columns() -> list[str]:
    return [_("Section"), _("Check"), _("Records failing it")]


def rule_values(gap: RuleGap) -> list:
    return [_label(gap.section), _label(gap.rule, "message"), gap.failing]


def _area_cells(row: AreaRow, *, with_statuses: bool, alert: bool) -> str:
    """An area row's figures as table cells: its LAOs, the count of each status (while a round
    is chosen; with ``alert`` an overdue count stands out) and its completeness. Whole numbers
    only, so nothing here needs escaping."""
    stands_out = " text-danger fw-semibold" if alert and row.overdue else ""
    statuses = (
        "".join(
            f'<td class="text-end{stands_out if name == "overdue" else ""}">'
            f"{int(getattr(row, name))}</td>"
            for name in STATUSES
        )
        if with_statuses
        else ""
    )
    share = row.percent
    shown = f"{share:.1f}%" if share is not None else "–"
    return f'<td class="text-end">{int(row.laos)}</td>{statuses}<td class="text-end">{shown}</td>'


def area_table_body(rows: list[AreaRow], *, link, with_statuses: bool) -> SafeString:
    """The body of an area table (one ``<tr>`` per province or district) as HTML, built here
    rather than cell by cell in the template: the national table has some 800 cells, which
    the template language took most of the page's time to fill (and format_html, escaping
    every number, half of what was left). ``link(code)`` is the area's page; the cells are
    those of ``_area_table.html``'s head. The code, the link and the name are escaped."""
    return SafeString(
        "\n".join(
            f'<tr data-code="{escape(row.code)}"><td>{escape(row.code)}</td>'
            f'<td><a href="{escape(link(row.code))}">{escape(row.display_name)}</a></td>'
            f"{_area_cells(row, with_statuses=with_statuses, alert=True)}</tr>"
            for row in rows
        )
    )


def section_strip(cells: list[SectionCell]) -> SafeString:
    """An LAO's sections as a strip of small boxes (``templates/dashboards/_sections.html``):
    failing its checks, complete, partly filled (as wide as its per cent) or not started, each
    named with its counts in its title. Built here, not box by box in the template: a
    district's page has a strip on every row."""
    english = get_language() == "en"
    checking = f" · {_('needs checking')}"
    point = get_format("DECIMAL_SEPARATOR")

    def number(value: float) -> str:
        # localize() of a count or a per cent: below 1,000 no grouping applies, so only the
        # decimal separator can differ from str(); localize() looked the formats up again for
        # each of a district page's several hundred numbers.
        if -1000 < value < 1000:
            return str(value).replace(".", point) if type(value) is float else str(value)
        return localize(value)

    boxes = []
    for cell in cells:
        if not cell.rules_pass:
            kind = " sec-failing"
        elif cell.complete:
            kind = " sec-complete"
        elif cell.started:
            kind = " sec-partial"
        else:
            kind = ""
        partly = cell.started and not cell.complete and cell.rules_pass
        style = f' style="--filled: {number(cell.percent)}%"' if partly else ""
        label = cell.label_en if english else cell.label_th
        title = (
            f"{label}: {number(cell.filled)}/{number(cell.required)}"
            f"{checking if not cell.rules_pass else ''}"
        )
        boxes.append(f'<span class="sec{kind}"{style} title="{escape(title)}"></span>')
    return SafeString(f'<span class="sections" aria-hidden="true">{"".join(boxes)}</span>')


def days_cell(row: LaoRow) -> SafeString:
    """An LAO row's "Days" cell (``_lao_table.html``): days early or late for a submission,
    days left or late for an LAO that has not submitted, a dash outside a round; late in red.
    Built here, not with four counted translations per row in the template. The texts are the
    portal's own translations and the count a whole number, so nothing needs escaping."""
    if row.days is None:
        return SafeString("–")
    count = {"counter": row.days_count}
    if row.submitted and row.days == 0:
        return SafeString(_("on the deadline day"))
    if row.submitted and row.days > 0:
        return SafeString(
            ngettext("%(counter)s day early", "%(counter)s days early", row.days_count) % count
        )
    if not row.submitted and row.days >= 0:
        return SafeString(
            ngettext("%(counter)s day left", "%(counter)s days left", row.days_count) % count
        )
    late = ngettext("%(counter)s day late", "%(counter)s days late", row.days_count) % count
    return SafeString(f'<span class="text-danger">{late}</span>')


def sections_complete(row: LaoRow) -> SafeString:
    """The words after an LAO's section strip, for screen readers: "3 of 5 sections
    complete"."""
    text = _("%(done)s of %(all)s sections complete") % {
        "done": row.sections_complete,
        "all": len(row.sections),
    }
    return SafeString(f'<span class="visually-hidden">{text}</span>')


def area_table_total(total: AreaRow, *, with_statuses: bool) -> SafeString:
    """The total row of an area table, with the same cells as its body."""
    return format_html(
        '<tr data-code="total"><td></td><td>{}</td>{}</tr>',
        _("Total"),
        SafeString(_area_cells(total, with_statuses=with_statuses, alert=False)),
    )
