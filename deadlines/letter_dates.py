"""Dates as Thai official letters write them: "๑๕ มกราคม ๒๕๖๘", "15 ม.ค. 68", "๑ ธ. ค. ๒๕๖๗".

Full and abbreviated month names (pythainlp's lists, with the dots and spaces of an
abbreviation optional and a common misspelling), Thai or Arabic digits, an optional พ.ศ., and
two-digit Buddhist-Era years (๖๘ is 2568, noted as unsure by the parser). ``thai_strptime``
turns a match into a date; an impossible one (31 February) is no date.
"""

import dataclasses
import datetime
import re

from django.utils.translation import gettext as _
from pythainlp.util.date import thai_abbr_months, thai_full_months, thai_strptime

from deadlines.letter_text import DIGIT, squeeze
from lgdata.thai import to_arabic_digits

_MONTHS = {name: index for index, name in enumerate(thai_full_months, start=1)}
# A common misspelling, with ฏ for ฎ.
_MONTHS["กรกฏาคม"] = 7


def _abbreviation_key(abbr: str) -> str:
    return re.sub(r"[.\s]", "", abbr)


_ABBREVIATIONS = {
    _abbreviation_key(name): index for index, name in enumerate(thai_abbr_months, start=1)
}


def _abbreviation_pattern(abbr: str) -> str:
    # "ธ.ค." is also written "ธ.ค", "ธค." or "ธ. ค." — the dots are optional, as are the spaces.
    parts = [re.escape(part) for part in abbr.replace(".", " ").split()]
    return r"\.?\s?".join(parts) + r"\.?"


MONTH = "|".join(
    [re.escape(name) for name in sorted(_MONTHS, key=len, reverse=True)]
    + [_abbreviation_pattern(abbr) for abbr in thai_abbr_months]
)
DATE = re.compile(
    rf"(?<![0-9๐-๙])(?P<day>{DIGIT}{{1,2}})\s*(?:เดือน\s*)?(?P<month>{MONTH})\s*"
    rf"(?:พ\s?\.\s?ศ\s?\.?\s*)?(?P<year>{DIGIT}{{4}}|{DIGIT}{{2}})(?![0-9๐-๙])"
)
MONTH_YEAR = re.compile(rf"(?<![0-9๐-๙]\s)(?<![0-9๐-๙])(?P<month>{MONTH})\s*(?P<year>{DIGIT}{{4}})")


@dataclasses.dataclass
class FoundDate:
    """A date found in a letter: its value, where it stands, and how it was written."""

    value: datetime.date
    line: int
    start: int
    end: int
    short_year: bool
    text: str


def dates_in(line: str, index: int, start: int = 0) -> list[FoundDate]:
    """The dates on a line (from ``start``), as found on line ``index`` of the letter."""
    found = []
    for match in DATE.finditer(line, start):
        value, short = _to_date(match)
        if value:
            found.append(
                FoundDate(value, index, match.start(), match.end(), short, squeeze(match.group(0)))
            )
    return found


def _to_date(match: re.Match) -> tuple[datetime.date | None, bool]:
    year = int(to_arabic_digits(match["year"]))
    short = year < 100
    if short:
        year += 2500
    if not 2400 <= year <= 2700:
        return None, short
    month = _MONTHS.get(match["month"]) or _ABBREVIATIONS.get(_abbreviation_key(match["month"]))
    day = int(to_arabic_digits(match["day"]))
    try:
        value = thai_strptime(f"{day} {thai_full_months[month - 1]} {year}", "%d %B %Y")
    except (ValueError, IndexError, TypeError):
        return None, short
    return value.date(), short


def short_year_note(date: FoundDate) -> str:
    """Why a date with a two-digit year is marked unsure."""
    return _("The year in %(text)s has two digits; read as %(year)s.") % {
        "text": date.text,
        "year": date.value.year + 543,
    }
