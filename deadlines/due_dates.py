"""The letters an LAO works to and the dates they set (docs/supervision.md, docs/circulars.md).

The department's circular opens a round with its final date; the province's letter forwards it
to the districts and to the LAOs the province oversees; a district's letter forwards it to its
ทต./อบต. A forwarding letter may set an earlier date. An LAO sees its own supervisor's date and
the department's final date, each with its letter; reminders count from the nearest not yet past.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Q

from accounts import access
from deadlines.models import Circular, RoundLAO
from lgdata.thai import be_date, to_thai_digits


def _thai_date(day: datetime.date) -> str:
    return to_thai_digits(be_date(day))


def letter_chain(participant: RoundLAO) -> list[Circular]:
    """The department circular and the letters forwarding it to this LAO's province and
    district, in the order they were sent."""
    circular = participant.round.circular
    lao = participant.lao
    level = access.supervisor_level(lao)
    if level == "department":
        return [circular]
    # A district's letter goes to the ทต./อบต. it oversees; the province's letter to the districts
    # and to the LAOs it oversees (docs/supervision.md).
    addressed = Q(level=Circular.Level.PROVINCE, province_id=lao.district.province_id)
    if level == "district":
        addressed |= Q(level=Circular.Level.DISTRICT, district_id=lao.district_id)
    forwarding = (
        Circular.objects.filter(addressed)
        .filter(Q(forwards=circular) | Q(forwards__forwards=circular))
        .select_related("province", "district")
    )
    return [circular, *sorted(forwarding, key=lambda c: (c.level != "province", c.date, c.pk))]


@dataclass(frozen=True)
class DueDate:
    """A deadline as a letter set it: the date, the letter, and whether it is the department's
    final date (docs/circulars.md)."""

    date: datetime.date
    letter: Circular
    final: bool

    @property
    def label(self) -> str:
        """ "พช ๐๐๒๓.๓/ว ๑๒๓ ลงวันที่ ๓๐ พฤศจิกายน ๒๕๕๕": the letter that set the date."""
        return f"{self.letter.reference} ลงวันที่ {_thai_date(self.letter.date)}"


def participant_deadlines(
    participant: RoundLAO, chain: list[Circular] | None = None
) -> list[DueDate]:
    """The dates an LAO works to, earliest first: its supervisor's letter's deadline when that
    letter sets one other than the department's, and the department's final date."""
    chain = letter_chain(participant) if chain is None else chain
    final = DueDate(participant.round.deadline, participant.round.circular, True)
    own = [c for c in chain if c.level != Circular.Level.DEPARTMENT and c.deadline]
    dates = [final]
    if own and own[-1].deadline != final.date:
        dates.append(DueDate(own[-1].deadline, own[-1], False))
    return sorted(dates, key=lambda d: (d.date, d.final))


def nearest_deadline(dates: list[DueDate], today: datetime.date) -> DueDate:
    """The first of the dates not yet past, or the department's final date once all are."""
    for due in dates:
        if due.date >= today:
            return due
    return dates[-1]
