"""Record values: how people type them, how they are stored, shown and compared.

One module for the section form, the imports (a file of rows, the Excel round trip) and the
pages that show values, so a value means the same thing whichever way it came in.

Stored values (``SectionEntry.values``, see records/services.py): numbers as strings of their
decimal form ("1500", "12.5"), dates as ISO strings, yes/no as true/false, choices as their
value, and ``NOT_APPLICABLE`` for "not applicable / no such thing here" (distinct from zero and
from "no data", which is simply absent).

Typed values (the outcomes, input by input, are in docs/record-schema.md, "Typing values"):
numbers with Thai or Arabic digits, with thousands grouped by three (1,234,567) or not grouped
at all; dates as day/month/Buddhist-Era year (30/9/2568) or ISO year-month-day (a year above
2400 is Buddhist Era); yes/no in Thai or English words. A value that does not fit raises
``InvalidValue`` with a message for the user; the form shows it beside the field, the imports
with the line or cell. Nothing is ever guessed into a different value: a Common-Era year in a
day/month/year date is refused with the Buddhist-Era date it probably meant, not converted.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _

from lgdata import thai
from records.models import Field

NOT_APPLICABLE = "NA"
TEXT_MAX_LENGTH = 1000  # as the section form's text fields
TRUE_WORDS = frozenset({"ใช่", "มี", "yes", "y", "true", "1"})
FALSE_WORDS = frozenset({"ไม่ใช่", "ไม่มี", "no", "n", "false", "0"})
CE_YEARS = (1900, 2100)  # a day/month/year with a year in here was typed in the Common Era
# The plausible years (Buddhist Era) of a date whose field sets no ``min``/``max``: from the
# first municipal laws (2440s) to next year, so a typo such as 2659 or 1/1/544 is refused.
EARLIEST_BE_YEAR = 2400
# A value is flagged for a second look when it moved by at least OUTLIER_MIN_CHANGE and is at
# least OUTLIER_RATIO times last year's (or the other way round); a flag never blocks a save.
OUTLIER_RATIO = Decimal(3)
OUTLIER_MIN_CHANGE = Decimal(10)
# Past this no field's number lies (the largest are budgets in baht, under 10^15); "1e9999999"
# would otherwise take the stored form's formatting to a billion digits, and past decimal's 28
# digits of precision a stored number would be rounded.
NUMBER_MAX_DIGITS = 20

_ISO_DATE = re.compile(r"^(\d{4})\s*-\s*(\d{1,2})\s*-\s*(\d{1,2})$")
_DMY_DATE = re.compile(r"^(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{1,4})$")
# Digits grouped by three with one kind of separator (1,234,567 or 1 234 567), or not at all.
_TYPED_NUMBER = re.compile(
    r"^[+-]?(?:\d{1,3}(?:(?P<sep>[,\s\u00a0\u202f])\d{3})(?:(?P=sep)\d{3})*|\d*)(?:\.\d+)?$"
)


class InvalidValue(ValueError):
    """A typed value or a cell that does not fit its field; the message is for the user."""


def is_not_applicable(value, f: Field) -> bool:
    """Whether a stored value is the "not applicable" marker. A text field has no such marker:
    "NA" typed there is the text NA (docs/record-schema.md)."""
    return value == NOT_APPLICABLE and f.type != Field.Type.TEXT


def is_filled(value) -> bool:
    """Whether a stored value counts as given ("not applicable" does)."""
    return value not in (None, "")


# --- Typed or read from a file -> a Python value ---------------------------------------------


def parse_number(value) -> Decimal | None:
    """A number as typed (Thai digits, separators) or as a workbook holds it; None if empty."""
    not_a_number = InvalidValue(_("Enter a number, e.g. 1,250 or ๑,๒๕๐."))
    if isinstance(value, bool | datetime.date):
        raise not_a_number
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        # A float from a workbook as its shortest text: 12.5, not 12.5000000000000001.
        text = repr(value)
    else:
        typed = thai.to_arabic_digits(str(value or "")).strip()
        if typed and not (_TYPED_NUMBER.match(typed) and any(c.isdigit() for c in typed)):
            if "," in typed or " " in typed:
                # "1,2341,234" is a slip of the finger, not 12,341,234: say so, store nothing.
                raise InvalidValue(
                    _("Group the digits by three (1,234,567) or type them without commas.")
                )
            raise not_a_number
        text = thai.parse_number_text(typed)
    if text == "":
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise not_a_number from None
    if not number.is_finite():
        raise not_a_number
    if number.adjusted() >= NUMBER_MAX_DIGITS or len(number.as_tuple().digits) > NUMBER_MAX_DIGITS:
        raise InvalidValue(_("The number is too long."))
    return number + 0  # "-0" is 0


def check_number(number: Decimal, *, whole: bool, min_value=None, max_value=None) -> None:
    """Refuses a number its field cannot hold: a fraction in a whole-number field, more than
    two decimals, or outside the schema's bounds."""
    if whole and number != number.to_integral_value():
        raise InvalidValue(_("Enter a whole number."))
    if not whole and number.as_tuple().exponent < -2:
        raise InvalidValue(_("Use at most two decimal places."))
    if min_value is not None and number < min_value:
        raise InvalidValue(_("Must be at least %(min)s.") % {"min": number_text(min_value)})
    if max_value is not None and number > max_value:
        raise InvalidValue(_("Must be at most %(max)s.") % {"max": number_text(max_value)})


