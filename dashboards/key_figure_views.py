"""The key-figure pages: every indicator by area (``/figures/``), one indicator across the
country (``/figures/<indicator>/``) and one LAO's profile (``/lao/<code>/figures/``).

Read side only: the figures come from dashboards.key_figures (cached; see its docstring), and
accounts.access decides what is shown. Area totals are for every officer, department staff and
executives; LAO-level values only within the user's scope; a clerk reads their own LAO's profile
(an LAO outside the scope is a 404). Every table downloads as CSV and XLSX (``?download=``).
"""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from dashboards import key_figure_charts as charts
from dashboards import key_figure_tables as tables
from dashboards import key_figures
from dashboards.exports import table_response
from dashboards.filters import resolve_period
from dashboards.tables import wanted_format
from records.indicators import Indicator, load_catalogue
from records.models import District, Province


def _choices(request: HttpRequest):
    """(fiscal year, the years to choose from, approved records only), from the query string."""
    period = resolve_period(request.GET, today=timezone.localdate())
    return period.fiscal_year, period.years, request.GET.get("approved") == "1"


def _sorted(rows, sort: str, last_by_code: dict):
    """Rows by one indicator's value (``sort``: its code, "-" first for largest first); areas
    without the figure last."""
    code = sort.lstrip("-")
    if code not in load_catalogue().codes:
        return rows
    with_value = [r for r in rows if r.figures.get(code) and r.figures[code].value is not None]
    without = [r for r in rows if r not in with_value]
    with_value.sort(key=lambda r: r.figures[code].value, reverse=sort.startswith("-"))
    return with_value + without


def _require_officer(request: HttpRequest) -> None:
    if not access.can_see_key_figures(request.user):
        raise Http404


@login_required
def figures_index(request: HttpRequest) -> HttpResponse:
    """Every indicator by province, a province's districts (``?province=``) or a district's LAOs
    (``?district=``), this year beside last year."""
    user = request.user
    if not access.can_see_key_figures(user):
        if user.lao_id:
            return redirect("figures:lao", user.lao.code)
        raise Http404
    year, years, approved_only = _choices(request)
    common = {"approved_only": approved_only, "today": timezone.localdate()}
    view = _index_view(request, year, common)
    rows, last, total, total_last = view.rows, view.last, view.total, view.total_last
    level_name, place, province, district = (
        view.level_name,
        view.place,
        view.province,
        view.district,
    )
    scope_note = view.scope_note
    indicators = list(load_catalogue().indicators)
    last_by_code = {r.code: r for r in last}
    rows = _sorted(rows, request.GET.get("sort", ""), last_by_code)
    fmt = wanted_format(request)
    if fmt:
        values = [
            tables.area_values(row, last_by_code.get(row.code), indicators)
            for row in [*rows, total]
        ]
        return _key_figures_download(
            fmt,
            place,
            f"{(district or province).code if province else 'th'}-{year}",
            tables.area_columns(indicators, year, level_name),
            values,
            _applied(year, approved_only),
        )
    return render(
        request,
        "dashboards/key_figures.html",
        {
            "year": year,
            "years": years,
            "approved_only": approved_only,
            "indicators": [(i, tables.name(i), tables.unit(i)) for i in indicators],
            "rows": [_row(request, r, last_by_code.get(r.code), indicators) for r in rows],
            "total": _row(request, total, total_last, indicators, link=False),
            "level_name": level_name,
            "place": place,
            "province": province,
            "district": district,
            "scope_note": scope_note,
            "sort": request.GET.get("sort", ""),
            "min_coverage": round(100 * load_catalogue().min_coverage),
        },
    )


@dataclass
class IndexView:
    """What /figures/ shows at its level: the rows (this year and last), the total row of the
    place above them, and how to name them."""

    rows: list
    last: list
    total: key_figures.Row
    total_last: key_figures.Row
    level_name: str
    place: str
    province: Province | None = None
    district: District | None = None
    scope_note: bool = False


