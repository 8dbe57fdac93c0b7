"""The oversight pages: home by role, the district, province and national dashboards, the
field-level view, progress over time, and the district officer's "remind now".

Read side: these views add up what records and deadlines store (dashboards.figures) and change
nothing, except "remind now", which calls deadlines.reminders. Every view asks accounts.access:
a place outside the user's scope is a 404; an action by someone who may look but not act
(executives, department staff) is a 403. Approving, returning and lock exceptions stay on the
deadlines participant page, which the tables link to.
"""

import datetime
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts import access
from dashboards import figures, keeping, panels, tables
from dashboards.exports import table_response
from dashboards.field_gaps import field_gaps_stored, field_missing_entries
from dashboards.filters import DashboardFilter, FieldFilter, resolve_period
from dashboards.models import ProgressSnapshot
from dashboards.snapshots import snapshot_series, snapshots_on
from deadlines.models import Reminder, Round, RoundLAO
from deadlines.reminders import CLERK_KINDS, participants_behind, reminders_send_now
from deadlines.services import laos_unclean
from records.models import LAO, District, Field, Province, Schema

LEVEL = ProgressSnapshot.Level


def _get_district_for_user(request: HttpRequest, code: str) -> District:
    return access.get_visible_or_404(
        request, access.districts_visible_to(request.user).select_related("province"), code=code
    )


def _get_province_for_user(request: HttpRequest, code: str) -> Province:
    return access.get_visible_or_404(request, access.provinces_visible_to(request.user), code=code)


def _require_nation(request: HttpRequest) -> None:
    if not access.can_see_nation(request.user):
        raise Http404


def _reviewable(user, rows: list) -> set[int]:
    """The participations in ``rows`` that the user may approve or return now
    (``RoundLAO.allowed_moves`` decides; no query)."""
    review = {RoundLAO.Move.APPROVE, RoundLAO.Move.RETURN}
    return {
        row.participant_id
        for row in rows
        if row.participant_id
        and review & RoundLAO(state=row.state, lao=row.lao).allowed_moves(user)
    }


def _approvable_at_once(user, rows: list, round_: Round | None, laos: QuerySet[LAO]) -> set[int]:
    """Of the rows the user may approve now, those whose record has no flag and no failing rule
    (``deadlines.services.laos_unclean``): the page offers a checkbox for them. One query when
    there is a round, whatever the rows."""
    if round_ is None:
        return set()
    unclean = laos_unclean(laos=laos, round=round_)
    reviewable = _reviewable(user, rows)
    return {
        row.participant_id
        for row in rows
        if row.participant_id in reviewable and row.lao.pk not in unclean
    }


def _kept_lao_rows(
    stamp: tuple[dict, dict], *, laos: QuerySet[LAO], **options
) -> list[figures.LaoRow]:
    """``figures.lao_progress_rows`` of LAOs of one district or province, kept in the cache
    under ``stamp`` (``_area_stamp``: the area's roll-ups' stamp, to which every write that
    changes a row adds, and what each type owes), the LAOs asked for, the round's deadline
    and the other options: a page read again before anything changes in the area counts
    nothing."""
    owed = stamp[1]
    round_ = options.get("round")
    sections = options.get("sections")
    made_from = (
        stamp,
        str(laos.query),
        (round_.pk, round_.deadline) if round_ else None,
        sorted((name, value) for name, value in options.items() if name != "sections"),
        [section.pk for section in sections] if sections is not None else None,
    )
    return keeping.kept(
        "lao-rows",
        made_from,
        lambda: figures.lao_progress_rows(laos=laos, owed=owed, **options),
    )


def _area_stamp(area: str) -> tuple[dict, dict]:
    """The stamp of a district's or province's roll-ups and registry, and what each LAO type
    owes (two queries): what ``_kept_lao_rows`` keeps its rows under."""
    return keeping.rollups_stamp(area), figures.required_by_type()


def _filtered(request: HttpRequest, laos: QuerySet[LAO], *, areas: bool = False) -> DashboardFilter:
    """The page's filters; a page of areas has no LAO search and no sort."""
    without = ("q", "sort") if areas else ()
    return DashboardFilter(request.GET, queryset=laos, today=timezone.localdate(), without=without)


def _kept_query(request: HttpRequest) -> str:
    """The page's filters for links that drill down ("?year=…&round=…&type=…")."""
    kept = request.GET.copy()
    for name in ("download", "table", "q", "sort", "page"):
        kept.pop(name, None)
    return f"?{kept.urlencode()}" if kept else ""


