"""Reading a Thai official letter (หนังสือราชการ, หนังสือเวียน) given as text.

``parse_circular(text)`` returns a ``ParsedCircular``: the reference number (ที่), the letter's
own date, subject (เรื่อง), addressees (เรียน), references (อ้างถึง), enclosures
(สิ่งที่ส่งมาด้วย), the deadline, the issuer, the body, and the fields it is unsure of with the
reason. It never guesses silently: where two readings are possible it takes the likelier one and
names the field in ``unsure`` with a note.

Real letters arrive pasted from a PDF, typed again or scanned, so the parser expects:

- Thai and Arabic digits mixed, full and abbreviated month names, two-digit Buddhist-Era years
  (๕๕ is 2555), dates split over two lines.
- Scanning slips in the labels: doubled or misplaced vowels and tone marks, a missing mark
  (``เรือง``, ``ที มท``), ``เรียบ`` for ``เรียน``.
- Letterhead lines (ครุฑ, บันทึกข้อความ, ส่วนราชการ, the office address) and receipt stamps with
  dates of their own (``รับที่ ... วันที่ ... เวลา ... น.``, ``เลขรับ``), which are not the letter's
  date.
- A second letter after the first (a forwarded letter with the original attached): only the first
  is read, and the notes say another follows.

The letter's date is the one under the reference and office block (or on the ``ที่`` line of a
memo, บันทึกข้อความ). The deadline is the earliest date that follows ภายใน, ให้แล้วเสร็จ,
ไม่เกินวันที่ or ก่อนวันที่ in the body and closing sentence: a forwarding letter quotes the
upstream deadline and sets its own, earlier one, and the earlier one is what its addressees must
meet. The issuer is the signer's position as written under the name in brackets, e.g.
``อธิบดีกรมส่งเสริมการปกครองท้องถิ่น`` or ``รองผู้ว่าราชการจังหวัด ปฏิบัติราชการแทน
ผู้ว่าราชการจังหวัดเพชรบูรณ์``. The office-and-telephone block at the foot of the letter
(``สำนักบริหารการคลังท้องถิ่น / โทร. ...``) is the contact, kept apart in ``contact``; it stands in
for the issuer (marked unsure) only when no signature block can be found.

The Thai-specific work is pythainlp's, in two modules beside this one: ``letter_text`` cleans
every line and makes the labels' patterns forgive scanning slips, ``letter_dates`` finds dates
as letters write them. Thai digits go through ``lgdata.thai.to_arabic_digits``, which wraps
pythainlp's converter.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from collections.abc import Iterable

from django.utils.translation import gettext as _

from deadlines.letter_dates import DATE, MONTH_YEAR, FoundDate, dates_in, short_year_note
from deadlines.letter_text import DIGIT, DIGITS, THAI_LETTER, clean_lines, label_pattern, squeeze
from lgdata.thai import be_date, to_arabic_digits

MAX_TEXT_BYTES = 1024 * 1024
# The longest letter read: a real circular is a few thousand characters, a long one with its
# enclosures pasted in some tens of thousands. The reader is linear in its input
# (bench/parsing.py); the bound keeps a request well under a second (docs/circulars.md).
MAX_TEXT_CHARS = 100_000

#: The fields ``parse_circular`` may list in ``unsure``, in the order they are shown.
FIELDS = (
    "reference",
    "date",
    "subject",
    "addressees",
    "references",
    "enclosures",
    "deadline",
    "issuer",
)

# Whole-letter remarks (a second letter follows) are kept in ``notes`` under this key.
LETTER_NOTE = "letter"


class CircularError(ValueError):
    """The input cannot be read as a letter; the message is for the user."""


@dataclasses.dataclass
class ParsedCircular:
    """What was read from one letter. Strings are empty and dates None when not found."""

    reference: str = ""
    reference_normalised: str = ""
    date: datetime.date | None = None
    subject: str = ""
    addressees: list[str] = dataclasses.field(default_factory=list)
    references: list[str] = dataclasses.field(default_factory=list)
    enclosures: list[str] = dataclasses.field(default_factory=list)
    deadline: datetime.date | None = None
    issuer: str = ""
    body: str = ""
    contact: str = ""
    unsure: list[str] = dataclasses.field(default_factory=list)
    notes: dict[str, str] = dataclasses.field(default_factory=dict)

    def to_json_dict(self) -> dict:
        """The fields of ``FIELDS`` (dates in ISO), then ``reference_normalised`` and
        ``unsure``."""
        return {
            "reference": self.reference,
            "date": self.date.isoformat() if self.date else None,
            "subject": self.subject,
            "addressees": list(self.addressees),
            "references": list(self.references),
            "enclosures": list(self.enclosures),
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "issuer": self.issuer,
            "reference_normalised": self.reference_normalised,
            "unsure": list(self.unsure),
        }

    def cited_references(self) -> list[str]:
        """Normalised reference numbers named in the references (อ้างถึง), in order."""
        found = []
        for item in self.references:
            for match in _REFERENCE.finditer(item):
                number = _normalise_match(match)
                if number not in found:
                    found.append(number)
        return found

    def _doubt(self, field: str, reason: str) -> None:
        if field not in self.unsure:
            self.unsure.append(field)
            self.unsure.sort(key=_field_order)
        self._note(field, reason)

    def _note(self, key: str, reason: str) -> None:
        self.notes[key] = f"{self.notes[key]} {reason}" if key in self.notes else reason


def _field_order(name: str) -> int:
    return FIELDS.index(name) if name in FIELDS else len(FIELDS)


# --- Patterns ---------------------------------------------------------------------------------

_LABEL_END = r"(?:\s*[:：]\s*|\s+|(?=[\u0e01-\u0e2e]))"
LABELS = {
    "subject": re.compile(rf"^\s*{label_pattern('เรื่อง')}{_LABEL_END}"),
    "addressees": re.compile(rf"^\s*{label_pattern('เรียน', swaps={'น': 'บ'})}{_LABEL_END}"),
    "references": re.compile(rf"^\s*{label_pattern('อ้างถึง')}{_LABEL_END}"),
    "enclosures": re.compile(rf"^\s*{label_pattern('สิ่งที่ส่งมาด้วย', spaced=True)}{_LABEL_END}"),
}
_REFERENCE_LABEL = re.compile(rf"^\s*{label_pattern('ที่')}\s*[:：]?\s*")
_UNIT = re.compile(rf"^\s*{label_pattern('ส่วนราชการ')}{_LABEL_END}")
_MEMO = re.compile(rf"^\s*{label_pattern('บันทึกข้อความ', spaced=True)}\s*$")
_GARUDA = re.compile(r"^\s*[(\[]?\s*ครุฑ\s*[)\]]?\s*$")

# The sender's part of a reference number, up to its slash: the office's letters ("มท",
# "พช.") and its number ("๐๘๐๖.๓"). A full reference and an unnumbered one share it.
_OFFICE_PREFIX = r"(?P<prefix>[ก-ฮ]{1,4}(?:\.[ก-ฮ]{1,3})*\.?)"
_OFFICE_NUMBER = rf"(?P<number>{DIGIT}{{1,6}}(?:\s*\.\s*{DIGIT}{{1,4}})*)\s*/\s*"

_REFERENCE = re.compile(
    rf"{_OFFICE_PREFIX}?\s*{_OFFICE_NUMBER}"
    rf"(?P<circular>ว\s*\.?\s*)?(?P<serial>{DIGIT}{{1,6}})(?!{DIGIT})"
)

# A number typed without its serial, left to be filled in by hand: "ที่ มท ๐๘๐๖/ว".
_UNNUMBERED = re.compile(rf"{_OFFICE_PREFIX}\s*{_OFFICE_NUMBER}(?P<circular>ว)?(?=\s{{2,}}|\s*$)")

# A receipt stamp: "รับที่ ๑๒๓๔ วันที่ ... เวลา ๑๐.๓๐ น.", "เลขรับ ...", "ทะเบียนรับ".
_STAMP = re.compile(
    rf"รับที่|เลขรับ|เลขที่รับ|ทะเบียนรับ|วันที่รับ|ลงรับ|รับวันที่|"
    rf"เวลา\s*{DIGIT}{{1,2}}\s*[.:]\s*{DIGIT}{{2}}|{DIGIT}{{1,2}}[.:]{DIGIT}{{2}}\s*น\."
)
_DATE_LINE_PREFIX = re.compile(r"^\s*(?:ลง)?(?:วันที่|วัน)?\s*[:：]?\s*$")

_DEADLINE_TRIGGER = re.compile(r"ภาย\s?ใน|ให้แล้วเสร็จ|ไม่เกิน\s*วัน|ก่อน\s*วัน")
_RELATIVE_DEADLINE = re.compile(rf"ภาย\s?ใน\s*{DIGIT}{{1,3}}\s*วัน(?:ทำการ)?")
_TRIGGER_GAP = 30
# "ภายในระบบตั้งแต่วันที่ ..." names a start, not a deadline.
_NOT_A_DEADLINE = re.compile(r"ตั้งแต่|เริ่ม|นับแต่|นับจาก|ลงวันที่|หนังสือ|ณ\s")

_CLOSING = re.compile(r"จึง\s?เรียน\s?มา|จึงเรียนเพื่อ")
_REGARDS = re.compile(r"^\s*ขอแสดงความนับถือ")
# The signer's name in brackets: two to four words, no digits ("(นายสมชาย ใจดี)").
_SIGNATURE_NAME = re.compile(
    r"^\s*\(\s*(?!ลงชื่อ|ลายมือชื่อ|ลายเซ็น|สำเนา|ครุฑ|ตรา)(?=[^()0-9๐-๙]{3,60}\)\s*$)"
    r"(?:\S+\s+){1,3}\S+\s*\)\s*$"
)
_SIGNED_BY = re.compile(r"^\s*\(?\s*(?:ลงชื่อ|ลายมือชื่อ)\s*\)?")
_PERSON = re.compile(r"^\s*(?:นาย|นาง|นางสาว|น\.ส\.|ว่าที่|ดร\.|[ก-ฮ]\.[ก-ฮ]\.)")
_POSITION = re.compile(
    r"^\s*(?:ตำแหน่ง\s*)?(?:อธิบดี|รองอธิบดี|ผู้ว่าราชการ|รองผู้ว่าราชการ|ปลัด|รองปลัด|นายอำเภอ|"
    r"ท้องถิ่น|ผู้อำนวยการ|นายก|รองนายก|หัวหน้า|เลขาธิการ|รัฐมนตรี|ผู้ช่วย)"
)
_CONTACT = re.compile(r"โทร|โทรสาร|ไปรษณีย์อิเล็กทรอนิกส์|อีเมล|e-?mail|www\.|http", re.IGNORECASE)
_ON_BEHALF = re.compile(r"(?:แทน|รักษาราชการแทน)\s*$")

_NUMBERED = re.compile(rf"^\s*\(?(?P<n>{DIGIT}{{1,2}})\s*[.)]\s*")
_PAGE_MARK = re.compile(rf"^\s*[-–]\s*{DIGIT}{{1,3}}\s*[-–]\s*$")
_CATCHWORD = re.compile(r"^\s*/\s*\S.{0,40}$")

_ADDRESSEE_TITLE = re.compile(
    r"^(?:นายก|นายอำเภอ|ผู้ว่าราชการ|รองผู้ว่าราชการ|ผู้อำนวยการ|ปลัด|ท้องถิ่น|หัวหน้า|ประธาน|"
    r"อธิบดี|เลขาธิการ|ผู้บริหาร|ผู้บัญชาการ|ผู้กำกับ)"
)
_BODY_OPENER = re.compile(
    r"^\s*(?:ตามที่|ตามหนังสือ|ตาม|ด้วย|เนื่องด้วย|เนื่องจาก|สืบเนื่อง|อ้างถึงหนังสือ|"
    r"กรม|จังหวัด|อำเภอ|ขอ|ในการ|ในการนี้|บัดนี้|ทั้งนี้|โดยที่|เพื่อ|ตามระเบียบ)"
)
_ITEM_DONE = re.compile(
    rf"(?:{DATE.pattern})\s*\)?\s*$|(?:จำนวน|รวม)\s*{DIGIT}+\s*\S{{1,12}}\s*\)?\s*$|\)\s*$"
)
_SPACED_STARTS = re.compile(r"^(?:ลงวันที่|จำนวน|ประจำปี|พ\.ศ\.|ฉบับที่|ครั้งที่|และ)")

_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


# --- Reading the file ---------------------------------------------------------------------


def decode_circular(data: bytes) -> str:
    """The text of an uploaded or opened letter: UTF-8 (with or without BOM), UTF-16 with BOM,
    or TIS-620/CP874 as older Thai Windows saves it.

    Raises ``CircularError`` for an empty, too large or binary file and for a PDF, whose Thai
    text layer does not survive extraction (see ``pdf_message``).
    """
    if len(data) > MAX_TEXT_BYTES:
        raise CircularError(
            _("The file is larger than %(size)s KB, too large for a letter.")
            % {"size": MAX_TEXT_BYTES // 1024}
        )
    if data.startswith(b"%PDF"):
        raise CircularError(pdf_message())
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            text = None
    else:
        text = _decode_8bit(data)
    if text is None or _CONTROL_CHARS.search(text):
        raise CircularError(
            _("This is not a text file. Save the letter as plain text (UTF-8) or paste it.")
        )
    if not text.strip():
        raise CircularError(_("The letter is empty."))
    return text


def pdf_message() -> str:
    """Why a PDF is refused: extraction loses Thai tone marks and splits sara am."""
    return _(
        "PDF: paste the text instead. Text taken from a PDF loses Thai tone marks and vowels "
        "(ที่ comes out as ที), so the letter cannot be read reliably."
    )


def _decode_8bit(data: bytes) -> str | None:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        # Thai Windows saves text as TIS-620; CP874 is its superset.
        return data.decode("cp874")
    except UnicodeDecodeError:
        return None


# --- Parsing ----------------------------------------------------------------------------------


def too_long_message(length: int) -> str:
    return _(
        "The text has %(length)s characters; the portal reads letters of at most %(limit)s. "
        "Paste only the letter itself, without its enclosures."
    ) % {"length": f"{length:,}", "limit": f"{MAX_TEXT_CHARS:,}"}


def parse_circular(text: str) -> ParsedCircular:
    """Reads one Thai official letter (the first, if the text holds several).

    Raises ``CircularError`` when the text is empty or is not a letter: it needs at least two
    of a reference number, a date, a subject and an addressee.
    """
    if not text or not text.strip():
        raise CircularError(_("The letter is empty."))
    if len(text) > MAX_TEXT_CHARS:
        raise CircularError(too_long_message(len(text)))
    lines = clean_lines(text)
    result = ParsedCircular()

    subject_at = _first(lines, LABELS["subject"])
    header_end = subject_at
    if header_end is None:
        header_end = _first(lines, LABELS["addressees"])
    if header_end is None:
        header_end = min(len(lines), 15)
    reference_at = _read_reference(lines, header_end, result)

    end = _second_letter_at(lines, subject_at if subject_at is not None else header_end)
    if end is not None:
        _note_second_letter(lines, end, result)
        lines = lines[:end]

    _read_date(lines, reference_at, header_end, result)
    body_at = _read_header_blocks(lines, subject_at, result)
    closing_at = _read_body(lines, body_at, result)
    _read_deadline(lines, body_at, closing_at, result)
    _read_issuer(lines, closing_at, reference_at, result)

    found = sum(bool(value) for value in (result.reference, result.date, result.subject))
    found += bool(result.addressees)
    if found < 2:
        raise CircularError(
            _(
                "This does not look like an official letter: no reference number (ที่), date, "
                "subject (เรื่อง) or addressee (เรียน) could be found."
            )
        )
    _check_missing(result)
    return result


def _first(lines: list[str], pattern: re.Pattern, start: int = 0) -> int | None:
    for index in range(start, len(lines)):
        if pattern.search(lines[index]):
            return index
    return None


def normalise_reference(text: str) -> str:
    """``มท ๐๘๐๖/ว ๓๑๓๗`` → ``มท 0806/ว 3137``; the text as given when it holds no reference."""
    match = _REFERENCE.search(text)
    return _normalise_match(match) if match else squeeze(to_arabic_digits(text))


def _normalise_match(match: re.Match) -> str:
    prefix = (match["prefix"] or "").strip()
    number = re.sub(r"\s+", "", to_arabic_digits(match["number"]))
    serial = to_arabic_digits(match["serial"])
    circular = "ว " if match["circular"] else ""
    return f"{prefix} {number}/{circular}{serial}".strip()


def _reference_line(line: str) -> re.Match | None:
    label = _REFERENCE_LABEL.match(line)
    if not label:
        return None
    match = _REFERENCE.match(line, label.end())
    return match if match and (match["prefix"] or match["circular"]) else None


def _reference_end(line: str) -> int:
    """Where the reference number (whole or without its serial) ends on its line."""
    match = _reference_line(line)
    if match:
        return match.end()
    label = _REFERENCE_LABEL.match(line)
    partial = label and _UNNUMBERED.match(line, label.end())
    return partial.end() if partial else 0


def _read_reference(lines: list[str], header_end: int, result: ParsedCircular) -> int | None:
    for index in range(header_end):
        match = _reference_line(lines[index])
        if match:
            result.reference = squeeze(match.group(0))
            result.reference_normalised = _normalise_match(match)
            return index
    for index in range(header_end):
        label = _REFERENCE_LABEL.match(lines[index])
        match = label and _UNNUMBERED.match(lines[index], label.end())
        if match:
            number = re.sub(r"\s+", "", to_arabic_digits(match["number"]))
            result.reference = squeeze(match.group(0))
            result.reference_normalised = (
                f"{match['prefix']} {number}/{'ว' if match['circular'] else ''}"
            )
            result._doubt(
                "reference",
                _("The reference %(reference)s has no serial number; it may be filled in by hand.")
                % {"reference": result.reference},
            )
            return index
    return None


def _second_letter_at(lines: list[str], after: int) -> int | None:
    """Where another letter starts: a letterhead, memo title or ``ที่`` line followed closely by a
    subject line, after the first letter's own subject."""
    for index in range(after + 1, len(lines)):
        line = lines[index]
        starts = (
            _GARUDA.match(line) or _MEMO.match(line) or _UNIT.match(line) or _reference_line(line)
        )
        if not starts:
            continue
        if _first(lines[index : index + 12], LABELS["subject"]) is not None:
            return index
    return None


