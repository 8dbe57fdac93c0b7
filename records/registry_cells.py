"""The department's registry columns, and what an LAO's office cells may hold.

The registry repeats an LAO's office fields (house number, village, postcode, area,
coordinates, web address) on every row of the LAO; each distinct set is cleaned once here,
with the typing slips the published file is known for undone and reported as warnings.
records/registry.py reads the file, checks the rows and writes the LAOs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from lgdata.thai import parse_number_text, to_arabic_digits
from records.models import LAO


class Col:
    """The registry's column headers, exactly as the department publishes them."""

    PROVINCE = "จังหวัด"
    DISTRICT = "อำเภอ"
    SUBDISTRICT = "ตำบล"
    CODE = "รหัส อปท."
    TYPE = "ประเภท อปท."
    NAME = "อปท."
    HOUSE_NO = "ที่ตั้งสำนักงานเลขที่"
    MOO = "หมู่ที่"
    POSTCODE = "รหัสไปรษณีย์"
    AREA = "ขนาดพื้นที่"
    LAT = "LAT"
    LONG = "LONG"
    WEBSITE = "เว็ปไซต์ของอปท"


COLUMNS = (
    Col.PROVINCE,
    Col.DISTRICT,
    Col.SUBDISTRICT,
    Col.CODE,
    Col.TYPE,
    Col.NAME,
    Col.HOUSE_NO,
    Col.MOO,
    Col.POSTCODE,
    Col.AREA,
    Col.LAT,
    Col.LONG,
    Col.WEBSITE,
)

LAT_RANGE = (Decimal(5), Decimal(21))
LONG_RANGE = (Decimal(97), Decimal(106))
AREA_MAX = Decimal("99999999.99")
EMPTY_MARKS = {"", "-", "--", "—", "–"}

# Excel turns a house number typed as "1/1" into 1 January and shows it as "1-ม.ค."
# (or "1-Jan" on an English Windows): day/month is the number the LAO typed.
THAI_MONTHS = ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.")
THAI_MONTHS += ("ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.")
ENGLISH_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun")
ENGLISH_MONTHS += ("jul", "aug", "sep", "oct", "nov", "dec")
# Keyed without dots and in lower case, so "ม.ค.", "มค" and "Jan" all match.
_MONTH_NUMBERS = {
    **{m.replace(".", ""): i for i, m in enumerate(THAI_MONTHS, 1)},
    **{m: i for i, m in enumerate(ENGLISH_MONTHS, 1)},
}
_EXCEL_DATE = re.compile(r"^([0-9]{1,2})\s*-\s*(\S+)$")
_MOO_PREFIX = re.compile(r"^(?:หมู่ที่|หมู่|ม\.)\s*")
_FIVE_DIGITS = re.compile(r"[0-9]{5}")
_url_validator = URLValidator(schemes=["http", "https"])

_MAX_LENGTH = {
    name: LAO._meta.get_field(name).max_length for name in ("website", "office_house_no")
}


class Office(NamedTuple):
    """The office fields of one row, cleaned; rows of one LAO must agree on all of them."""

    house_no: str
    moo: int | None
    postcode: str
    area: Decimal | None
    latitude: Decimal | None
    longitude: Decimal | None
    website: str


OFFICE_COLUMNS = (Col.HOUSE_NO, Col.MOO, Col.POSTCODE, Col.AREA, Col.LAT, Col.LONG, Col.WEBSITE)
OFFICE_FIELDS = dict(zip(OFFICE_COLUMNS, Office._fields, strict=True))


@dataclass
class CleanedOffice:
    office: Office
    errors: list[tuple[str, str]]  # (column, message)
    warnings: list[tuple[str, str]]


def clean_office(raw: tuple[str, ...]) -> CleanedOffice:
    house_raw, moo_raw, postcode_raw, area_raw, lat_raw, long_raw, website_raw = raw
    errors: list[tuple[str, str]] = []
    warnings: list[tuple[str, str]] = []
    house_no = _clean_house_no(house_raw, errors, warnings)
    moo = _clean_moo(moo_raw, warnings)
    postcode = _clean_postcode(postcode_raw, warnings)
    area = _clean_decimal(area_raw, Col.AREA, Decimal("0.01"), (Decimal(0), AREA_MAX), errors)
    latitude = _clean_decimal(lat_raw, Col.LAT, Decimal("0.000001"), LAT_RANGE, errors)
    longitude = _clean_decimal(long_raw, Col.LONG, Decimal("0.000001"), LONG_RANGE, errors)
    website = _clean_website(website_raw, warnings)
    office = Office(house_no, moo, postcode, area, latitude, longitude, website)
    return CleanedOffice(office, errors, warnings)