@login_required
def home(request: HttpRequest) -> HttpResponse:
    name, args = access.home_url_name(request.user)
    return redirect(name, *args)


# --- District ------------------------------------------------------------------------------------


@login_required
def district_detail(request: HttpRequest, district_code: str) -> HttpResponse:
    """One row per LAO of the district: completeness per section and overall, last update, status
    in the round, days early or late; totals above; the officer's actions."""
    district = _get_district_for_user(request, district_code)
    today = timezone.localdate()
    # The district's page is its oversight: its ทต./อบต. (docs/supervision.md).
    page = _filtered(request, access.laos_overseen_in_district(district).active_on(today))
    period, chosen = page.period, page.chosen
    sections = figures.schema_sections()
    rows = _kept_lao_rows(
        _area_stamp(district.code),
        laos=page.qs,
        round=period.round,
        fiscal_year=period.fiscal_year,
        today=today,
        sort=chosen.sort,
        status=chosen.status,
        below=chosen.below,
        sections=sections,
    )
    fmt = tables.wanted_format(request)
    if fmt:
        return _lao_download(
            fmt, page, rows, sections, district.display_name, f"district-{district.code}"
        )
    total = figures.lao_totals(
        rows,
        level=LEVEL.DISTRICT,
        code=district.code,
        name_th=district.name_th,
        display_name=district.display_name,
    )
    return render(
        request,
        "dashboards/district.html",
        {
            "district": district,
            "filter": page,
            "period": period,
            "rows": rows,
            "total": total,
            "sections": sections,
            "can_act": access.can_supervise_district(request.user, district),
            "province_visible": access.can_view_province(request.user, district.province),
            "reviewable": _reviewable(request.user, rows),
            "approvable": _approvable_at_once(request.user, rows, period.round, page.qs),
            "remind_url": reverse("dashboards:district-remind", args=[district.code]),
            "locked": period.round is not None and period.round.is_locked(today),
            "bars": panels.lao_bars(rows, title=_("Completeness by LAO")) if rows else None,
            "burnup": panels.burnup(
                round=period.round,
                today=today,
                laos=page.qs,
                own=total,
                own_level=LEVEL.DISTRICT,
            )
            if not chosen.narrows
            else None,
            "today": today,
        },
    )


@login_required
def district_remind(request: HttpRequest, district_code: str) -> HttpResponse:
    """Remind the district's LAOs behind in a round (those it oversees): one (a POST from its
    row, ``lao``) or all of them (a confirmation page, then a POST). Only its officers may."""
    return _remind(request, "district", district_code)


@login_required
def province_remind(request: HttpRequest, province_code: str) -> HttpResponse:
    """Remind the LAOs the province oversees directly (อบจ./ทน./ทม.) that are behind; only the
    province's officers may."""
    return _remind(request, "province", province_code)


# Per level: the area as its user may read it, who may remind its LAOs, and which LAOs they are.
_REMINDERS = {
    "district": (
        _get_district_for_user,
        access.can_supervise_district,
        access.laos_overseen_in_district,
    ),
    "province": (
        _get_province_for_user,
        access.can_supervise_province,
        access.laos_overseen_by_province,
    ),
}


def _remind(request: HttpRequest, level: str, code: str) -> HttpResponse:
    get_area, may_remind, overseen = _REMINDERS[level]
    area = get_area(request, code)
    if not may_remind(request.user, area):
        raise PermissionDenied
    laos = overseen(area)
    page = reverse(f"dashboards:{level}", args=[area.code])
    data = request.POST if request.method == "POST" else request.GET
    round_ = get_object_or_404(Round.objects.select_related("circular"), pk=_int(data.get("round")))
    today = timezone.localdate()
    behind = participants_behind(round=round_, today=today).filter(lao__in=laos)
    if data.get("lao"):
        behind = behind.filter(lao__code=data["lao"])
    back = data.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}):
        back = ""
    back = back or page + f"?round={round_.pk}"
    if request.method != "POST":
        return _remind_confirm(request, area, round_, list(behind), today, back)
    summary = reminders_send_now(participants=list(behind), by=request.user, today=today)
    _remind_messages(request, summary)
    return redirect(back)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _remind_confirm(request, area, round_, behind, today, back) -> HttpResponse:
    reminded = set(
        Reminder.objects.filter(
            round=round_, day=today, kind__in=CLERK_KINDS, participant__in=behind
        ).values_list("participant_id", flat=True)
    )
    with_clerk = set(access.clerks_of([p.lao_id for p in behind]).values_list("lao_id", flat=True))
    rows = [
        {
            "participant": p,
            "status": p.status(today=today, started=p.is_started),
            "reminded": p.pk in reminded,
            "has_clerk": p.lao_id in with_clerk,
        }
        for p in behind
    ]
    return render(
        request,
        "dashboards/district_remind.html",
        {
            "area": area,
            "round": round_,
            "rows": rows,
            "to_send": sum(1 for r in rows if r["has_clerk"] and not r["reminded"]),
            "next": back,
            "today": today,
        },
    )