def _note_second_letter(lines: list[str], start: int, result: ParsedCircular) -> None:
    reference = None
    for line in lines[start : start + 12]:
        match = _reference_line(line)
        if match:
            reference = squeeze(match.group(0))
            break
    if reference:
        reason = _(
            "Another letter (%(reference)s) follows from line %(line)s; only the first letter "
            "was read."
        ) % {"reference": reference, "line": start + 1}
    else:
        reason = _("Another letter follows from line %(line)s; only the first letter was read.") % {
            "line": start + 1
        }
    result._note(LETTER_NOTE, reason)


# --- The letter's own date ----------------------------------------------------------------


def _is_stamp(lines: list[str], index: int, date: FoundDate, stamped: dict[int, bool]) -> bool:
    """Whether a date belongs to a receipt stamp. ``stamped`` remembers, per line, whether it
    holds stamp words, so a line of many dates is searched once, not once a date (linear time:
    docs/circulars.md)."""
    if _stamp_line(lines, index, stamped):
        return True
    # A stamp's own date line ("วันที่ ๒๑ พ.ย. ๕๕") stands between its number and time lines;
    # the letter's date line has no วันที่ (or, in a memo, shares the ที่ line).
    if not _alone_on_line(lines[index], date) or "วัน" not in lines[index][: date.start]:
        return False
    for step in (-1, 1):
        other = index + step
        while 0 <= other < len(lines) and abs(other - index) <= 2:
            neighbour = lines[other]
            if _reference_line(neighbour) or _header_label(neighbour) or DATE.search(neighbour):
                break
            if _stamp_line(lines, other, stamped):
                return True
            other += step
    return False


