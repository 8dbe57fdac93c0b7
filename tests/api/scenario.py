"""A round with one LAO in each status, for the completeness and circular endpoints.

Round มท ๐๘๐๖/ว ๓๑๓๗ (FY 2568, section population, deadline 30 Dec 2024), seen on 1 Mar 2025:

    6701  lao_a      population complete, submitted 20 Dec 2024   submitted on time
    6701  lao_b      3 population fields                          overdue
    6702  lao_c      nothing                                      overdue
    8104  lao_krabi  population complete, submitted 3 Jan 2025    submitted late
"""

import datetime

from accounts.models import Role
from deadlines.models import RoundLAO
from deadlines.services import round_submit
from records.models import LAO, District, Province
from tests.base import at, on
from tests.factories import POPULATION, fill_section, forward_letter, make_round, make_user

DEADLINE = datetime.date(2024, 12, 30)
TODAY = datetime.date(2025, 3, 1)
PARTIAL = {k: POPULATION[k] for k in ("population_as_of", "population_male", "households_total")}


def build(case) -> None:
    # Everything happens before TODAY, as it would in life (the personas' LAOs were made with
    # the real clock, so their registry entries are dated back too).
    LAO.objects.update(updated_at=at(datetime.date(2024, 10, 1)))
    with on(datetime.date(2024, 11, 19)):
        case.round = make_round(deadline=DEADLINE)

    def part(lao):
        return RoundLAO.objects.select_related("round", "lao").get(round=case.round, lao=lao)

    case.clerk_krabi = make_user("clerk_krabi", Role.CLERK, lao=case.lao_krabi)
    with on(datetime.date(2024, 12, 1)):
        fill_section(case.lao_a, 2568, "population", case.clerk_a, POPULATION)
        fill_section(case.lao_b, 2568, "population", case.clerk_a, PARTIAL)
        fill_section(case.lao_krabi, 2568, "population", case.clerk_a, POPULATION)
    with on(datetime.date(2024, 12, 20)):
        round_submit(participant=part(case.lao_a), by=case.clerk_a)
    with on(datetime.date(2025, 1, 3)):
        round_submit(participant=part(case.lao_krabi), by=case.clerk_krabi)
    with on(datetime.date(2024, 12, 2)):
        case.province_letter = forward_letter(
            case.round.circular,
            Province.objects.get(code="67"),
            reference="พช ๐๐๓๗.๓/ว ๔๗๗๙",
            date=datetime.date(2024, 12, 2),
            by=case.province_officer,
            deadline=datetime.date(2024, 12, 25),
        )
        case.district_letter = forward_letter(
            case.round.circular,
            District.objects.get(code="8104"),
            reference="กบ ๐๐๒๓/ว ๑",
            date=datetime.date(2024, 12, 3),
            subject="การปรับปรุงข้อมูลกลาง",
            by=case.other_province_officer,
        )


def counts(**statuses: int) -> dict:
    every = {s: 0 for s in RoundLAO.Status.values}
    return {"total": sum(statuses.values()), **every, **statuses}