def _remind_messages(request: HttpRequest, summary) -> None:
    def names(participants: list[RoundLAO]) -> str:
        return ", ".join(p.lao.display_name for p in participants)

    if summary.reminded:
        messages.success(
            request,
            ngettext(
                "Reminded %(count)d LAO: %(names)s.",
                "Reminded %(count)d LAOs: %(names)s.",
                len(summary.reminded),
            )
            % {"count": len(summary.reminded), "names": names(summary.reminded)},
        )
    if summary.already:
        messages.info(
            request, _("Already reminded today: %(names)s.") % {"names": names(summary.already)}
        )
    if summary.no_clerk:
        messages.warning(
            request,
            _("No clerk account to remind (print the reminder letter instead): %(names)s.")
            % {"names": names(summary.no_clerk)},
        )
    if summary.failed:
        messages.warning(
            request,
            _("The e-mail could not be sent to %(emails)s; the notice is in the portal.")
            % {"emails": ", ".join(n.email for n in summary.failed)},
        )
    if not (summary.reminded or summary.already or summary.no_clerk):
        messages.info(request, _("Nobody to remind: every LAO has submitted."))


# --- Province and nation --------------------------------------------------------------------------


@login_required
def province_detail(request: HttpRequest, province_code: str) -> HttpResponse:
    """One row per district with the counts and completeness, drill-down to the district, and
    the province's LAOs furthest behind."""
    province = _get_province_for_user(request, province_code)
    today = timezone.localdate()
    page = _filtered(request, LAO.objects.in_province(province.code).active_on(today), areas=True)
    period, chosen = page.period, page.chosen
    common = {
        "round": period.round,
        "fiscal_year": period.fiscal_year,
        "today": today,
        "status": chosen.status,
        "below": chosen.below,
    }
    fmt = tables.wanted_format(request)
    if fmt and request.GET.get("table") == "laos":
        sections = figures.schema_sections()
        rows = figures.lao_progress_rows(
            laos=page.qs, sort=chosen.sort, sections=sections, **common
        )
        return _lao_download(
            fmt, page, rows, sections, province.display_name, f"province-{province.code}-laos"
        )
    stamp = _area_stamp(province.code)
    return _area_page(
        request,
        page,
        today=today,
        own={
            "level": LEVEL.PROVINCE,
            "code": province.code,
            "name_th": province.name_th,
            "name_en": province.name_en,
            "display_name": province.display_name,
        },
        child_level="district",
        filename=f"province-{province.code}",
        template="dashboards/province.html",
        bars_title=_("Completeness by district"),
        extra=lambda districts, query: {
            "province": province,
            "behind": _kept_lao_rows(
                stamp,
                laos=page.qs,
                sort="behind",
                limit=10,
                sections=figures.schema_sections(),
                **common,
            ),
            **_province_oversight(request, province, page, common, stamp),
        },
    )


def _province_oversight(
    request, province: Province, page: DashboardFilter, common: dict, stamp: tuple
) -> dict:
    """The LAOs the province oversees directly (อบจ./ทน./ทม., docs/supervision.md), beside the
    district roll-ups, with the province officer's actions on them."""
    laos = page.qs.filter(pk__in=access.laos_overseen_by_province(province).values("pk"))
    rows = _kept_lao_rows(stamp, laos=laos, sections=[], **common)
    return {
        "overseen": rows,
        "can_act": access.can_supervise_province(request.user, province),
        "reviewable": _reviewable(request.user, rows),
        "approvable": _approvable_at_once(request.user, rows, common["round"], laos),
        "remind_url": reverse("dashboards:province-remind", args=[province.code]),
        "locked": common["round"] is not None and common["round"].is_locked(common["today"]),
    }


