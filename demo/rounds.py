"""Demo circulars and rounds for `seed_demo`: the letters of 2555 below and two rounds whose
LAOs are in every status.

- The 2555 chain: the department's circular มท ๐๘๐๖/ว ๓๑๓๗ of 19 November 2555 (deadline
  30 December 2555), Phetchabun's letter พช ๐๐๓๗.๓/ว ๔๗๗๙ of 30 November 2555 forwarding it and
  Mueang Phetchabun district's letter to its LAOs. They are history: no round is opened for them
  (no records of FY 2556 exist to submit).
- This fiscal year's round (deadline two weeks ahead, lock a month later): LAOs whose sample
  record is complete have submitted; some are approved by the district, some also by the
  province, some returned; the others are not started or in progress.
- Last fiscal year's round (deadline passed): most approved, some submitted late, the
  incomplete ones overdue.

Idempotent: letters are found by reference and issuer, a round by its circular, and states are
given only to participations this run creates.
"""

import datetime
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from accounts import access
from accounts.models import Role, User
from deadlines.models import Circular, Round, RoundLAO, Transition
from deadlines.parsing import normalise_reference
from lgdata.thai import be_date, fiscal_year_of, to_thai_digits
from records.models import LAO, District, Province, Record
from records.schema import current_schema

DEPARTMENT_ISSUER = "อธิบดีกรมส่งเสริมการปกครองท้องถิ่น"
SUBJECT = "การปรับปรุงข้อมูลกลางองค์กรปกครองส่วนท้องถิ่น"
HISTORIC_REFERENCE = "มท ๐๘๐๖/ว ๓๑๓๗"

# The letter-number prefix (รหัสพยัญชนะ) of each demo province's offices, as on their letters:
# a province's letters are "พช ๐๐๓๗.๓/ว …", its district offices' "พช ๐๐๒๓.<district>/ว …".
LETTER_PREFIXES = {"67": "พช", "81": "กบ", "50": "ชม", "10": "กท"}


def letter_prefix(province: Province) -> str:
    """The province's letter prefix; a province outside the demo's four keeps its code."""
    return LETTER_PREFIXES.get(province.code, to_thai_digits(province.code))


HISTORIC_DATE = datetime.date(2012, 11, 19)


@dataclass
class RoundsSeedResult:
    letters_created: int = 0
    rounds_created: int = 0
    participants_created: int = 0
    states: dict[str, int] = field(default_factory=dict)


def _letter(
    result: RoundsSeedResult, *, reference: str, level: str, cites: Circular | None = None, **fields
) -> Circular:
    """The letter with this reference from this issuer, made once (with the letter it cites)."""
    where = {"level": level, "reference_normalised": normalise_reference(reference)}
    for key in ("province", "district", "forwards"):
        if fields.get(key) is not None:
            where[key] = fields[key]
    found = Circular.objects.filter(**where).first()
    if found:
        return found
    result.letters_created += 1
    letter = Circular.objects.create(
        reference=reference,
        reference_normalised=where["reference_normalised"],
        level=level,
        **fields,
    )
    for cited in (cites, fields.get("forwards")):
        if cited is not None:
            letter.linked.add(cited)
    return letter


def _thai_date(day: datetime.date) -> str:
    return to_thai_digits(be_date(day))


def _forward(result: RoundsSeedResult, letter: Circular, *, office: str, **fields) -> Circular:
    """A letter forwarding ``letter`` (written by ``office``) down the chain, citing it under
    อ้างถึง as officials do: "หนังสือ<office> ที่ <its reference> ลงวันที่ <its date>"."""
    cited = f"หนังสือ{office} ที่ {letter.reference} ลงวันที่ {_thai_date(letter.date)}"
    return _letter(result, forwards=letter, subject=letter.subject, references=[cited], **fields)


