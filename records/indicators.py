"""The key figures' catalogue: indicators kept as data beside the record schema.

The file (records/schema/indicators-v<N>.yaml) says, for each indicator, its names and units,
its formula over the record's field codes, how it adds up over an area, the LAO types it applies
to and whether "not applicable" counts as zero; and, once for all indicators, which fields of a
PAO repeat its province's (the no-double-counting rule). This module reads and checks the file
against the record schema's file, and holds the arithmetic for one LAO: what it contributes to a
figure (a numerator and a denominator), or nothing when an input is missing. Adding the LAOs up
by area, with coverage and approval, is the read side's job (dashboards/key_figures.py); what the
figures mean for a reader is docs/key-figures.md.
"""

import functools
import hashlib
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml

from records.models import LAO, Field

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
CATALOGUE_FILE = SCHEMA_DIR / "indicators-v1.yaml"
NOT_APPLICABLE = "NA"  # as stored by records.services

KINDS = ("sum", "ratio", "per_person", "per_km2", "share")
# The denominator a kind implies, when it implies one.
IMPLIED_DENOMINATOR = {"per_person": ("population_total",), "per_km2": ("area_km2",)}
AGGREGATION = {"sum": "sum"} | {kind: "ratio_of_sums" for kind in KINDS if kind != "sum"}
NUMERIC = set(Field.NUMERIC)


class CatalogueError(ValueError):
    """The catalogue file is not usable; the message names the indicator and the problem."""


@dataclass(frozen=True)
class Indicator:
    code: str
    name_th: str
    name_en: str
    unit_th: str
    unit_en: str
    kind: str
    aggregation: str
    numerator: tuple[str, ...]
    denominator: tuple[str, ...]  # empty for a sum
    per: Decimal  # the ratio is multiplied by this (100 for a share)
    applies_to: tuple[str, ...]
    na_is_zero: bool
    decimals: int

    @property
    def fields(self) -> tuple[str, ...]:
        return self.numerator + self.denominator

    @property
    def is_ratio(self) -> bool:
        return self.aggregation == "ratio_of_sums"

    def value(self, numerator: Decimal, denominator: Decimal | None) -> Decimal | None:
        """The figure from (summed) inputs: the sum itself, or the ratio (None over zero)."""
        if not self.is_ratio:
            return numerator
        if not denominator:
            return None
        return numerator * self.per / denominator

    def contribution(
        self, lao_type: str, values: dict, *, pao_fields: frozenset[str] = frozenset()
    ) -> tuple[Decimal, Decimal] | None:
        """(numerator, denominator) one LAO adds to the figure, or None when it adds nothing:
        a type the indicator does not apply to, an input missing, or "not applicable" where the
        catalogue does not count it as zero.

        ``pao_fields`` (the catalogue's coverage fields, given when adding up an area) are left
        out of a PAO's inputs: they count as 0 and are not needed. An indicator whose inputs are
        all coverage fields gets nothing from a PAO.
        """
        if lao_type not in self.applies_to:
            return None
        dropped = pao_fields if lao_type == LAO.Type.PAO else frozenset()
        if dropped and all(code in dropped for code in self.fields):
            return None
        sums = []
        for codes in (self.numerator, self.denominator):
            total = Decimal(0)
            for code in codes:
                if code in dropped:
                    continue
                number = _number(values.get(code), na_is_zero=self.na_is_zero)
                if number is None:
                    return None
                total += number
            sums.append(total)
        return sums[0], sums[1]


def _number(raw, *, na_is_zero: bool) -> Decimal | None:
    if raw == NOT_APPLICABLE:
        return Decimal(0) if na_is_zero else None
    if raw in (None, "") or isinstance(raw, bool):
        return None
    try:
        return Decimal(str(raw))
    except InvalidOperation:
        return None


@dataclass(frozen=True)
class Catalogue:
    version: int
    schema_version: int
    title_th: str
    title_en: str
    min_coverage: Decimal
    pao_coverage_fields: frozenset[str]
    indicators: tuple[Indicator, ...]
    sections: frozenset[str]  # the record's sections the indicators read
    digest: str  # of the file: part of every cache key, so a new catalogue is never mixed up

    @property
    def codes(self) -> list[str]:
        return [i.code for i in self.indicators]

    def get(self, code: str) -> Indicator | None:
        return next((i for i in self.indicators if i.code == code), None)

    @property
    def fields(self) -> set[str]:
        """Every field code any indicator reads."""
        return {code for indicator in self.indicators for code in indicator.fields}

    def counts_for(self, indicator: Indicator, lao_type: str) -> bool:
        """Whether an LAO of this type is one of an area's LAOs for the indicator: a type it
        applies to, and not a PAO when every input is a coverage field (no double counting)."""
        if lao_type not in indicator.applies_to:
            return False
        return lao_type != LAO.Type.PAO or not all(
            code in self.pao_coverage_fields for code in indicator.fields
        )

    def area_contributions(
        self, lao_type: str, values: dict
    ) -> dict[str, tuple[Decimal, Decimal] | None]:
        """Per indicator the LAO counts for (``counts_for``), what it adds to its area's
        figure: its (numerator, denominator), or None when an input is missing. A PAO's
        coverage fields count as nothing."""
        pao_fields = self.pao_coverage_fields if lao_type == LAO.Type.PAO else frozenset()
        return {
            indicator.code: (
                indicator.contribution(lao_type, values, pao_fields=pao_fields) if values else None
            )
            for indicator in self.indicators
            if self.counts_for(indicator, lao_type)
        }