@login_required
def national(request: HttpRequest) -> HttpResponse:
    """The nation: headline numbers, one row per province, the tile map; read-only for all."""
    _require_nation(request)
    today = timezone.localdate()
    page = _filtered(request, LAO.objects.active_on(today), areas=True)
    title = _("Completeness by province")
    return _area_page(
        request,
        page,
        today=today,
        own={
            "level": LEVEL.NATION,
            "code": "",
            "name_th": _("Whole country"),
            "name_en": "Whole country",
            "display_name": _("Whole country"),
        },
        child_level="province",
        filename="national",
        template="dashboards/national.html",
        bars_title=title,
        extra=lambda provinces, query: {
            "tiles": panels.province_tiles(provinces, title=title, query=query),
        },
    )


def _area_page(
    request: HttpRequest,
    page: DashboardFilter,
    *,
    today: datetime.date,
    own: dict[str, str],
    child_level: str,
    filename: str,
    template: str,
    bars_title: str,
    extra: Callable[[list[figures.AreaRow], str], dict],
) -> HttpResponse:
    """A page of areas, the province's districts or the nation's provinces: one row per area
    (``child_level``) and their total (``own``: its level, code and names), as a download or
    as the page with its bars and burn-up. ``extra(rows, query)`` adds what only one page
    shows (the province's LAOs furthest behind, the nation's tile map)."""
    period, chosen = page.period, page.chosen
    # Every LAO of the area that exists today, of the type chosen (page.qs): the stored
    # roll-ups count them (dashboards.figures.area_rows).
    rows = figures.area_rows(
        level=child_level,
        parent_code=own["code"] or None,
        lao_type=chosen.lao_type or None,
        round=period.round,
        fiscal_year=period.fiscal_year,
        today=today,
        status=chosen.status,
        below=chosen.below,
    )
    total = figures.totals(rows, **own)
    fmt = tables.wanted_format(request)
    if fmt:
        return _area_download(fmt, page, rows, total, own["display_name"], filename, child_level)
    query = _kept_query(request)
    return render(
        request,
        template,
        {
            "filter": page,
            "period": period,
            "rows": rows,
            "table_body": tables.area_table_body(
                rows,
                link=panels.link_maker(f"dashboards:{child_level}", query),
                with_statuses=period.round is not None,
            ),
            "table_total": tables.area_table_total(total, with_statuses=period.round is not None),
            "status_labels": RoundLAO.Status.labels,
            "total": total,
            "query": query,
            "bars": panels.area_bars(
                rows, title=bars_title, url_name=f"dashboards:{child_level}", query=query
            ),
            "burnup": panels.burnup(
                round=period.round,
                today=today,
                laos=page.qs,
                own=total,
                own_level=own["level"],
                children=rows,
                child_level=child_level,
            )
            if not chosen.narrows
            else None,
            **extra(rows, query),
        },
    )


def _lao_download(fmt, page, rows, sections, title, filename) -> HttpResponse:
    values = [tables.lao_values(row, sections) for row in rows]
    return _page_download(fmt, page, title, filename, tables.lao_columns(sections), values)


def _area_download(fmt, page, rows, total, title, filename, level) -> HttpResponse:
    values = [tables.area_values(row) for row in rows]
    values.append(tables.area_values(total)[:1] + [_("Total")] + tables.area_values(total)[2:])
    return _page_download(fmt, page, title, filename, tables.area_columns(level), values)


def _page_download(fmt, page, title, filename, columns, rows) -> HttpResponse:
    """A page's table as a download (``fmt``), headed by the filters the page applied."""
    return table_response(
        fmt=fmt,
        title=title,
        filename=filename,
        columns=columns,
        rows=rows,
        filters=page.applied(),
    )


# --- Field level ----------------------------------------------------------------------------------