def _stamp_line(lines: list[str], index: int, stamped: dict[int, bool]) -> bool:
    if index not in stamped:
        stamped[index] = bool(_STAMP.search(lines[index]))
    return stamped[index]


_BLANK_TO_END = re.compile(r"\s*$")


def _alone_on_line(line: str, date: FoundDate) -> bool:
    """The date stands alone on its line, after nothing but วันที่. Matched in place (no
    slices), so each date costs what its own neighbourhood costs."""
    return bool(
        _DATE_LINE_PREFIX.match(line, 0, date.start) and _BLANK_TO_END.match(line, date.end)
    )


def _read_date(
    lines: list[str], reference_at: int | None, header_end: int, result: ParsedCircular
) -> None:
    candidates, stamps = [], []
    stamped: dict[int, bool] = {}
    for index in range(header_end):
        line = lines[index]
        start = 0
        if index == reference_at:
            start = _reference_end(line)
        for date in dates_in(line, index, start):
            (stamps if _is_stamp(lines, index, date, stamped) else candidates).append(date)
    if not candidates:
        if stamps:
            result._doubt(
                "date",
                _(
                    "Only a receipt stamp's date (%(dates)s) was found; it is not the letter's "
                    "own date."
                )
                % {"dates": ", ".join(date.text for date in stamps)},
            )
        elif partial := _month_year(lines, reference_at, header_end):
            result._doubt(
                "date",
                _("The date %(text)s has no day; it may be filled in by hand.") % {"text": partial},
            )
        else:
            result._doubt("date", _("No date was found under the letterhead."))
        return
    top = reference_at if reference_at is not None else -1
    under = [date for date in candidates if date.line >= top]
    pool = under or candidates
    chosen = _likeliest_date(lines, pool)
    result.date = chosen.value
    if not under:
        result._doubt(
            "date",
            _("The date %(date)s stands above the reference number, not under it.")
            % {"date": chosen.text},
        )
    if len({date.value for date in pool}) > 1:
        result._doubt(
            "date",
            _("Several dates in the letterhead (%(dates)s); took %(date)s.")
            % {"dates": ", ".join(date.text for date in pool), "date": chosen.text},
        )
    if chosen.short_year:
        result._doubt("date", short_year_note(chosen))