def _historic_chain(result: RoundsSeedResult) -> Circular:
    department = _letter(
        result,
        reference=HISTORIC_REFERENCE,
        level=Circular.Level.DEPARTMENT,
        date=HISTORIC_DATE,
        subject=SUBJECT,
        issuer=DEPARTMENT_ISSUER,
        addressees=["ผู้ว่าราชการจังหวัด ทุกจังหวัด"],
        enclosures=["คู่มือการปรับปรุงข้อมูลกลางองค์กรปกครองส่วนท้องถิ่น จำนวน ๑ ชุด"],
        deadline=datetime.date(2012, 12, 30),
        body=(
            "ด้วยกรมส่งเสริมการปกครองท้องถิ่นได้จัดทำระบบข้อมูลกลางองค์กรปกครองส่วนท้องถิ่น "
            "เชื่อมโยงกับศูนย์ปฏิบัติการกระทรวงมหาดไทย เพื่อให้ผู้บริหารระดับสูงเรียกดูได้ตลอดเวลา "
            "จึงขอให้จังหวัดแจ้งองค์กรปกครองส่วนท้องถิ่นปรับปรุงข้อมูลให้ครบถ้วนทุกด้านและเป็นปัจจุบัน "
            "ให้แล้วเสร็จภายในวันที่ ๓๐ ธันวาคม ๒๕๕๕"
        ),
    )
    if not Province.objects.filter(code="67", districts__laos__isnull=False).exists():
        return department
    phetchabun = Province.objects.get(code="67")
    province = _forward(
        result,
        department,
        office="กรมส่งเสริมการปกครองท้องถิ่น",
        reference="พช ๐๐๓๗.๓/ว ๔๗๗๙",
        level=Circular.Level.PROVINCE,
        province=phetchabun,
        date=datetime.date(2012, 11, 30),
        issuer="ผู้ว่าราชการจังหวัดเพชรบูรณ์",
        addressees=[
            "นายอำเภอ ทุกอำเภอ",
            "นายกองค์การบริหารส่วนจังหวัดเพชรบูรณ์",
            "นายกเทศมนตรีเมืองเพชรบูรณ์",
        ],
        deadline=datetime.date(2012, 12, 20),
    )
    _forward(
        result,
        province,
        office=phetchabun.display_name,
        reference="พช ๐๐๒๓.๑/ว ๑๕๖๒",
        level=Circular.Level.DISTRICT,
        district=District.objects.get(code="6701"),
        date=datetime.date(2012, 12, 4),
        issuer="นายอำเภอเมืองเพชรบูรณ์",
        addressees=["นายกเทศมนตรีตำบล ทุกแห่ง", "นายกองค์การบริหารส่วนตำบล ทุกแห่ง"],
        deadline=datetime.date(2012, 12, 25),
    )
    return department


def _round(
    result: RoundsSeedResult,
    *,
    reference: str,
    fiscal_year: int,
    date: datetime.date,
    deadline: datetime.date,
    lock_date: datetime.date | None,
    cites: Circular,
    province_codes: Sequence[str],
) -> tuple[Round, list[RoundLAO]]:
    """A department circular, its round, forwarding letters of every province and district
    seeded; returns the round and the participations made by this run."""
    department = _letter(
        result,
        reference=reference,
        level=Circular.Level.DEPARTMENT,
        date=date,
        subject=f"{SUBJECT} ประจำปีงบประมาณ พ.ศ. {to_thai_digits(str(fiscal_year))}",
        issuer=DEPARTMENT_ISSUER,
        addressees=["ผู้ว่าราชการจังหวัด ทุกจังหวัด"],
        references=[
            f"หนังสือกรมส่งเสริมการปกครองท้องถิ่น ที่ {cites.reference} ลงวันที่ {_thai_date(cites.date)}"
        ],
        deadline=deadline,
        cites=cites,
    )
    round_, made = Round.objects.get_or_create(
        circular=department,
        defaults={
            "fiscal_year": fiscal_year,
            "section_codes": list(current_schema().sections.values_list("code", flat=True)),
            "starts_on": date,
            "deadline": deadline,
            "lock_date": lock_date,
        },
    )
    result.rounds_created += made
    for number, province in enumerate(Province.objects.filter(code__in=province_codes), start=1):
        serial = to_thai_digits(f"{fiscal_year % 100}{number:02d}")  # one per year and province
        letter = _forward(
            result,
            department,
            office="กรมส่งเสริมการปกครองท้องถิ่น",
            reference=f"{letter_prefix(province)} ๐๐๓๗.๓/ว {serial}",
            level=Circular.Level.PROVINCE,
            province=province,
            date=date + datetime.timedelta(days=5),
            issuer=f"ผู้ว่าราชการ{province.display_name}",
            addressees=["นายอำเภอ ทุกอำเภอ", f"นายกองค์การบริหารส่วน{province.display_name}"],
            deadline=deadline - datetime.timedelta(days=5),
        )
        for district in province.districts.filter(laos__isnull=False).distinct():
            _forward(
                result,
                letter,
                office=province.display_name,
                reference=f"{letter_prefix(province)} "
                f"๐๐๒๓.{to_thai_digits(str(int(district.code[2:])))}/ว {serial}",
                level=Circular.Level.DISTRICT,
                district=district,
                date=date + datetime.timedelta(days=9),
                issuer=f"นาย{district.display_name}",
                addressees=["นายกเทศมนตรีตำบล ทุกแห่ง", "นายกองค์การบริหารส่วนตำบล ทุกแห่ง"],
                deadline=deadline - datetime.timedelta(days=7),
            )
    existing = set(round_.participants.values_list("lao_id", flat=True))
    laos = LAO.objects.active_on(date).filter(district__province_id__in=province_codes)
    new = RoundLAO.objects.bulk_create(
        [
            RoundLAO(round=round_, lao_id=pk)
            for pk in laos.values_list("pk", flat=True)
            if pk not in existing
        ],
        batch_size=2000,
    )
    result.participants_created += len(new)
    return round_, new