def _schema_fields(schema_version: int) -> tuple[dict[str, dict], dict[str, str]]:
    """(field code → its definition, field code → section code) of a record schema file."""
    path = SCHEMA_DIR / f"lao-record-v{schema_version}.yaml"
    if not path.exists():
        raise CatalogueError(f"no record schema file {path.name}")
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    fields, sections = {}, {}
    for section in doc["sections"]:
        for field in section.get("fields", []):
            fields[field["code"]] = field
            sections[field["code"]] = section["code"]
    return fields, sections


def parse_catalogue(doc: dict, *, digest: str = "") -> Catalogue:
    """The catalogue from a loaded YAML document; CatalogueError names the first problem."""
    if not isinstance(doc, dict) or not doc.get("indicators"):
        raise CatalogueError("the file needs a version, a schema_version and indicators")
    fields, sections = _schema_fields(int(doc.get("schema_version", 0)))

    def numeric(code, where: str) -> str:
        if code not in fields:
            raise CatalogueError(f"{where}: no field {code!r} in the record schema")
        if fields[code].get("type") not in NUMERIC:
            raise CatalogueError(f"{where}: field {code!r} is not a number")
        return code

    pao_fields = frozenset(
        numeric(code, "pao_coverage_fields") for code in doc.get("pao_coverage_fields") or []
    )
    try:
        min_coverage = Decimal(str(doc.get("min_coverage", "0.8")))
    except InvalidOperation:
        raise CatalogueError("min_coverage is not a number") from None
    if not 0 <= min_coverage <= 1:
        raise CatalogueError("min_coverage is a share from 0 to 1")
    indicators, seen = [], set()
    for item in doc["indicators"]:
        indicators.append(_indicator(item, seen, numeric, fields))
    return Catalogue(
        version=int(doc["version"]),
        schema_version=int(doc["schema_version"]),
        title_th=doc.get("title_th", ""),
        title_en=doc.get("title_en", ""),
        min_coverage=min_coverage,
        pao_coverage_fields=pao_fields,
        indicators=tuple(indicators),
        sections=frozenset(sections[c] for i in indicators for c in i.fields),
        digest=digest,
    )


def _indicator(item: dict, seen: set, numeric, fields: dict) -> Indicator:
    code = item.get("code")
    where = f"indicator {code}"
    if not code or code in seen:
        raise CatalogueError(f"{where}: a code is needed, once")
    seen.add(code)
    for key in ("name_th", "name_en", "unit_th", "unit_en"):
        if not item.get(key):
            raise CatalogueError(f"{where}: {key} is missing")
    kind = item.get("kind")
    if kind not in KINDS:
        raise CatalogueError(f"{where}: unknown kind {kind!r} (use one of {', '.join(KINDS)})")
    if item.get("aggregation") != AGGREGATION[kind]:
        raise CatalogueError(f"{where}: a {kind} adds up as {AGGREGATION[kind]}")
    numerator = tuple(numeric(c, where) for c in item.get("numerator") or [])
    if not numerator:
        raise CatalogueError(f"{where}: the numerator names no field")
    denominator = tuple(numeric(c, where) for c in item.get("denominator") or [])
    if kind in IMPLIED_DENOMINATOR:
        if denominator:
            raise CatalogueError(f"{where}: a {kind} has its own denominator; leave it out")
        denominator = IMPLIED_DENOMINATOR[kind]
    elif kind in ("ratio", "share") and not denominator:
        raise CatalogueError(f"{where}: a {kind} needs a denominator")
    elif kind == "sum" and denominator:
        raise CatalogueError(f"{where}: a sum has no denominator")
    if kind == "share" and "per" in item:
        raise CatalogueError(f"{where}: a share is always per cent; leave `per` out")
    per = Decimal(100) if kind == "share" else Decimal(str(item.get("per", 1)))
    # The types every input field applies to (a field without applies_to applies to all).
    possible = set(LAO.Type.values)
    for c in numerator + denominator:
        possible &= set(fields[c].get("applies_to") or LAO.Type.values)
    applies_to = item.get("applies_to") or [t for t in LAO.Type.values if t in possible]
    unknown = set(applies_to) - possible
    if unknown:
        raise CatalogueError(f"{where}: its fields do not apply to {sorted(unknown)}")
    return Indicator(
        code=code,
        name_th=item["name_th"],
        name_en=item["name_en"],
        unit_th=item["unit_th"],
        unit_en=item["unit_en"],
        kind=kind,
        aggregation=AGGREGATION[kind],
        numerator=numerator,
        denominator=denominator,
        per=per,
        applies_to=tuple(applies_to),
        na_is_zero=bool(item.get("na_is_zero", False)),
        decimals=int(item.get("decimals", 1)),
    )


def read_catalogue(path: Path) -> Catalogue:
    raw = path.read_bytes()
    try:
        doc = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        raise CatalogueError(f"{path.name}: not valid YAML ({exc})") from None
    return parse_catalogue(doc, digest=hashlib.sha256(raw).hexdigest()[:16])


@functools.cache
def load_catalogue() -> Catalogue:
    """The catalogue in use, read and checked once per process."""
    return read_catalogue(CATALOGUE_FILE)
