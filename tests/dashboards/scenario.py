"""A known set of records and participations for the dashboard tests, counted by hand.

Round มท ๐๘๐๖/ว ๓๑๓๗ (FY 2568, section population, deadline 30 Dec 2024) for every LAO:

    district 6701 (Mueang Phetchabun)        on 25 Dec 2024     on 5 Jan 2025
      lao_a   SAO      no record             not started        overdue
      lao_b   subdist. 3 fields filled       in progress        overdue
      d1      SAO      submitted 20 Dec      on time            on time   (acknowledged)
      d2      SAO      submitted 3 Jan       late               late
      d3      SAO      submitted, returned   returned           overdue
      d4      town     province approved     approved           approved
      d5      PAO      province approved     approved           approved
    district 6702
      lao_c   SAO      submitted 15 Dec      on time            on time
    district 8104 (Krabi)
      lao_krabi SAO    3 fields, 1 Nov       in progress        overdue   (not current)

Every filled record has the population section (8 required fields) complete, except lao_b and
lao_krabi with 3 of its fields.
"""

import datetime

from accounts.models import Role
from deadlines.models import Reminder, RoundLAO
from deadlines.services import round_acknowledge, round_approve, round_return, round_submit
from records.models import LAO
from records.services import record_progress
from tests.base import PersonasTestCase, on
from tests.factories import POPULATION, fill_section, make_lao, make_round, make_user

DEADLINE = datetime.date(2024, 12, 30)
BEFORE = datetime.date(2024, 12, 25)
AFTER = datetime.date(2025, 1, 5)
PARTIAL = {k: POPULATION[k] for k in ("population_as_of", "population_male", "households_total")}


def owed(lao: LAO) -> int:
    """The LAO's required fields, counted by records.services (not by the dashboards)."""
    return sum(p.required for p in record_progress(lao=lao, record=None))


def build(case) -> None:
    """Adds d1..d5, their clerks (and lao_c's), the round and every participation's history to
    a PersonasTestCase class."""
    case.d1 = make_lao("6701", type=LAO.Type.SAO, name="ส่งตรงเวลา")
    case.d2 = make_lao("6701", type=LAO.Type.SAO, name="ส่งช้า")
    case.d3 = make_lao("6701", type=LAO.Type.SAO, name="ถูกส่งคืน")
    case.d4 = make_lao("6701", type=LAO.Type.TOWN, name="อำเภออนุมัติ")
    case.d5 = make_lao("6701", type=LAO.Type.PAO, name="จังหวัดอนุมัติ")
    case.round = make_round(deadline=DEADLINE)
    clerk = case.clerk_a
    officer, province = case.district_officer, case.province_officer
    # Each LAO's own clerk submits (the workflow lets no one else); d3's has an e-mail.
    case.clerk_d1 = make_user("clerk_d1", Role.CLERK, lao=case.d1)
    case.clerk_d3 = make_user("clerk_d3", Role.CLERK, lao=case.d3, email="d3@example.go.th")
    clerk_of = {
        case.d1: case.clerk_d1,
        case.d2: make_user("clerk_d2", Role.CLERK, lao=case.d2),
        case.d3: case.clerk_d3,
        case.d4: make_user("clerk_d4", Role.CLERK, lao=case.d4),
        case.d5: make_user("clerk_d5", Role.CLERK, lao=case.d5),
        case.lao_c: make_user("clerk_c", Role.CLERK, lao=case.lao_c),
    }

    def submit(lao):
        round_submit(participant=part(lao), by=clerk_of[lao])

    def part(lao):
        return RoundLAO.objects.select_related("round", "lao__district").get(
            round=case.round, lao=lao
        )

    with on(datetime.date(2024, 11, 1)):
        fill_section(case.lao_krabi, 2568, "population", clerk, PARTIAL)
    with on(datetime.date(2024, 12, 1)):
        fill_section(case.lao_b, 2568, "population", clerk, PARTIAL)
        for lao in (case.d1, case.d2, case.d3, case.d4, case.d5, case.lao_c):
            fill_section(lao, 2568, "population", clerk, POPULATION)
    with on(datetime.date(2024, 12, 10)):
        submit(case.d4)
        submit(case.d5)
    # The province approves its town municipality and PAO in one step (docs/supervision.md).
    with on(datetime.date(2024, 12, 11)):
        round_approve(participant=part(case.d4), by=province)
    with on(datetime.date(2024, 12, 12)):
        round_approve(participant=part(case.d5), by=province)
    with on(datetime.date(2024, 12, 15)):
        submit(case.lao_c)
    with on(datetime.date(2024, 12, 20)):
        submit(case.d1)
        round_acknowledge(participant=part(case.d1), by=case.clerk_d1)
    with on(datetime.date(2024, 12, 21)):
        submit(case.d3)
    with on(datetime.date(2024, 12, 22)):
        round_return(participant=part(case.d3), by=officer, comment="ตัวเลขไม่ตรง")
    with on(datetime.date(2025, 1, 3)):
        submit(case.d2)
    # The dashboards' tests count reminders; the notices of the workflow's events are tested
    # with the workflow (tests/deadlines/test_round_workflow.py).
    Reminder.objects.filter(kind__in=Reminder.EVENT_KINDS).delete()


class DashboardTestCase(PersonasTestCase):
    """The personas, for the dashboard tests; a page's test case gives ``get(user=...)``."""

    def get_as(self, user, url: str, day: datetime.date = AFTER, params=None):
        """``url`` as ``user`` sees it on ``day`` (the query string from ``params``)."""
        self.login(user)
        with on(day):
            return self.client.get(url, params)

    def assert_open_only_to(self, may: list[str], may_not: list[str]) -> None:
        """The page opens for the personas in ``may`` and is not found for those in ``may_not``."""
        for persona in [*may, *may_not]:
            with self.subTest(persona=persona):
                status = self.get(user=getattr(self, persona)).status_code
                self.assertEqual(status, 200 if persona in may else 404)


class ScenarioTestCase(DashboardTestCase):
    """Personas and the scenario above."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        build(cls)
