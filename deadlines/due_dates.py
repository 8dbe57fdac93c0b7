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


def _forwarding(circular: Circular, *, provinces, districts):
    """The letters forwarding ``circular`` (directly or through the province's) from these
    provinces and districts."""
    return (
        Circular.objects.filter(
            Q(level=Circular.Level.PROVINCE, province_id__in=provinces)
            | Q(level=Circular.Level.DISTRICT, district_id__in=districts)
        )
        .filter(Q(forwards=circular) | Q(forwards__forwards=circular))
        .select_related("province", "district")
    )


def _chain_of(lao, circular: Circular, letters) -> list[Circular]:
    """Of the forwarding ``letters``, those addressed to the LAO, after the department's: a
    district's letter goes to the ทต./อบต. it oversees; the province's to the districts and to
    the LAOs it oversees (docs/supervision.md); Bangkok has the department's letter only."""
    level = access.supervisor_level(lao)
    if level == "department":
        return [circular]
    mine = [
        c
        for c in letters
        if (c.level == Circular.Level.PROVINCE and c.province_id == lao.district_id[:2])
        or (
            level == "district"
            and c.level == Circular.Level.DISTRICT
            and c.district_id == lao.district_id
        )
    ]
    return [circular, *sorted(mine, key=lambda c: (c.level != "province", c.date, c.pk))]


def letter_chain(participant: RoundLAO) -> list[Circular]:
    """The department circular and the letters forwarding it to this LAO, in the order they
    were sent."""
    circular, lao = participant.round.circular, participant.lao
    letters = _forwarding(circular, provinces=[lao.district_id[:2]], districts=[lao.district_id])
    return _chain_of(lao, circular, letters)


def round_due_dates(round, participants: list[RoundLAO]) -> dict[int, list["DueDate"]]:
    """``participant_deadlines`` for many participations of one round, in one query."""
    circular = round.circular
    letters = list(
        _forwarding(
            circular,
            provinces={p.lao.district_id[:2] for p in participants},
            districts={p.lao.district_id for p in participants},
        )
    )
    return {
        p.pk: participant_deadlines(p, _chain_of(p.lao, circular, letters)) for p in participants
    }


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
