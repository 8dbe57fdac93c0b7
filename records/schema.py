"""Loading the record's schema from its YAML file into the database.

The file (records/schema/lao-record-v<N>.yaml) is the department's to edit: adding a field is a
new version of the file and a `load_schema` run, no code change. A version, once loaded, is
never changed: loading different content under the same version number is refused.
"""

import hashlib
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml
from django.db import transaction

from records.models import LAO, Field, Rule, Schema, Section

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
RULE_FIELDS = {
    Rule.Kind.SUM: ("parts", "total"),
    Rule.Kind.REQUIRES_POSITIVE: ("if_positive", "then_positive"),
    Rule.Kind.NOT_GREATER: ("field", "limit_field"),
}


class SchemaError(ValueError):
    """The schema file is not usable; the message names the place."""


@dataclass
class LoadResult:
    schema: Schema
    created: bool


def schema_files() -> list[Path]:
    return sorted(SCHEMA_DIR.glob("lao-record-v*.yaml"))


def _number(value, where: str) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise SchemaError(f"{where}: bound {value!r} is not a number") from None


def _check(doc: dict) -> None:
    """Refuses a schema with duplicate codes, unknown types or rules naming missing fields."""
    if not isinstance(doc, dict) or "version" not in doc or not doc.get("sections"):
        raise SchemaError("the file needs a version and a list of sections")
    section_codes, field_types = set(), {}
    for s in doc["sections"]:
        if s["code"] in section_codes:
            raise SchemaError(f"section {s['code']}: code used twice")
        section_codes.add(s["code"])
        for f in s.get("fields", []):
            where = f"field {s['code']}.{f.get('code')}"
            if f["code"] in field_types:
                raise SchemaError(f"{where}: code used twice")
            if f.get("type") not in Field.Type.values:
                raise SchemaError(f"{where}: unknown type {f.get('type')!r}")
            if f["type"] == Field.Type.CHOICE and not f.get("choices"):
                raise SchemaError(f"{where}: a choice field needs choices")
            low, high = _number(f.get("min"), where), _number(f.get("max"), where)
            if low is not None and high is not None and low > high:
                raise SchemaError(f"{where}: min is above max")
            unknown = set(f.get("applies_to") or []) - set(LAO.Type.values)
            if unknown:
                raise SchemaError(f"{where}: unknown LAO types {sorted(unknown)}")
            field_types[f["code"]] = f["type"]
    for r in doc.get("rules", []):
        where = f"rule {r.get('code')}"
        if r.get("kind") not in RULE_FIELDS:
            raise SchemaError(f"{where}: unknown kind {r.get('kind')!r}")
        if r.get("section") not in section_codes:
            raise SchemaError(f"{where}: unknown section {r.get('section')!r}")
        for key in RULE_FIELDS[r["kind"]]:
            names = r.get(key)
            for name in names if isinstance(names, list) else [names]:
                if field_types.get(name) not in Field.NUMERIC:
                    raise SchemaError(f"{where}: {key} {name!r} is not a numeric field")


@transaction.atomic
def schema_load(*, path: Path) -> LoadResult:
    """Loads one schema file; returns the existing version when the same content is loaded again."""
    raw = path.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    try:
        doc = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        raise SchemaError(f"{path.name}: not valid YAML ({exc})") from None
    _check(doc)
    existing = Schema.objects.filter(version=doc["version"]).first()
    if existing:
        if existing.source_sha256 != digest:
            raise SchemaError(
                f"{path.name}: version {doc['version']} is already loaded with other content; "
                "a changed schema needs a new version number"
            )
        return LoadResult(existing, created=False)

    schema = Schema.objects.create(
        version=doc["version"],
        title_th=doc.get("title_th", ""),
        title_en=doc.get("title_en", ""),
        source_sha256=digest,
    )
    sections = Section.objects.bulk_create(
        [
            Section(
                schema=schema,
                code=s["code"],
                order=i,
                label_th=s["label_th"],
                label_en=s["label_en"],
            )
            for i, s in enumerate(doc["sections"], start=1)
        ]
    )
    by_code = {s.code: s for s in sections}
    Field.objects.bulk_create(
        [
            Field(
                section=by_code[s["code"]],
                code=f["code"],
                order=i,
                label_th=f["label_th"],
                label_en=f["label_en"],
                type=f["type"],
                unit_th=f.get("unit_th", ""),
                unit_en=f.get("unit_en", ""),
                required=bool(f.get("required", False)),
                min_value=_number(f.get("min"), f["code"]),
                max_value=_number(f.get("max"), f["code"]),
                help_th=f.get("help_th", ""),
                help_en=f.get("help_en", ""),
                choices=f.get("choices") or [],
                applies_to=f.get("applies_to") or [],
            )
            for s in doc["sections"]
            for i, f in enumerate(s.get("fields", []), start=1)
        ]
    )
    Rule.objects.bulk_create(
        [
            Rule(
                schema=schema,
                code=r["code"],
                section=by_code[r["section"]],
                kind=r["kind"],
                params={k: r[k] for k in RULE_FIELDS[r["kind"]]},
                message_th=r["message_th"],
                message_en=r["message_en"],
            )
            for r in doc.get("rules", [])
        ]
    )
    return LoadResult(schema, created=True)


def schema_load_all(*, using: str = "default") -> list[LoadResult]:
    """Loads every schema file in the repository, oldest version first."""
    with transaction.atomic(using=using):
        return [schema_load(path=path) for path in schema_files()]


def current_schema() -> Schema:
    """The newest loaded version, which new records are made under."""
    schema = Schema.objects.order_by("-version").first()
    if schema is None:
        raise SchemaError("no record schema is loaded; run `python manage.py load_schema`")
    return schema


# The sections of each schema version (with their fields and rules), read once per process: a
# loaded version never changes (records/schema.py). Keyed by the row's id and load time, so a
# version loaded again (a test database, a restored backup) is read again. Shared by a worker's
# threads, which only read them.
_schema_sections: dict[tuple, dict[str, Section]] = {}


def schema_sections(schema: Schema) -> dict[str, Section]:
    """The schema's sections by code, in order, each with its fields and rules loaded."""
    key = (schema.pk, schema.loaded_at)
    sections = _schema_sections.get(key)
    if sections is None:
        loaded = schema.sections.prefetch_related("fields", "rules")
        sections = {section.code: section for section in loaded}
        if len(_schema_sections) >= 8:
            _schema_sections.clear()
        _schema_sections[key] = sections
    return sections