def check_field_number(f: Field, number: Decimal) -> None:
    """``check_number`` with the field's kind and bounds."""
    check_number(
        number, whole=f.type == Field.Type.INTEGER, min_value=f.min_value, max_value=f.max_value
    )


def parse_date(value, *, min_year=None, max_year=None) -> datetime.date | None:
    """A date as day/month/Buddhist-Era year or year-month-day (Thai digits welcome), or as a
    workbook's date; None if empty.

    A two-digit year is 25xx (15/11/69 is 15/11/2569). A four-digit year of the Common Era in
    a day/month/year date (15/11/2026) is refused with the Buddhist-Era date it probably meant;
    ISO year-month-day is read as Common Era unless the year is above 2400. A date whose
    Buddhist-Era year is outside ``min_year``..``max_year`` (by default EARLIEST_BE_YEAR to
    next year) is refused, as is a year of one or three digits (1/1/544)."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return _plausible(value, min_year, max_year)
    text = thai.to_arabic_digits(str(value or "")).strip()
    if not text:
        return None
    bad = InvalidValue(
        _(
            "Enter the date as day/month/Buddhist-Era year (30/9/2568) or as "
            "year-month-day (2025-09-30)."
        )
    )
    if match := _ISO_DATE.match(text):
        year, month, day = (int(part) for part in match.groups())
        if year > EARLIEST_BE_YEAR:
            year -= thai.BE_OFFSET
    elif match := _DMY_DATE.match(text):
        day, month, typed_year = match.groups()
        day, month, year = int(day), int(month), int(typed_year)
        if len(typed_year) == 2:
            year += 2500
        elif len(typed_year) != 4:
            raise InvalidValue(_("Write the year in full, in the Buddhist Era: 2568.")) from None
        elif CE_YEARS[0] <= year <= CE_YEARS[1]:
            suggestion = f"{day}/{month}/{year + thai.BE_OFFSET}"
            raise InvalidValue(
                _("The year %(year)s is a Common-Era (CE) year: did you mean %(date)s?")
                % {"year": year, "date": suggestion}
            )
        year -= thai.BE_OFFSET
    else:
        raise bad
    try:
        day = datetime.date(year, month, day)
    except ValueError:
        raise bad from None
    return _plausible(day, min_year, max_year)


def _plausible(day: datetime.date, min_year, max_year) -> datetime.date:
    """The day if its Buddhist-Era year is within the bounds (see parse_date)."""
    low = int(min_year) if min_year is not None else EARLIEST_BE_YEAR
    high = int(max_year) if max_year is not None else thai.be_year(timezone.localdate()) + 1
    if not low <= thai.be_year(day) <= high:
        raise InvalidValue(
            _("The year must be between %(min)s and %(max)s (Buddhist Era).")
            % {"min": low, "max": high}
        )
    return day


def parse_boolean(value) -> bool:
    """Yes or no in Thai or English words, true/false or 1/0."""
    if isinstance(value, bool):
        return value
    word = thai.to_arabic_digits(cell_text(value)).lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise InvalidValue(_("Enter yes or no (also ใช่/ไม่ใช่, true/false or 1/0)."))


def parse_choice(f: Field, value) -> str:
    """A choice by its value or its Thai or English label; returns the value."""
    text = cell_text(value).casefold()
    for choice in f.choices:
        if text in (choice["value"].casefold(), choice["label_th"], choice["label_en"].casefold()):
            return choice["value"]
    raise InvalidValue(
        _("“%(value)s” is not one of the choices: %(choices)s.")
        % {"value": cell_text(value), "choices": ", ".join(c["value"] for c in f.choices)}
    )


def cell_text(value) -> str:
    """A cell as text: a whole float from a workbook without its ".0"."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# --- To the stored form ----------------------------------------------------------------------


def stored_number(number: Decimal) -> str:
    """A number as stored: "1250", "12.5" (never "-0" or "1.25E+3")."""
    return f"{(Decimal(str(number)) + 0).normalize():f}"