@login_required
def fields(request: HttpRequest) -> HttpResponse:
    """Which fields are most often missing or flagged, by province and LAO type, so the
    department can fix its form; read-only for national users."""
    _require_nation(request)
    today = timezone.localdate()
    page = FieldFilter(request.GET, queryset=LAO.objects.active_on(today), today=today)
    page.form.is_valid()  # a filter given a wrong value is left out, as page.qs leaves it
    chosen = page.form.cleaned_data
    gaps = field_gaps_stored(
        fiscal_year=page.period.fiscal_year,
        today=today,
        province=chosen["province"].pk if chosen.get("province") else None,
        lao_type=chosen.get("type") or None,
    )
    rows = sorted(gaps.fields, key=lambda g: (-g.missing_share, -g.flagged, g.field.code))
    rules = sorted(gaps.rules, key=lambda g: (-g.failing, g.rule.code))
    fmt = tables.wanted_format(request)
    if fmt and request.GET.get("table") == "checks":
        checks = [tables.rule_values(g) for g in rules]
        title = _("Checks most often failing")
        return _page_download(fmt, page, title, "checks", tables.rule_columns(), checks)
    if fmt:
        values = [tables.field_values(g) for g in rows]
        title = _("Fields most often missing or flagged")
        return _page_download(fmt, page, title, "fields", tables.field_columns(), values)
    return render(
        request,
        "dashboards/fields.html",
        {
            "filter": page,
            "period": page.period,
            "gaps": gaps,
            "rows": rows,
            "rules": rules,
            "query": _kept_query(request),
        },
    )


@login_required
def field_detail(request: HttpRequest, field_code: str) -> HttpResponse:
    """The LAOs where one field is missing or flagged (with the page's filters)."""
    _require_nation(request)
    latest = Schema.objects.order_by("-version").values("pk")[:1]
    field = get_object_or_404(
        Field.objects.select_related("section"), section__schema__in=latest, code=field_code
    )
    today = timezone.localdate()
    page = FieldFilter(request.GET, queryset=LAO.objects.active_on(today), today=today)
    entries, count = field_missing_entries(
        field=field, laos=page.qs, fiscal_year=page.period.fiscal_year
    )
    rows = [
        {
            "entry": e,
            "lao": e.record.lao,
            "missing": field.code not in e.values,
            "flagged": field.code in (e.flags or []),
        }
        for e in entries
    ]
    return render(
        request,
        "dashboards/field_detail.html",
        {
            "filter": page,
            "period": page.period,
            "field": field,
            "rows": rows,
            "count": count,
            "query": _kept_query(request),
        },
    )


# --- Progress over time --------------------------------------------------------------------------


def _place(request: HttpRequest, level: str, code: str | None):
    """The area a progress page is about (None for the nation), and its children's level and
    (code, name) pairs."""
    if level == LEVEL.DISTRICT:
        return _get_district_for_user(request, code), None, []
    if level == LEVEL.PROVINCE:
        province = _get_province_for_user(request, code)
        return province, LEVEL.DISTRICT, list(province.districts.values_list("code", "name_th"))
    _require_nation(request)
    return None, LEVEL.PROVINCE, list(Province.objects.values_list("code", "name_th"))


@login_required
def progress(request: HttpRequest, level: str, code: str | None = None) -> HttpResponse:
    """Completeness and statuses day by day in a round, from the daily snapshots; for a chosen
    day, the same figures for every area below."""
    place, child_level, children = _place(request, level, code)
    today = timezone.localdate()
    period = resolve_period(request.GET, today=today)
    own_code = place.code if place else ""
    series: list[ProgressSnapshot] = []
    day_rows: list[tuple[str, str, ProgressSnapshot | None]] = []
    day = None
    if period.round is not None:
        series = snapshot_series(round=period.round, level=level, codes=[own_code]).get(
            own_code, []
        )
        days = [s.day for s in series]
        day = _date(request.GET.get("day"))
        day = day if day in days else (days[-1] if days else None)
        if day and child_level:
            found = snapshots_on(
                round=period.round, day=day, level=child_level, codes=[c for c, _name in children]
            )
            day_rows = [(c, name, found[c]) for c, name in children if c in found]
    fmt = tables.wanted_format(request)
    title = _("Progress over time") + f": {place.display_name if place else _('Whole country')}"
    if fmt:
        return table_response(
            fmt=fmt,
            title=title,
            filename=f"progress-{level}-{own_code or 'th'}",
            columns=tables.progress_columns(),
            rows=[tables.progress_values(s) for s in series],
            filters={
                _("Fiscal year"): str(period.fiscal_year),
                **({_("Round"): period.round.circular.reference} if period.round else {}),
            },
        )
    return render(
        request,
        "dashboards/progress.html",
        {
            "level": level,
            "place": place,
            "period": period,
            "series": series,
            "day": day,
            "day_rows": day_rows,
            "child_level": child_level,
            "title": title,
            "statuses": RoundLAO.Status,
        },
    )


def _date(value) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        return None
