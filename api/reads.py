"""The API's reads: LAO rows, one LAO's record, circulars with their rounds' status counts, and
the fingerprints that ETags are made from. Each function runs a fixed number of queries.

Completeness follows dashboards.figures (which the completeness endpoint uses as it is): an
LAO's is filled / required of its record of the year, 1 when nothing is required; an LAO with
no record yet owes what the newest schema requires of its type, with nothing filled.
"""

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import (
    Count,
    Exists,
    F,
    FilteredRelation,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.utils import timezone

from dashboards.figures import STATUSES, required_by_type, with_progress
from deadlines.models import Circular, Round, RoundLAO
from records import values as record_values
from records.models import (
    LAO,
    District,
    Field,
    Province,
    Record,
    Schema,
    Section,
    SectionEntry,
    ValueChange,
)


def with_record(laos: QuerySet[LAO], fiscal_year: int) -> QuerySet[LAO]:
    """The LAOs joined to their record of the year (if any) as `rec`."""
    return laos.annotate(
        rec=FilteredRelation("records", condition=Q(records__fiscal_year=fiscal_year))
    )


def local(moment: datetime.datetime | None) -> datetime.datetime | None:
    """A stored time in the portal's time zone (ISO 8601 with +07:00 in the JSON)."""
    return timezone.localtime(moment) if moment is not None else None


def ratio(filled: int, required: int) -> float:
    """filled / required to four places; a record with nothing required is complete."""
    return round(filled / required, 4) if required else 1.0


def status_counts(statuses: Iterable[str]) -> dict[str, int]:
    counts = Counter(statuses)
    return {"total": sum(counts.values()), **{s: counts.get(s, 0) for s in STATUSES}}


LAO_COLUMNS = (
    "pk",
    "code",
    "type",
    "name_th",
    "name_en",
    "active_from",
    "active_until",
    "updated_at",
    "district_id",
    "district__name_th",
    "district__name_en",
    "district__province_id",
    "district__province__name_th",
    "district__province__name_en",
    "rec__id",
    "rec__required_count",
    "rec__filled_count",
    "rec__updated_at",
)


def latest_schema_version() -> Subquery:
    return Subquery(Schema.objects.order_by("-version").values("version")[:1])


def _is_active(row: dict, today: datetime.date) -> bool:
    start, end = row["active_from"], row["active_until"]
    return (start is None or start <= today) and (end is None or today <= end)


def lao_payload(row: dict, *, fiscal_year: int, by_type: dict, today: datetime.date) -> dict:
    """An LAO as the API shows it, from a values() row of LAO_COLUMNS."""
    has_record = row["rec__id"] is not None
    required = row["rec__required_count"] if has_record else by_type.get(row["type"], 0)
    filled = row["rec__filled_count"] or 0
    return {
        "code": row["code"],
        "type": row["type"],
        "type_th": LAO.TYPE_WORDS[row["type"]],
        "name_th": row["name_th"],
        "name_en": row["name_en"],
        "display_name": LAO.written_name(row["type"], row["name_th"]),
        "province": {
            "code": row["district__province_id"],
            "name_th": row["district__province__name_th"],
            "name_en": row["district__province__name_en"],
        },
        "district": {
            "code": row["district_id"],
            "name_th": row["district__name_th"],
            "name_en": row["district__name_en"],
        },
        "active": _is_active(row, today),
        "active_from": row["active_from"],
        "active_until": row["active_until"],
        "updated_at": local(row["updated_at"]),
        "completeness": {
            "fiscal_year": fiscal_year,
            "required": required,
            "filled": filled,
            "completeness": ratio(filled, required),
            "has_record": has_record,
            "record_updated_at": local(row["rec__updated_at"]),
        },
    }


def lao_fingerprint(laos: QuerySet[LAO], fiscal_year: int) -> dict:
    """What an LAO list's answer depends on, in one query: how many LAOs and records, when
    they last changed, and which schema is current."""
    return with_record(laos, fiscal_year).aggregate(
        count=Count("pk"),
        changed=Max("updated_at"),
        records=Count("rec__id"),
        record_changed=Max("rec__updated_at"),
        schema=Max(latest_schema_version()),
    )


def lao_values(laos: QuerySet[LAO], fiscal_year: int) -> QuerySet:
    """The LAOs in code order as values() rows of LAO_COLUMNS, with their record of the year."""
    return with_record(laos, fiscal_year).order_by("code").values(*LAO_COLUMNS)


def lao_payloads(rows: list[dict], *, fiscal_year: int, today: datetime.date) -> list[dict]:
    """The API's LAO rows from values() rows (one query: what the newest schema requires of
    each type, owed by an LAO without a record)."""
    by_type = required_by_type()
    return [lao_payload(r, fiscal_year=fiscal_year, by_type=by_type, today=today) for r in rows]


def lao_with_record(laos: QuerySet[LAO], code: str, fiscal_year: int) -> dict | None:
    """One LAO's row with its record of the year and what its detail depends on (one query)."""
    return (
        with_record(laos.filter(code=code), fiscal_year)
        .values(*LAO_COLUMNS)
        .annotate(
            rec_schema_id=Max("rec__schema_id"),
            rec_schema_version=Max("rec__schema__version"),
            years=Count("records", distinct=True),
            years_changed=Max("records__updated_at"),
            schema=latest_schema_version(),
        )
        .first()
    )


def api_value(field: Field, raw) -> tuple[object, bool]:
    """(value, not applicable) for the JSON: whole numbers as numbers, decimals and money as
    exact decimal strings, dates as ISO strings, yes/no as booleans. What a stored value means
    ("NA" is not applicable except in a text field, where it is text) is records.values'."""
    if raw in (None, ""):
        return None, False
    if record_values.is_not_applicable(raw, field):
        return None, True
    if field.type == Field.Type.INTEGER and not isinstance(raw, bool):
        number = record_values.stored_decimal(raw)
        if number is None:
            return str(raw), False
        return (int(number), False) if number == number.to_integral_value() else (str(raw), False)
    if field.type == Field.Type.BOOLEAN and not isinstance(raw, bool):
        try:
            return record_values.parse_boolean(raw), False
        except record_values.InvalidValue:
            return False, False
    return (raw if isinstance(raw, int | str | bool) else str(raw)), False


def record_detail(row: dict, *, lao_type: str) -> dict:
    """The record of an LAO row from lao_with_record(): sections with their stored counts, and
    every applicable field's value with its unit and last change (four queries)."""
    sections = Section.objects.filter(schema_id=row["rec_schema_id"]).prefetch_related("fields")
    entries = {
        e["section_id"]: e
        for e in SectionEntry.objects.filter(record_id=row["rec__id"]).values(
            "section_id", "values", "required_count", "filled_count", "rules_pass", "updated_at"
        )
    }
    changed = dict(
        ValueChange.objects.filter(record_id=row["rec__id"])
        .values("field_code")
        .annotate(last=Max("changed_at"))
        .values_list("field_code", "last")
    )
    section_rows, values = [], {}
    for section in sections:
        fields = [f for f in section.fields.all() if f.applies(lao_type)]
        entry = entries.get(section.pk)
        stored = entry["values"] if entry else {}
        required = entry["required_count"] if entry else sum(f.required for f in fields)
        filled = entry["filled_count"] if entry else 0
        section_rows.append(
            {
                "code": section.code,
                "label_th": section.label_th,
                "label_en": section.label_en,
                "required": required,
                "filled": filled,
                "completeness": ratio(filled, required),
                "rules_pass": entry["rules_pass"] if entry else True,
                "updated_at": local(entry["updated_at"]) if entry else None,
            }
        )
        for f in fields:
            value, not_applicable = api_value(f, stored.get(f.code))
            values[f.code] = {
                "section": section.code,
                "label_th": f.label_th,
                "label_en": f.label_en,
                "type": f.type,
                "unit_th": f.unit_th,
                "unit_en": f.unit_en,
                "required": f.required,
                "value": value,
                "not_applicable": not_applicable,
                "changed_at": local(changed.get(f.code)),
            }
    required, filled = row["rec__required_count"], row["rec__filled_count"]
    return {
        "schema_version": row["rec_schema_version"],
        "required": required,
        "filled": filled,
        "completeness": ratio(filled, required),
        "updated_at": local(row["rec__updated_at"]),
        "sections": section_rows,
        "values": values,
    }


def lao_years(lao_pk: int) -> list[int]:
    return list(
        Record.objects.filter(lao_id=lao_pk)
        .order_by("-fiscal_year")
        .values_list("fiscal_year", flat=True)
    )


# --- Circulars ---------------------------------------------------------------------------------


def circular_fingerprint(circulars: QuerySet[Circular], laos: QuerySet[LAO]) -> tuple[list, list]:
    """(fingerprint, change times) of a circular list: the letters, and the participations in
    their rounds within the token's scope (two queries)."""
    letters = circulars.aggregate(
        count=Count("pk"), last=Max("pk"), created=Max("created_at"), deadline=Max("deadline")
    )
    parts = RoundLAO.objects.filter(round__circular__in=circulars, lao__in=laos).aggregate(
        count=Count("pk"), changed=Max("updated_at"), rounds=Max("round__deadline")
    )
    return (
        [letters["count"], letters["last"], letters["deadline"], parts["count"], parts["rounds"]],
        [letters["created"], parts["changed"]],
    )


def _round_of(circular: Circular) -> Round | None:
    try:
        return circular.round
    except ObjectDoesNotExist:
        return None


def round_status_counts(
    rounds: list[Round], laos: QuerySet[LAO], today: datetime.date
) -> dict[int, dict]:
    """Per round: status counts of its participants among `laos`, in total and per province
    (two queries, grouped in the database by what decides a status)."""
    started = Record.objects.filter(
        lao_id=OuterRef("lao_id"), fiscal_year=OuterRef("round__fiscal_year"), filled_count__gt=0
    )
    groups = (
        RoundLAO.objects.filter(round__in=rounds, lao__in=laos)
        .annotate(started=Exists(started))
        .values("round_id", "lao__district__province_id", "state", "on_time", "started")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_id = {r.pk: r for r in rounds}
    statuses: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for g in groups:
        round_ = by_id[g["round_id"]]
        status = RoundLAO(round=round_, state=g["state"], on_time=g["on_time"]).status(
            today=today, started=g["started"]
        )
        statuses[round_.pk][g["lao__district__province_id"]].extend([status] * g["n"])
    codes = {code for per_round in statuses.values() for code in per_round}
    names = {
        p["code"]: p
        for p in Province.objects.filter(code__in=codes).values("code", "name_th", "name_en")
    }
    result = {}
    for round_ in rounds:
        per_province = statuses.get(round_.pk, {})
        result[round_.pk] = {
            "status_counts": status_counts(s for ss in per_province.values() for s in ss),
            "provinces": [
                {**names[code], "status_counts": status_counts(per_province[code])}
                for code in sorted(per_province)
            ],
        }
    return result


def circular_rows(
    circulars: list[Circular], laos: QuerySet[LAO], today: datetime.date
) -> list[dict]:
    """The API's circular rows for a page of circulars (select_related "round")."""
    rounds = [r for r in map(_round_of, circulars) if r is not None]
    counts = round_status_counts(rounds, laos, today) if rounds else {}
    rows = []
    for c in circulars:
        round_ = _round_of(c)
        rows.append(
            {
                "id": c.pk,
                "level": c.level,
                "reference": c.reference,
                "date": c.date,
                "subject": c.subject,
                "issuer": c.issuer,
                "addressees": c.addressees,
                "references": c.references,
                "enclosures": c.enclosures,
                "deadline": c.deadline,
                "forwards": c.forwards_id,
                "province": c.province_id,
                "district": c.district_id,
                "round": None
                if round_ is None
                else {
                    "fiscal_year": round_.fiscal_year,
                    "section_codes": round_.section_codes,
                    "lao_types": round_.lao_types,
                    "starts_on": round_.starts_on,
                    "deadline": round_.deadline,
                    "lock_date": round_.lock_date,
                    "overdue": round_.is_overdue(today),
                    **counts[round_.pk],
                },
            }
        )
    return rows


def participants_fingerprint(laos: QuerySet[LAO], fiscal_year: int, round_: Round | None) -> dict:
    """What a completeness answer depends on, in one query: the LAOs, their records of the year
    and their participations in the round, with when each last changed."""
    qs = with_record(laos, fiscal_year)
    extra = {}
    if round_ is not None:
        qs = qs.annotate(part=FilteredRelation("rounds", condition=Q(rounds__round=round_)))
        extra = {"parts": Count("part__id"), "parts_changed": Max("part__updated_at")}
    return qs.aggregate(
        count=Count("pk"),
        changed=Max("updated_at"),
        records=Count("rec__id"),
        record_changed=Max("rec__updated_at"),
        schema=Max(latest_schema_version()),
        **extra,
    )


def _status_counts(row: dict, has_round: bool) -> dict | None:
    if not has_round:
        return None
    return {"total": sum(row[s] for s in STATUSES), **{s: row[s] for s in STATUSES}}


def completeness_row(row: dict) -> dict:
    """A province's or district's row of dashboards.figures.completeness_by() for the API."""
    return {
        "code": row["code"],
        "name_th": row["name_th"],
        "name_en": row["name_en"],
        "type": None,
        "laos": row["laos"],
        "required": row["required"],
        "filled": row["filled"],
        "completeness": None if row["completeness"] is None else round(row["completeness"], 4),
        "status": None,
        # figures gives the status counts only when the year has a round
        "status_counts": _status_counts(row, "round" in row),
    }


def lao_progress(
    laos: QuerySet[LAO], *, round_: Round | None, fiscal_year: int, today: datetime.date
) -> QuerySet:
    """Per LAO in code order, as values(): required and filled fields and the status in the
    round, worked out in SQL by dashboards.figures.with_progress (one query, plus one for what
    each type owes). Unlike figures.completeness_by("lao"), it can be paged in the database."""
    return (
        with_progress(laos, round=round_, fiscal_year=fiscal_year, today=today)
        .order_by("code")
        .values(
            "code",
            "name_th",
            "name_en",
            "type",
            p_required=F("req"),
            p_filled=F("fil"),
            p_status=F("status"),
        )
    )


def lao_progress_row(row: dict, *, has_round: bool) -> dict:
    status = row["p_status"]
    return {
        "code": row["code"],
        "name_th": row["name_th"],
        "name_en": row["name_en"],
        "type": row["type"],
        "laos": 1,
        "required": row["p_required"],
        "filled": row["p_filled"],
        "completeness": ratio(row["p_filled"], row["p_required"]),
        "status": status,
        "status_counts": _status_counts({s: int(s == status) for s in STATUSES}, has_round),
    }


def place_ref(place: Province | District | None) -> dict | None:
    if place is None:
        return None
    return {
        "level": "province" if isinstance(place, Province) else "district",
        "code": place.code,
        "name_th": place.name_th,
        "name_en": place.name_en,
    }


def round_ref(round_: Round | None) -> dict | None:
    """The circular whose round a completeness answer counts statuses in."""
    if round_ is None:
        return None
    return {
        "id": round_.circular_id,
        "reference": round_.circular.reference,
        "deadline": round_.deadline,
    }
