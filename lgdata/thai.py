"""Thai digits and Buddhist-Era dates, the way people here read and type them.

Thin wrappers over pythainlp so the rest of the code never formats a date by hand.
"""

import datetime
import re

from django.utils import timezone
from pythainlp.util import arabic_digit_to_thai_digit, thai_digit_to_arabic_digit, thai_strftime

BE_OFFSET = 543

_SEPARATORS = re.compile(r"[,\s\u00a0\u202f]")


def to_arabic_digits(text: str) -> str:
    """Returns text with Thai digits (๐-๙) replaced by 0-9; other characters are kept."""
    return thai_digit_to_arabic_digit(text) if text else text


def parse_number_text(text: str) -> str:
    """Normalises a typed number: Thai digits to Arabic, thousands separators and spaces removed.

    The result is still a string; the caller converts it and reports errors in its own words.
    """
    return _SEPARATORS.sub("", to_arabic_digits(text or "").strip())


def be_year(value: datetime.date | int) -> int:
    """The Buddhist-Era year of a date or of a Common-Era year."""
    year = value if isinstance(value, int) else value.year
    return year + BE_OFFSET


def _localise(value: datetime.datetime | datetime.date) -> datetime.datetime | datetime.date:
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def be_date(value: datetime.date | datetime.datetime | None, *, short: bool = False) -> str:
    """ "19 พฤศจิกายน 2555" (or "19 พ.ย. 2555" when short); empty for None."""
    if value is None:
        return ""
    return thai_strftime(_localise(value), "%-d %b %Y" if short else "%-d %B %Y")


def be_datetime(value: datetime.datetime | None) -> str:
    """ "19 พ.ย. 2555 13:05" in the portal's time zone; empty for None."""
    if value is None:
        return ""
    return thai_strftime(_localise(value), "%-d %b %Y %H:%M")


def fiscal_year_of(day: datetime.date) -> int:
    """The Thai fiscal year (Buddhist Era) a day falls in: FY 2556 runs 1 Oct 2012 - 30 Sep 2013."""
    return be_year(day.year + 1 if day.month >= 10 else day.year)


def to_thai_digits(text: str) -> str:
    """Returns text with 0-9 written as Thai digits (๐-๙), as official letters write numbers."""
    return arabic_digit_to_thai_digit(text) if text else text