def _index_view(request: HttpRequest, year: int, common: dict) -> IndexView:
    """Provinces (no parameter), a province's districts (``province``) or a district's LAOs in
    the user's scope (``district``), with the total of the place above them."""
    if request.GET.get("district"):
        district = get_object_or_404(
            District.objects.select_related("province"), code=request.GET["district"]
        )
        province = district.province
        visible = set(
            access.laos_visible_to(request.user)
            .filter(district=district)
            .values_list("pk", flat=True)
        )
        by_year = key_figures.area_tables(
            level="district", parent=province.code, years=[year, year - 1], **common
        )
        totals = [
            next(r for r in by_year[y][0] if r.code == district.code) for y in (year, year - 1)
        ]
        # The LAOs' own figures come from the per-LAO tables, cached under the fingerprint.
        fp = key_figures.fingerprint()
        return IndexView(
            rows=key_figures.lao_figure_rows(lao_ids=visible, year=year, fp=fp, **common),
            last=key_figures.lao_figure_rows(lao_ids=visible, year=year - 1, fp=fp, **common),
            total=totals[0],
            total_last=totals[1],
            level_name=_("LAO"),
            place=district.display_name,
            province=province,
            district=district,
            scope_note=not visible,
        )
    if request.GET.get("province"):
        province = get_object_or_404(Province, code=request.GET["province"])
        by_year = key_figures.area_tables(
            level="district", parent=province.code, years=[year, year - 1], **common
        )
        (rows, total), (last, total_last) = by_year[year], by_year[year - 1]
        return IndexView(
            rows, last, total, total_last, _("District"), province.display_name, province
        )
    by_year = key_figures.area_tables(level="province", years=[year, year - 1], **common)
    (rows, total), (last, total_last) = by_year[year], by_year[year - 1]
    return IndexView(rows, last, total, total_last, _("Province"), _("Whole country"))


def _key_figures_download(fmt, place, name: str, columns, rows, filters) -> HttpResponse:
    """A key figures table of ``place`` as a download, named key-figures-``name``."""
    return table_response(
        fmt=fmt,
        title=_("Key figures") + f" – {place}",
        filename=f"key-figures-{name}",
        columns=columns,
        rows=rows,
        filters=filters,
    )


def _applied(year: int, approved_only: bool) -> dict[str, str]:
    return {
        _("Fiscal year"): str(year),
        _("Records"): _("approved only") if approved_only else _("latest entered values"),
    }


def _row(request, row, last, indicators: list[Indicator], *, link: bool = True) -> dict:
    words, reasons = tables.coverage_words(), key_figures.reason_words()
    query = request.GET.copy()
    for name in ("download", "sort", "province", "district"):
        query.pop(name, None)
    href = ""
    if link and row.level == "province":
        query["province"] = row.code
        href = f"?{query.urlencode()}"
    elif link and row.level == "district":
        query["district"] = row.code
        href = f"?{query.urlencode()}"
    elif link and row.level == "lao":
        href = reverse("figures:lao", args=[row.code])
    return {
        "code": row.code,
        "name": row.name(tables.english()),
        "href": href,
        "cells": tables.cells_html(
            [
                tables.cell(
                    row.figures.get(i.code),
                    last.figures.get(i.code) if last else None,
                    words,
                    reasons,
                )
                for i in indicators
            ]
        ),
    }