def _complete_laos(fiscal_year: int, lao_ids: list[int]) -> set[int]:
    """LAOs whose record of the year has every required field and no broken rule."""
    return set(
        Record.objects.filter(fiscal_year=fiscal_year, lao_id__in=lao_ids, required_count__gt=0)
        .filter(filled_count__gte=F("required_count"))
        .annotate(broken=Count("entries", filter=Q(entries__rules_pass=False)))
        .filter(broken=0)
        .values_list("lao_id", flat=True)
    )


def _give_states(
    result: RoundsSeedResult,
    rng: random.Random,
    participants: list[RoundLAO],
    *,
    round_: Round,
    past: bool,
    keep_open: set[int],
) -> None:
    """States for new participations, with the transitions that led there."""
    complete = _complete_laos(round_.fiscal_year, [p.lao_id for p in participants])
    officers = {
        (u.role, u.district_id or u.province_id): u
        for u in User.objects.filter(role__in=[Role.DISTRICT, Role.PROVINCE])
    }
    department = User.objects.filter(role=Role.DEPARTMENT).order_by("pk").first()
    laos = LAO.objects.in_bulk([p.lao_id for p in participants])
    now = timezone.now()
    transitions = []
    for p in participants:
        lao = laos[p.lao_id]
        district = officers.get((Role.DISTRICT, lao.district_id))
        province = officers.get((Role.PROVINCE, lao.district_id[:2]))
        if rng.random() < 0.8:
            p.acknowledged_at = timezone.make_aware(
                datetime.datetime.combine(
                    round_.starts_on + datetime.timedelta(days=rng.randint(10, 15)),
                    datetime.time(10),
                )
            )
        if p.lao_id not in complete or p.lao_id in keep_open:
            continue
        roll = rng.random()
        late = past and roll < 0.12
        submitted_day = round_.deadline - datetime.timedelta(days=rng.randint(1, 20))
        if late:
            submitted_day = round_.deadline + datetime.timedelta(days=rng.randint(1, 30))
        p.submitted_at = min(
            timezone.make_aware(datetime.datetime.combine(submitted_day, datetime.time(14))), now
        )
        p.on_time = timezone.localdate(p.submitted_at) <= round_.deadline
        steps = [(RoundLAO.State.OPEN, RoundLAO.State.SUBMITTED, None, "")]
        # Whoever supervises the LAO approves or returns it, in one step (docs/supervision.md).
        level = access.supervisor_level(lao)
        supervisor = {"district": district, "province": province}.get(level, department)
        if not late and roll < (0.55 if past else 0.15):
            steps.append((RoundLAO.State.SUBMITTED, RoundLAO.State.APPROVED, supervisor, ""))
        elif not past and roll < 0.5:
            comment = "โปรดตรวจสอบจำนวนครัวเรือนให้ตรงกับทะเบียนราษฎร"
            steps.append((RoundLAO.State.SUBMITTED, RoundLAO.State.RETURNED, supervisor, comment))
            p.return_comment = comment
        p.state = steps[-1][1]
        for i, (before, after, by, comment) in enumerate(steps):
            transitions.append(
                Transition(
                    participant=p,
                    from_state=before,
                    to_state=after,
                    by=by,
                    comment=comment,
                    at=min(p.submitted_at + datetime.timedelta(days=2 * i), now),
                )
            )
    RoundLAO.objects.bulk_update(
        participants,
        ["state", "submitted_at", "on_time", "acknowledged_at", "return_comment"],
        batch_size=1000,
    )
    Transition.objects.bulk_create(transitions, batch_size=2000)
    for p in participants:
        result.states[p.state] = result.states.get(p.state, 0) + 1


@transaction.atomic
def demo_rounds_seed(
    *, province_codes: Sequence[str] | None, seed: int, today: datetime.date | None = None
) -> RoundsSeedResult:
    """The §1 letters and this year's and last year's rounds for the seeded provinces."""
    today = today or timezone.localdate()
    rng = random.Random(seed)
    result = RoundsSeedResult()
    codes = (
        list(province_codes)
        if province_codes
        else list(Province.objects.values_list("code", flat=True))
    )
    historic = _historic_chain(result)
    this_year = fiscal_year_of(today)
    keep_open = set(User.objects.filter(username="clerk").values_list("lao_id", flat=True))
    last, new_last = _round(
        result,
        reference="มท ๐๘๐๖/ว ๒๙๘๗",
        fiscal_year=this_year - 1,
        date=today - datetime.timedelta(days=400),
        deadline=today - datetime.timedelta(days=365),
        lock_date=today - datetime.timedelta(days=300),
        cites=historic,
        province_codes=codes,
    )
    _give_states(result, rng, new_last, round_=last, past=True, keep_open=set())
    current, new_current = _round(
        result,
        reference="มท ๐๘๐๖/ว ๒๑๕๓",
        fiscal_year=this_year,
        date=today - datetime.timedelta(days=30),
        deadline=today + datetime.timedelta(days=14),
        lock_date=today + datetime.timedelta(days=45),
        cites=historic,
        province_codes=codes,
    )
    _give_states(result, rng, new_current, round_=current, past=False, keep_open=keep_open)
    return result