def _month_year(lines: list[str], reference_at: int | None, header_end: int) -> str:
    for line in lines[reference_at or 0 : header_end]:
        match = MONTH_YEAR.search(line)
        if match and not line[: match.start()].strip():
            return squeeze(match.group(0))
    return ""


def _likeliest_date(lines: list[str], pool: list[FoundDate]) -> FoundDate:
    # The letter's date stands alone on its line (or after วันที่); of those, the last before
    # the subject is closest to where the layout puts it.
    alone = [date for date in pool if _alone_on_line(lines[date.line], date)]
    return (alone or pool)[-1]


# --- Subject, addressees, references, enclosures --------------------------------------------


def _join(parts: Iterable[str]) -> str:
    """Joins wrapped lines: Thai words broken over a line join without a space (Thai writes no
    space between words), anything else with one."""
    text = ""
    for part in parts:
        part = squeeze(part)
        if not part:
            continue
        if not text:
            text = part
        elif (
            THAI_LETTER.match(text[-1])
            and THAI_LETTER.match(part[0])
            and not _SPACED_STARTS.match(part)
            and not _reference_line(part)
        ):
            text += part
        else:
            text += " " + part
    return text


def _header_label(line: str) -> tuple[str, re.Match] | None:
    for name, pattern in LABELS.items():
        match = pattern.match(line)
        if match:
            return name, match
    return None