def _is_empty(value: str) -> bool:
    return value.strip() in EMPTY_MARKS


def _clean_house_no(value: str, errors: list, warnings: list) -> str:
    if _is_empty(value):
        return ""
    value = to_arabic_digits(value.strip())
    match = _EXCEL_DATE.match(value)
    month = match and _MONTH_NUMBERS.get(match[2].replace(".", "").lower())
    if month and 1 <= int(match[1]) <= 31:
        fixed = f"{int(match[1])}/{month}"
        warnings.append(
            (
                Col.HOUSE_NO,
                _("“%(value)s” looks like a date made by Excel; read as house number “%(fixed)s”")
                % {"value": value, "fixed": fixed},
            )
        )
        return fixed
    if len(value) > _MAX_LENGTH["office_house_no"]:
        errors.append((Col.HOUSE_NO, _("“%(value)s” is too long") % {"value": value}))
    return value


def _clean_moo(value: str, warnings: list) -> int | None:
    if _is_empty(value):
        return None
    text = _MOO_PREFIX.sub("", to_arabic_digits(value.strip()))
    if text.endswith(".0"):
        text = text[:-2]
    if text.isascii() and text.isdigit() and 0 < int(text) < 1000:
        return int(text)
    warnings.append(
        (Col.MOO, _("“%(value)s” is not a village number; left empty") % {"value": value})
    )
    return None


def _clean_postcode(value: str, warnings: list) -> str:
    if _is_empty(value):
        return ""
    text = to_arabic_digits(value.strip())
    if _FIVE_DIGITS.fullmatch(text):
        return text
    warnings.append(
        (Col.POSTCODE, _("“%(value)s” is not a five-digit postcode; left empty") % {"value": value})
    )
    return ""


def _clean_decimal(
    value: str, column: str, places: Decimal, bounds: tuple[Decimal, Decimal], errors: list
) -> Decimal | None:
    if _is_empty(value):
        return None
    try:
        number = Decimal(parse_number_text(value))
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        errors.append((column, _("“%(value)s” is not a number") % {"value": value}))
        return None
    low, high = bounds
    if not low <= number <= high:
        errors.append(
            (
                column,
                _("%(value)s is outside %(low)s to %(high)s")
                % {"value": value, "low": low, "high": high},
            )
        )
        return None
    # Rounded to what the database keeps, so that a second import compares equal.
    return number.quantize(places)


def _clean_website(value: str, warnings: list) -> str:
    if _is_empty(value):
        return ""
    fixed, guessed = _repair_url(value)
    try:
        _url_validator(fixed)
    except ValidationError:
        fixed = ""
    if not fixed or len(fixed) > _MAX_LENGTH["website"]:
        warnings.append(
            (Col.WEBSITE, _("“%(value)s” is not a web address; left empty") % {"value": value})
        )
        return ""
    if guessed:
        warnings.append(
            (
                Col.WEBSITE,
                _("“%(value)s” read as “%(fixed)s”") % {"value": value, "fixed": fixed},
            )
        )
    return fixed


def _repair_url(value: str) -> tuple[str, bool]:
    """Undoes the usual typing slips ("www,tlpm.go.th", "WWW..x.go.th", "www.x go.th").

    Returns the address and whether a slip was repaired (a guess the user should see); adding
    "http://" and lower-casing the host are not guesses.
    """
    text = value.strip()
    scheme, sep, rest = text.partition("://")
    if not sep:
        scheme, rest = "http", text
    raw_host, slash, path = rest.partition("/")
    # A space between letters of a host stands for a missing dot ("www.Khlongphon go.th" is
    # khlongphon.go.th); any other space is dropped, so "ไม่มี เว็บ" (none) is not an address.
    host = re.sub(r"(?<=[A-Za-z0-9])\s+(?=[A-Za-z0-9])|,+", ".", raw_host.strip())
    host = re.sub(r"\s+", "", host)
    host = re.sub(r"\.{2,}", ".", host).strip(".")
    path = re.sub(r"\s+", "", path)
    guessed = host != raw_host or path != rest.partition("/")[2]
    return f"{scheme.lower()}://{host.lower()}{slash}{path}", guessed
