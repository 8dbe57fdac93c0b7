"""The printable reminder letter (หนังสือเตือน) to an LAO behind a round's deadline.

When the e-mails of ``deadlines.reminders`` have not helped, the district (the province for its
PAO, city municipalities and Pattaya; the department for Bangkok) prints a letter in Thai
official form: Thai digits, Buddhist-Era dates, the sender's reference code read from its own
forwarding letter, the chain of letters the LAO was sent, and the sections still missing.
Always Thai, whatever the language of the person printing it.
"""

import datetime
from dataclasses import dataclass

from django.urls import reverse

from deadlines.due_dates import letter_chain
from deadlines.models import Circular, RoundLAO
from deadlines.reminders import BEHIND_STATES, portal_url, status_th
from deadlines.services import submission_missing
from lgdata.thai import be_date, to_thai_digits
from records.models import LAO, Record

LETTER_SUBJECT = "ขอให้เร่งรัดการปรับปรุงข้อมูลกลางองค์กรปกครองส่วนท้องถิ่น"
DEPARTMENT_NAME = "กรมส่งเสริมการปกครองท้องถิ่น"
BLANK = "................"
BANGKOK_PROVINCE = "10"


@dataclass(frozen=True)
class LetterIssuer:
    """Who sends the letter: the district for most LAOs; the province for its PAO, city
    municipalities and Pattaya (which it oversees directly); the department for Bangkok."""

    level: str
    office: str  # the sender's address block, right of ที่
    place: str
    short_name: str  # as the body names the sender: "อำเภอเมืองเพชรบูรณ์"
    position: str  # under the signature
    contact: str  # the unit that handles the matter, bottom left


def letter_issuer(lao: LAO) -> LetterIssuer:
    district, province = lao.district, lao.district.province
    if province.pk == BANGKOK_PROVINCE:
        return LetterIssuer(
            level=Circular.Level.DEPARTMENT,
            office=DEPARTMENT_NAME,
            place="ถนนนครราชสีมา เขตดุสิต กรุงเทพฯ ๑๐๓๐๐",
            short_name=DEPARTMENT_NAME,
            position=f"อธิบดี{DEPARTMENT_NAME}",
            contact=DEPARTMENT_NAME,
        )
    if lao.type in (LAO.Type.PAO, LAO.Type.CITY, LAO.Type.SPECIAL):
        return LetterIssuer(
            level=Circular.Level.PROVINCE,
            office=f"ศาลากลาง{province.display_name}",
            place="",
            short_name=province.display_name,
            position=f"ผู้ว่าราชการ{province.display_name}",
            contact=f"สำนักงานส่งเสริมการปกครองท้องถิ่น{province.display_name}",
        )
    return LetterIssuer(
        level=Circular.Level.DISTRICT,
        office=f"ที่ว่าการ{district.display_name}",
        place=province.display_name,
        short_name=district.display_name,
        position=f"นาย{district.display_name}",
        contact=f"สำนักงานส่งเสริมการปกครองท้องถิ่น{district.display_name}",
    )


def _letter_issuer_name(circular: Circular) -> str:
    if circular.level == Circular.Level.PROVINCE and circular.province:
        return circular.province.display_name
    if circular.level == Circular.Level.DISTRICT and circular.district:
        return circular.district.display_name
    return DEPARTMENT_NAME


def thai_digits(value: object) -> str:
    """A number or text with its digits written as Thai digits, as official letters write them."""
    return to_thai_digits(str(value))


def _thai_date(day: datetime.date) -> str:
    return thai_digits(be_date(day))


def _reference_prefix(issuer: LetterIssuer, chain: list[Circular]) -> str:
    """The sender's reference code ("พช ๐๐๒๓.๑/"), read from its own forwarding letter when
    the portal has it; otherwise the sender's name, for the officer to complete by hand."""
    own = [c for c in chain if c.level == issuer.level]
    if own and "/" in own[-1].reference:
        return own[-1].reference.rsplit("/", 1)[0].strip() + "/"
    return f"{issuer.short_name}/"


def reminder_letter_context(
    *, participant: RoundLAO, today: datetime.date, number: str = ""
) -> dict:
    """Everything the printable reminder letter (หนังสือเตือน) shows, in Thai official form
    (Thai digits, Buddhist-Era dates): ที่, sender, วันที่, เรื่อง, เรียน, อ้างถึง, the body
    (deadline, days late, sections missing), closing, signature block and contact lines.

    `number` is the letter's number in the sender's register; left blank, the officer writes it
    by hand on the printed letter.
    """
    round_, lao = participant.round, participant.lao
    issuer = letter_issuer(lao)
    chain = letter_chain(participant)
    record = Record.objects.filter(lao=lao, fiscal_year=round_.fiscal_year).first()
    started = bool(record and record.filled_count)
    days_late = max((today - round_.deadline).days, 0)
    days_left = max((round_.deadline - today).days, 0)
    missing = [
        {
            "number": thai_digits(number),
            "label": p.section.label_th,
            "count": thai_digits(len(p.missing)),
            "fields": len(p.missing),
            "rules_fail": not p.rules_pass,
        }
        for number, p in enumerate(submission_missing(participant), start=1)
    ]
    references = [
        {
            "number": thai_digits(number),
            "text": f"หนังสือ{_letter_issuer_name(c)} ที่ {thai_digits(c.reference)} "
            f"ลงวันที่ {_thai_date(c.date)}",
            "circular": c,
        }
        for number, c in enumerate(chain, start=1)
    ]
    return {
        "participant": participant,
        "round": round_,
        "lao": lao,
        "issuer": issuer,
        "reference": thai_digits(_reference_prefix(issuer, chain) + (number.strip() or BLANK)),
        "date_text": _thai_date(today),
        "subject": LETTER_SUBJECT,
        "addressee": lao.head_title,
        "references": references,
        "lao_full_name": lao.full_name,
        "fiscal_year": thai_digits(round_.fiscal_year),
        "deadline_text": _thai_date(round_.deadline),
        "lock_date_text": _thai_date(round_.lock_date) if round_.lock_date else "",
        "overdue": round_.is_overdue(today),
        "due_today": today == round_.deadline,
        "days_late": thai_digits(days_late),
        "days_left": thai_digits(days_left),
        "returned": participant.state == RoundLAO.State.RETURNED,
        "return_comment": participant.return_comment,
        "status_text": status_th(participant, today, started),
        "missing": missing,
        "submitted": participant.state not in BEHIND_STATES,
        "today_text": _thai_date(today),
        "portal_link": portal_url(reverse("deadlines:participant", args=[round_.pk, lao.code])),
    }