def _read_header_blocks(lines: list[str], subject_at: int | None, result: ParsedCircular) -> int:
    """Reads เรื่อง, เรียน, อ้างถึง and สิ่งที่ส่งมาด้วย from the subject line on; returns the index
    of the body's first line."""
    start = subject_at
    if start is None:
        start = _first(lines, LABELS["addressees"])
        if start is None:
            return _after_reference_block(lines)
    blocks: dict[str, list[list[str]]] = {}
    current = None
    index = start
    while index < len(lines):
        line = lines[index]
        label = _header_label(line)
        if label and label[0] not in blocks:
            current = label[0]
            blocks[current] = [[line[label[1].end() :]]]
        elif not line.strip() or _PAGE_MARK.match(line):
            pass
        elif current and _continues(current, blocks[current], line, lines, index):
            items = blocks[current]
            number = _NUMBERED.match(line)
            if current in ("references", "enclosures") and number and _next_number(items, line):
                items.append([line])
            else:
                items[-1].append(line)
        else:
            break
        index += 1

    subject = blocks.get("subject", [[]])[0]
    result.subject = _join(subject)
    result.addressees = _addressees(blocks.get("addressees", [[]])[0])
    result.references = _items(blocks.get("references", []))
    result.enclosures = _items(blocks.get("enclosures", []))
    return index