def cell_to_stored(f: Field, cell) -> object:
    """The value a typed text or a file's cell gives a field, as stored: None clears the field,
    ``NOT_APPLICABLE`` for "NA" (except in a text field, where NA is text). Raises
    ``InvalidValue`` with a message for the user."""
    if isinstance(cell, str):
        cell = cell.strip()
        if cell.upper() == NOT_APPLICABLE and f.type != Field.Type.TEXT:
            return NOT_APPLICABLE
    if cell is None or cell == "":
        return None
    if f.is_numeric:
        number = parse_number(cell)
        if number is None:  # separators alone (",") are no number, nor an empty cell
            raise InvalidValue(_("Enter a number, e.g. 1,250 or ๑,๒๕๐."))
        check_field_number(f, number)
        return stored_number(number)
    if f.type == Field.Type.DATE:
        return parse_date(cell, min_year=f.min_value, max_year=f.max_value).isoformat()
    if f.type == Field.Type.BOOLEAN:
        return parse_boolean(cell)
    if f.type == Field.Type.CHOICE:
        return parse_choice(f, cell)
    text = cell_text(cell)
    if len(text) > TEXT_MAX_LENGTH:
        raise InvalidValue(_("At most %(max)s characters.") % {"max": TEXT_MAX_LENGTH})
    return text


def form_to_stored(value, f: Field):
    """A section form's cleaned value (a Decimal, a date, "yes"/"no", text) as stored."""
    if value in (None, ""):
        return None
    if f.is_numeric:
        return stored_number(value)
    if f.type == Field.Type.DATE:
        return value.isoformat()
    if f.type == Field.Type.BOOLEAN:
        return value == "yes"
    return value


# --- From the stored form --------------------------------------------------------------------


def number_text(number) -> str:
    """A number as people read it: 1,250 or 12.5."""
    return f"{Decimal(str(number)).normalize():,f}"


def typed_date(day: datetime.date) -> str:
    """A date as people type it: day/month/Buddhist-Era year, 30/9/2568."""
    return f"{day.day}/{day.month}/{thai.be_year(day)}"


def show_value(value, f: Field, language: str = "th") -> str:
    """A stored value as a person reads it: 1,250 คน, 30 ก.ย. 2568, ใช่, ไม่เกี่ยวข้อง."""
    if value in (None, ""):
        return ""
    if is_not_applicable(value, f):
        return str(_("not applicable"))
    if f.is_numeric:
        unit = f.unit_th if language == "th" else f.unit_en
        return f"{number_text(value)} {unit}".strip()
    if f.type == Field.Type.DATE:
        return thai.be_date(datetime.date.fromisoformat(value), short=True)
    if f.type == Field.Type.BOOLEAN:
        return str(_("yes") if value else _("no"))
    if f.type == Field.Type.CHOICE:
        labels = {c["value"]: c[f"label_{language}"] for c in f.choices}
        return labels.get(value, value)
    return str(value)


def stored_decimal(value) -> Decimal | None:
    """A stored number as a Decimal; None when it is not one (not applicable, a yes/no, or a
    value of another type kept from an older schema)."""
    if value in (None, "", NOT_APPLICABLE) or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return None
    return number + 0 if number.is_finite() else None


def cell_value(value, f: Field, language: str = "th"):
    """A stored value as an export's cell: a number as a Decimal (a spreadsheet adds it up), a
    date as typed (30/9/2568), everything else as ``show_value`` reads it; None when empty."""
    if value in (None, ""):
        return None
    if is_not_applicable(value, f) or not (f.is_numeric or f.type == Field.Type.DATE):
        return show_value(value, f, language)
    if f.is_numeric:
        number = stored_decimal(value)
        # Not a number after all (kept from an older schema): shown as it is stored.
        return number if number is not None else str(value)
    try:
        return typed_date(datetime.date.fromisoformat(value))
    except (TypeError, ValueError):
        return str(value)


def stored_to_initial(value, f: Field):
    """A stored value as the section form shows it for editing."""
    if value in (None, "") or is_not_applicable(value, f):
        return ""
    if f.is_numeric:
        return number_text(value)
    if f.type == Field.Type.DATE:
        return typed_date(datetime.date.fromisoformat(value))
    if f.type == Field.Type.BOOLEAN:
        return "yes" if value else "no"
    return value


# --- Comparing -------------------------------------------------------------------------------


def same_value(f: Field, old, new) -> bool:
    """Whether a new value leaves the stored one as it is ("12.50" is "12.5")."""
    if old == new:
        return True
    if f.is_numeric and NOT_APPLICABLE not in (old, new) and None not in (old, new):
        try:
            return Decimal(str(old)) == Decimal(str(new))
        except InvalidOperation:
            return False
    return False


def is_outlier(before: Decimal, after: Decimal) -> bool:
    """Whether a number jumped far from last year's (see OUTLIER_RATIO)."""
    if abs(after - before) < OUTLIER_MIN_CHANGE:
        return False
    low, high = sorted((abs(before), abs(after)))
    return low == 0 or high / low >= OUTLIER_RATIO


def outliers(fields: list[Field], values: dict, previous: dict) -> list[str]:
    """The codes of the numeric fields whose value jumped far from last year's."""
    flagged = []
    for f in fields:
        now, before = values.get(f.code), previous.get(f.code)
        if not f.is_numeric or NOT_APPLICABLE in (now, before) or not is_filled(now):
            continue
        if not is_filled(before):
            continue
        if is_outlier(Decimal(str(before)), Decimal(str(now))):
            flagged.append(f.code)
    return flagged