@login_required
def figure_detail(request: HttpRequest, indicator_code: str) -> HttpResponse:
    """One indicator: the provinces as a tile map and a ranking, this year against last, and
    the spread of the LAOs' values by type."""
    _require_officer(request)
    indicator = load_catalogue().get(indicator_code)
    if indicator is None:
        raise Http404
    year, years, approved_only = _choices(request)
    today = timezone.localdate()
    by_year = key_figures.area_tables(
        level="province",
        years=[year, year - 1],
        approved_only=approved_only,
        today=today,
        codes=[indicator.code],
    )
    (rows, total), (last, total_last) = by_year[year], by_year[year - 1]
    last_by_code = {r.code: r for r in last}
    ranked = _sorted(rows, f"-{indicator.code}", last_by_code)
    ranks = [
        (i + 1 if r.figures[indicator.code].value is not None else None, r)
        for i, r in enumerate(ranked)
    ]
    fmt = wanted_format(request)
    if fmt:
        return table_response(
            fmt=fmt,
            title=tables.name(indicator),
            filename=f"key-figure-{indicator.code}-{year}",
            columns=tables.ranking_columns(indicator, year),
            rows=[
                tables.ranking_values(rank, r, last_by_code.get(r.code), indicator)
                for rank, r in [*ranks, (None, total)]
            ],
            filters=_applied(year, approved_only),
        )
    query = request.GET.urlencode()
    base = reverse("figures:index")
    tiles = {
        r.code: charts.ValueTile(
            r.code,
            r.name(tables.english()),
            r.figures[indicator.code].value,
            r.figures[indicator.code].greyed,
            f"{base}?province={r.code}&year={year}&sort=-{indicator.code}",
        )
        for r in rows
    }
    spreads = key_figures.spread_by_type(indicator=indicator, year=year, today=today)
    return render(
        request,
        "dashboards/key_figure_detail.html",
        {
            "indicator": indicator,
            "name": tables.name(indicator),
            "unit": tables.unit(indicator),
            "year": year,
            "years": years,
            "approved_only": approved_only,
            "query": query,
            "total": tables.cell(total.figures[indicator.code], total_last.figures[indicator.code]),
            "total_figure": total.figures[indicator.code],
            "ranking": [
                {
                    "rank": rank,
                    "row": r,
                    "name": r.name(tables.english()),
                    "figure": r.figures[indicator.code],
                    "cell": tables.cell(
                        r.figures[indicator.code],
                        last_by_code[r.code].figures[indicator.code]
                        if r.code in last_by_code
                        else None,
                    ),
                    "href": tiles[r.code].href,
                }
                for rank, r in ranks
            ],
            "tile_map": charts.value_tile_map(
                tiles, title=f"{tables.name(indicator)} {year}", decimals=indicator.decimals
            ),
            "spread": charts.spread_chart(
                spreads,
                title=_("LAOs by type, %(year)s") % {"year": year},
                decimals=indicator.decimals,
            ),
        },
    )


@login_required
def lao_figures(request: HttpRequest, lao_code: str) -> HttpResponse:
    """An LAO's key figures against the medians of LAOs of its type in its province and in the
    country (only for an LAO in the user's scope)."""
    lao = access.get_visible_or_404(
        request,
        access.laos_visible_to(request.user).select_related("district__province"),
        code=lao_code,
    )
    year, years, _approved_only = _choices(request)
    profile = key_figures.lao_profile(lao=lao, year=year, today=timezone.localdate())
    fmt = wanted_format(request)
    if fmt:
        values = [tables.profile_values(c) for c in profile]
        columns = tables.profile_columns(lao, year)
        filters = {_("Fiscal year"): str(year)}
        return _key_figures_download(
            fmt, lao.display_name, f"{lao.code}-{year}", columns, values, filters
        )
    return render(
        request,
        "dashboards/key_figures_lao.html",
        {
            "lao": lao,
            "year": year,
            "years": years,
            "approved": any(c.approved for c in profile),
            "rows": [
                {
                    "comparison": c,
                    "name": tables.name(c.indicator),
                    "unit": tables.unit(c.indicator),
                    "value": charts.number_text(c.value, c.indicator.decimals),
                    "last_year": charts.number_text(c.last_year, c.indicator.decimals),
                    "province_median": charts.number_text(c.province_median, c.indicator.decimals),
                    "country_median": charts.number_text(c.country_median, c.indicator.decimals),
                }
                for c in profile
            ],
            "can_see_areas": access.can_see_key_figures(request.user),
        },
    )