def _after_reference_block(lines: list[str]) -> int:
    for index, line in enumerate(lines):
        if _reference_line(line):
            return index + 1
    return 0


def _continues(block: str, items: list[list[str]], line: str, lines: list[str], at: int) -> bool:
    """Whether a line still belongs to the header block before it, rather than to the body."""
    last = items[-1]
    if len(last) >= 4:
        return False
    if block == "subject":
        # A subject wraps onto a line or two; the next label follows right after.
        return any(_header_label(lines[ahead]) for ahead in range(at + 1, min(at + 3, len(lines))))
    if block == "addressees":
        text = line.strip()
        previous = squeeze(last[-1])
        return bool(
            _ADDRESSEE_TITLE.match(text)
            or text.startswith("และ")
            or previous.endswith(("และ", ","))
        )
    number = _NUMBERED.match(line)
    if number:
        return _next_number(items, line)
    if _BODY_OPENER.match(line):
        return False
    # A reference ends with its date, an enclosure with its count ("จำนวน ๑ ชุด").
    return not _ITEM_DONE.search(squeeze(" ".join(last)))


def _next_number(items: list[list[str]], line: str) -> bool:
    """A numbered line continues a numbered list: "๒." after "๑."."""
    numbers = [_NUMBERED.match(squeeze(" ".join(item))) for item in items]
    if not numbers or not numbers[-1]:
        return False
    last = int(to_arabic_digits(numbers[-1]["n"]))
    return int(to_arabic_digits(_NUMBERED.match(line)["n"])) == last + 1


def _items(blocks: list[list[str]]) -> list[str]:
    items = []
    for block in blocks:
        text = _NUMBERED.sub("", _join(block), count=1)
        if text:
            items.append(text)
    return items


def _addressees(parts: list[str]) -> list[str]:
    """Splits เรียน into addressees: at commas and "และ", and where a new title (นายก...,
    นายอำเภอ...) starts; qualifiers such as ทุกจังหวัด stay with their title."""
    names: list[str] = []
    for chunk in re.split(r"\s*,\s*|\s+และ\s*|^และ\s*", " ".join(parts)):
        current: list[str] = []
        for word in chunk.split():
            if current and _ADDRESSEE_TITLE.match(word):
                names.append(" ".join(current))
                current = []
            current.append(word)
        if current:
            names.append(" ".join(current))
    return [name for name in names if name]


# --- Body, deadline, issuer ---------------------------------------------------------------


def _read_body(lines: list[str], body_at: int, result: ParsedCircular) -> int:
    """Tidies the body into paragraphs; returns the index of the closing line."""
    closing_at = len(lines)
    paragraphs: list[list[str]] = []
    for index in range(body_at, len(lines)):
        line = lines[index]
        closing = _CLOSING.search(line)
        if closing or _REGARDS.match(line) or _SIGNATURE_NAME.match(line):
            closing_at = index
            before = line[: closing.start()] if closing else ""
            if before.strip():
                if _new_paragraph(before, paragraphs):
                    paragraphs.append([before])
                else:
                    paragraphs[-1].append(before)
            break
        if not line.strip() or _PAGE_MARK.match(line) or _CATCHWORD.match(line):
            if paragraphs and paragraphs[-1]:
                paragraphs.append([])
            continue
        if _new_paragraph(line, paragraphs):
            paragraphs.append([line])
        else:
            paragraphs[-1].append(line)
    result.body = "\n".join(_join(paragraph) for paragraph in paragraphs if paragraph)
    return closing_at


def _new_paragraph(line: str, paragraphs: list[list[str]]) -> bool:
    if not paragraphs or not paragraphs[-1]:
        return True
    return line.startswith(("  ", "\u3000")) or bool(_NUMBERED.match(line))


def _read_deadline(lines: list[str], body_at: int, closing_at: int, result: ParsedCircular) -> None:
    # The closing sentence may carry the deadline too ("...ให้แล้วเสร็จภายใน ...").
    end = closing_at
    while end < len(lines) and not (
        _REGARDS.match(lines[end]) or _SIGNATURE_NAME.match(lines[end])
    ):
        end += 1
    text = _join(lines[body_at:end])
    candidates: list[FoundDate] = []
    for date in dates_in(text, 0):
        before = text[max(0, date.start - _TRIGGER_GAP - 12) : date.start]
        triggers = list(_DEADLINE_TRIGGER.finditer(before))
        trigger = triggers[-1] if triggers else None
        gap = before[trigger.end() :] if trigger else ""
        if (
            trigger
            and len(gap) <= _TRIGGER_GAP
            and not DIGITS.search(gap)
            and not _NOT_A_DEADLINE.search(gap)
        ):
            candidates.append(date)
    if not candidates:
        relative = _RELATIVE_DEADLINE.search(text)
        if relative:
            result._doubt(
                "deadline",
                _("The letter gives a period (%(period)s), not a date.")
                % {"period": squeeze(relative.group(0))},
            )
        else:
            result._doubt(
                "deadline",
                _("No date after ภายใน, ให้แล้วเสร็จ or ไม่เกินวันที่ was found: no deadline."),
            )
        return
    chosen = min(candidates, key=lambda date: date.value)
    result.deadline = chosen.value
    if len({date.value for date in candidates}) > 1:
        result._doubt(
            "deadline",
            _("Several deadlines in the letter (%(dates)s); took the earliest, %(date)s.")
            % {"dates": ", ".join(date.text for date in candidates), "date": chosen.text},
        )
    if chosen.short_year:
        result._doubt("deadline", short_year_note(chosen))
    if result.date and chosen.value < result.date:
        result._doubt(
            "deadline",
            _("The deadline %(deadline)s is before the letter's date %(date)s.")
            % {"deadline": be_date(chosen.value), "date": be_date(result.date)},
        )


def _read_issuer(
    lines: list[str], closing_at: int, reference_at: int | None, result: ParsedCircular
) -> None:
    name_at = _first(lines, _SIGNATURE_NAME, closing_at)
    issuer: list[str] = []
    rest_at = None
    if name_at is not None:
        issuer, rest_at = _position_lines(lines, name_at + 1)
    else:
        regards = _first(lines, _REGARDS, closing_at)
        if regards is not None:
            index = regards + 1
            while index < len(lines) and (
                not lines[index].strip() or _SIGNED_BY.match(lines[index])
            ):
                index += 1
            if index < len(lines) and _PERSON.match(lines[index]):
                index += 1
            if index < len(lines) and _POSITION.match(lines[index]):
                issuer, rest_at = _position_lines(lines, index)
    if rest_at is not None:
        contact: list[str] = []
        for line in lines[rest_at:]:
            if not line.strip() and not contact:
                continue
            if not line.strip() or _STAMP.search(line):
                break
            contact.append(squeeze(line))
        result.contact = "\n".join(contact)
    if issuer:
        result.issuer = squeeze(" ".join(issuer))
        if name_at is None:
            result._doubt(
                "issuer",
                _(
                    "No name in brackets under the signature; read the line "
                    "under ขอแสดงความนับถือ as the position."
                ),
            )
        return
    office = _office(lines, reference_at)
    if office:
        result.issuer = office
        result._doubt(
            "issuer",
            _("No signature block was found; the issuer is the office in the letterhead."),
        )
    else:
        result._doubt("issuer", _("No signature block was found."))


def _position_lines(lines: list[str], start: int) -> tuple[list[str], int]:
    index = start
    while index < len(lines) and not lines[index].strip():
        index += 1
    position: list[str] = []
    while index < len(lines) and len(position) < 3:
        line = lines[index]
        # "... ปฏิบัติราชการแทน" always goes on to the office it acts for.
        on_behalf = bool(position) and bool(_ON_BEHALF.search(position[-1]))
        if not line.strip() and on_behalf:
            index += 1
            continue
        if not line.strip() or _CONTACT.search(line) or _STAMP.search(line):
            break
        if position and not on_behalf and not _POSITION.match(line):
            break
        position.append(line)
        index += 1
    return position, index


def _office(lines: list[str], reference_at: int | None) -> str:
    """The office beside the reference number, or a memo's ส่วนราชการ."""
    if reference_at is not None:
        line = lines[reference_at]
        rest = line[_reference_end(line) :]
        if rest.strip() and not DATE.search(rest):
            return squeeze(rest)
    for line in lines[: reference_at or 10]:
        unit = _UNIT.match(line)
        if unit:
            return squeeze(_CONTACT.split(line[unit.end() :])[0])
    return ""


def _check_missing(result: ParsedCircular) -> None:
    if not result.reference:
        result._doubt("reference", _("No reference number (ที่ ...) was found."))
    if not result.subject:
        result._doubt("subject", _("No subject (เรื่อง) was found."))
    if not result.addressees:
        result._doubt("addressees", _("No addressee (เรียน) was found."))
