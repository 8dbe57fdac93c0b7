"""dashboards.figures: the read layer, checked against the scenario counted by hand."""

import datetime
import itertools

from django.db import connection
from django.test.utils import CaptureQueriesContext

from dashboards import figures
from dashboards.field_gaps import field_gaps, field_gaps_stored, field_missing_entries
from deadlines.models import RoundLAO
from records.gap_rollups import current_plan
from records.models import LAO, Record
from tests.dashboards import scenario
from tests.dashboards.scenario import AFTER, BEFORE, owed
from tests.factories import POPULATION, fill_section, make_lao

S = RoundLAO.Status


def counts(row) -> dict:
    return {status: n for status, n in row.status_counts.items() if n}


class ScenarioTestCase(scenario.ScenarioTestCase):
    def area(self, level, parent, today, **kwargs):
        rows = figures.area_rows(
            level=level,
            parent_code=parent,
            laos=LAO.objects.all(),
            round=self.round,
            fiscal_year=2568,
            today=today,
            **kwargs,
        )
        return {row.code: row for row in rows}


class LaoRowsTestCase(ScenarioTestCase):
    def rows(self, today, **kwargs):
        laos = LAO.objects.filter(district_id="6701")
        rows = figures.lao_progress_rows(
            laos=laos, round=self.round, fiscal_year=2568, today=today, **kwargs
        )
        return {row.lao.code: row for row in rows}

    def test_each_lao_has_the_status_counted_by_hand_before_and_after_the_deadline(self):
        expected = {
            "lao_a": (S.NOT_STARTED, S.OVERDUE),
            "lao_b": (S.IN_PROGRESS, S.OVERDUE),
            "d1": (S.SUBMITTED_ON_TIME, S.SUBMITTED_ON_TIME),
            "d2": (S.SUBMITTED_LATE, S.SUBMITTED_LATE),
            "d3": (S.RETURNED, S.OVERDUE),
            "d4": (S.APPROVED, S.APPROVED),
            "d5": (S.APPROVED, S.APPROVED),
        }
        before, after = self.rows(BEFORE), self.rows(AFTER)
        for name, (status_before, status_after) in expected.items():
            code = getattr(self, name).code
            with self.subTest(lao=name):
                self.assertEqual(before[code].status, status_before)
                self.assertEqual(after[code].status, status_after)

    def test_completeness_adds_up_stored_counts(self):
        rows = self.rows(BEFORE)
        a, b, d1 = rows[self.lao_a.code], rows[self.lao_b.code], rows[self.d1.code]
        self.assertFalse(a.has_record)
        self.assertEqual((a.filled, a.required), (0, owed(self.lao_a)))
        self.assertEqual((b.filled, b.required), (3, owed(self.lao_b)))
        self.assertEqual((d1.filled, d1.required), (8, owed(self.d1)))
        self.assertAlmostEqual(d1.completeness, 8 / owed(self.d1))
        population = next(cell for cell in d1.sections if cell.code == "population")
        self.assertEqual((population.filled, population.required), (8, 8))
        self.assertTrue(population.complete)
        partial = next(cell for cell in b.sections if cell.code == "population")
        self.assertEqual((partial.filled, partial.required, partial.complete), (3, 8, False))
        self.assertEqual(len(d1.sections), 17)

    def test_days_early_late_and_left(self):
        rows = self.rows(BEFORE)
        self.assertEqual(rows[self.d1.code].days, 10)  # submitted 20 Dec, deadline 30 Dec
        self.assertEqual(rows[self.d2.code].days, -4)  # submitted 3 Jan
        self.assertEqual(rows[self.lao_a.code].days, 5)  # 5 days left on 25 Dec
        self.assertEqual(self.rows(AFTER)[self.lao_a.code].days, -6)
        self.assertTrue(rows[self.d1.code].acknowledged)
        self.assertFalse(rows[self.d2.code].acknowledged)

    def test_it_filters_by_status_and_below_a_threshold_and_sorts(self):
        self.assertEqual(set(self.rows(BEFORE, status=S.APPROVED)), {self.d4.code, self.d5.code})
        self.assertEqual(
            set(self.rows(AFTER, status=S.OVERDUE)),
            {self.lao_a.code, self.lao_b.code, self.d3.code},
        )
        below = self.rows(BEFORE, below=2)  # 3/155 is 1.9 %, 8/130 (the PAO) is 6.2 %
        self.assertEqual(set(below), {self.lao_a.code, self.lao_b.code})
        behind = figures.lao_progress_rows(
            laos=LAO.objects.filter(district_id="6701"),
            round=self.round,
            fiscal_year=2568,
            today=BEFORE,
            sort="behind",
            limit=2,
        )
        self.assertEqual([r.lao.code for r in behind], [self.lao_a.code, self.lao_b.code])
        by_completeness = list(self.rows(BEFORE, sort="-completeness").values())
        ratios = [r.completeness for r in by_completeness]
        self.assertEqual(ratios, sorted(ratios, reverse=True))

    def test_current_means_updated_since_the_round_started(self):
        krabi = figures.lao_progress_rows(
            laos=LAO.objects.filter(pk=self.lao_krabi.pk),
            round=self.round,
            fiscal_year=2568,
            today=BEFORE,
        )[0]
        self.assertFalse(krabi.current)  # filled on 1 Nov, the round started 19 Nov
        self.assertTrue(self.rows(BEFORE)[self.d1.code].current)

    def test_without_a_round_there_is_completeness_and_no_status(self):
        rows = figures.lao_progress_rows(
            laos=LAO.objects.all(), round=None, fiscal_year=2568, today=BEFORE
        )
        self.assertEqual(len(rows), 9)
        self.assertTrue(all(row.status is None and row.days is None for row in rows))


class AreaRowsTestCase(ScenarioTestCase):
    def test_districts_of_a_province_before_the_deadline(self):
        rows = self.area("district", "67", BEFORE)
        self.assertEqual(len(rows), 11)  # every district of Phetchabun, with or without LAOs
        mueang = rows["6701"]
        self.assertEqual((mueang.laos, mueang.participants), (7, 7))
        self.assertEqual(
            counts(mueang),
            {
                S.NOT_STARTED: 1,
                S.IN_PROGRESS: 1,
                S.SUBMITTED_ON_TIME: 1,
                S.SUBMITTED_LATE: 1,
                S.RETURNED: 1,
                S.APPROVED: 2,
            },
        )
        laos = [self.lao_a, self.lao_b, self.d1, self.d2, self.d3, self.d4, self.d5]
        self.assertEqual(mueang.required, sum(owed(lao) for lao in laos))
        self.assertEqual(mueang.filled, 3 + 5 * 8)
        self.assertEqual(mueang.acknowledged, 1)
        self.assertEqual(counts(rows["6702"]), {S.SUBMITTED_ON_TIME: 1})
        self.assertEqual(rows["6703"].laos, 0)
        self.assertIsNone(rows["6703"].completeness)

    def test_provinces_after_the_deadline(self):
        rows = self.area("province", None, AFTER)
        self.assertEqual(len(rows), 77)
        self.assertEqual(
            counts(rows["67"]),
            {S.SUBMITTED_ON_TIME: 2, S.SUBMITTED_LATE: 1, S.APPROVED: 2, S.OVERDUE: 3},
        )
        self.assertEqual(counts(rows["81"]), {S.OVERDUE: 1})
        self.assertEqual(rows["81"].current, 0)
        nation = figures.totals(rows.values(), level="nation", code="", name_th="ทั้งประเทศ")
        self.assertEqual(nation.laos, 9)
        self.assertEqual(nation.submitted, 5)
        self.assertEqual(nation.behind, 4)
        self.assertEqual(nation.filled, 3 + 3 + 6 * 8)

    def test_a_province_adds_up_its_districts_and_the_nation_its_provinces(self):
        for today in (BEFORE, AFTER):
            districts = self.area("district", "67", today)
            province = self.area("province", None, today)["67"]
            summed = figures.totals(districts.values(), level="province", code="67", name_th="")
            for name in figures.COUNTED:
                self.assertEqual(getattr(summed, name), getattr(province, name), name)

    def test_district_totals_from_lao_progress_rows_equal_the_area_row(self):
        rows = figures.lao_progress_rows(
            laos=LAO.objects.filter(district_id="6701"),
            round=self.round,
            fiscal_year=2568,
            today=AFTER,
        )
        total = figures.lao_totals(rows, level="district", code="6701", name_th="")
        area = self.area("district", "67", AFTER)["6701"]
        for name in figures.COUNTED:
            self.assertEqual(getattr(total, name), getattr(area, name), name)

    def test_status_and_threshold_filters_count_only_those_laos(self):
        rows = self.area("district", "67", AFTER, status=S.OVERDUE)
        self.assertEqual((rows["6701"].laos, rows["6701"].overdue), (3, 3))
        self.assertEqual(rows["6702"].laos, 0)


class CompletenessByTestCase(ScenarioTestCase):
    def test_provinces_for_national_users_and_only_their_own_for_a_province_officer(self):
        rows = figures.completeness_by(
            level="province", parent=None, fiscal_year=2568, user=self.department, today=AFTER
        )
        self.assertEqual(len(rows), 77)
        phetchabun = next(r for r in rows if r["code"] == "67")
        self.assertEqual(phetchabun["laos"], 8)
        self.assertEqual(phetchabun["overdue"], 3)
        self.assertEqual(phetchabun["round"], self.round.pk)
        self.assertAlmostEqual(
            phetchabun["completeness"], phetchabun["filled"] / phetchabun["required"]
        )
        mine = figures.completeness_by(
            level="province", parent=None, fiscal_year=2568, user=self.province_officer, today=AFTER
        )
        self.assertEqual([r["code"] for r in mine], ["67"])

    def test_districts_and_laos_scoped_to_the_user(self):
        districts = figures.completeness_by(
            level="district", parent="67", fiscal_year=2568, user=self.district_officer, today=AFTER
        )
        self.assertEqual([r["code"] for r in districts], ["6701"])
        # A district officer's scope is the LAOs it oversees: not the town (d4) nor the PAO (d5).
        self.assertEqual(districts[0]["laos"], 5)
        laos = figures.completeness_by(
            level="lao", parent="67", fiscal_year=2568, user=self.province_officer, today=AFTER
        )
        self.assertEqual(len(laos), 8)
        d1 = next(r for r in laos if r["code"] == self.d1.code)
        self.assertEqual(
            (d1["status"], d1["submitted_on_time"], d1["filled"]), (S.SUBMITTED_ON_TIME, 1, 8)
        )
        self.assertEqual(
            figures.completeness_by(
                level="lao", parent="81", fiscal_year=2568, user=self.district_officer, today=AFTER
            ),
            [],
        )

    def test_a_year_without_a_round_gives_completeness_only(self):
        rows = figures.completeness_by(
            level="province", parent=None, fiscal_year=2567, user=self.department, today=AFTER
        )
        phetchabun = next(r for r in rows if r["code"] == "67")
        self.assertNotIn("overdue", phetchabun)
        self.assertEqual(phetchabun["filled"], 0)

    def test_an_unknown_level_is_refused(self):
        with self.assertRaises(ValueError):
            figures.completeness_by(
                level="region", parent=None, fiscal_year=2568, user=self.department
            )


class CurrentRoundTestCase(ScenarioTestCase):
    def test_the_latest_deadline_wins_optionally_within_a_year(self):
        from tests.factories import make_round

        later = make_round(deadline=datetime.date(2025, 3, 1), fiscal_year=2567)
        self.assertEqual(figures.current_round(), later)
        self.assertEqual(figures.current_round(2568), self.round)
        self.assertIsNone(figures.current_round(2560))


class SubmittedByDayTestCase(ScenarioTestCase):
    def test_moves_into_submitted_less_returns_per_area_and_day_from_the_history(self):
        by_district = figures.submitted_by_day(
            round=self.round, laos=LAO.objects.all(), level="district"
        )
        day = datetime.date
        # 6701: d4 and d5 on 10 Dec, d1 on 20 Dec, d3 on 21 Dec and returned on 22 Dec, d2 on
        # 3 Jan; the approvals of d4 and d5 keep them submitted, so they change nothing.
        self.assertEqual(
            by_district["6701"],
            {
                day(2024, 12, 10): 2,
                day(2024, 12, 20): 1,
                day(2024, 12, 21): 1,
                day(2024, 12, 22): -1,
                day(2025, 1, 3): 1,
            },
        )
        self.assertEqual(by_district["6702"], {day(2024, 12, 15): 1})  # lao_c
        series = figures.cumulative(
            by_district["6701"], start=day(2024, 12, 9), end=day(2024, 12, 22)
        )
        self.assertEqual(series[0], (day(2024, 12, 9), 0))
        self.assertEqual(series[1], (day(2024, 12, 10), 2))
        self.assertEqual(series[-2], (day(2024, 12, 21), 4))
        self.assertEqual(series[-1], (day(2024, 12, 22), 3))  # d1, d4, d5: d3 was returned


class FieldGapsTestCase(ScenarioTestCase):
    def test_missing_and_flagged_fields_and_failing_checks(self):
        gaps = field_gaps(laos=LAO.objects.all(), fiscal_year=2568)
        by_code = {g.field.code: g for g in gaps.fields}
        # Eight records exist (every LAO but lao_a); lao_b and lao_krabi filled 3 of 8 fields.
        total = by_code["population_total"]
        self.assertEqual((total.applicable, total.missing), (8, 2))
        self.assertEqual(by_code["population_male"].missing, 0)
        self.assertEqual(by_code["migrant_workers"].missing, 0)  # optional: never missing
        # A field that does not apply to a type is not counted for it.
        district_km = by_code["distance_to_province_km"]
        self.assertEqual(district_km.applicable, 7)  # not for the PAO
        self.assertEqual(district_km.missing, 7)

    def test_flags_and_failing_rules_are_counted(self):
        bad = dict(POPULATION, population_total="2600")  # male + female = 2500
        fill_section(self.lao_c, 2568, "population", self.clerk_a, bad)
        entry = Record.objects.get(lao=self.lao_c, fiscal_year=2568).entries.get(
            section__code="population"
        )
        entry.flags = ["population_male"]
        entry.save(update_fields=["flags"])
        gaps = field_gaps(laos=LAO.objects.all(), fiscal_year=2568)
        by_code = {g.field.code: g for g in gaps.fields}
        self.assertEqual(by_code["population_male"].flagged, 1)
        self.assertEqual(by_code["population_total"].rule_failures, 2)  # both sums fail
        rules = {g.rule.code: g.failing for g in gaps.rules}
        self.assertEqual(rules["population_total_is_sum"], 1)
        missing, count = field_missing_entries(
            field=by_code["population_male"].field, laos=LAO.objects.all(), fiscal_year=2568
        )
        self.assertEqual(count, 1)
        self.assertEqual(missing[0].record.lao, self.lao_c)


class StatusExpressionTestCase(scenario.DashboardTestCase):
    """The status computed in SQL equals RoundLAO.status() for every state, on both sides of
    the deadline, started or not."""

    def test_sql_and_python_agree_everywhere(self):
        from tests.factories import make_round

        round_ = make_round(deadline=scenario.DEADLINE)
        combos = list(
            itertools.product(
                [s for s in RoundLAO.State.values], [True, False, None], [True, False]
            )
        )
        participants = {}
        for index, (state, on_time, started) in enumerate(combos):
            lao = make_lao("6703", code=f"6{6703}{index:02d}")
            participant = RoundLAO.objects.create(
                round=round_, lao=lao, state=state, on_time=on_time
            )
            if started:
                fill_section(lao, 2568, "population", self.clerk_a, {"population_male": "5"})
            participants[lao.code] = (participant, started)
        for today in (scenario.DEADLINE - datetime.timedelta(days=1), scenario.DEADLINE, AFTER):
            rows = figures.lao_progress_rows(
                laos=LAO.objects.filter(district_id="6703"),
                round=round_,
                fiscal_year=2568,
                today=today,
            )
            self.assertEqual(len(rows), len(combos))
            for row in rows:
                participant, started = participants[row.lao.code]
                with self.subTest(
                    today=today,
                    state=participant.state,
                    on_time=participant.on_time,
                    started=started,
                ):
                    self.assertEqual(row.status, participant.status(today=today, started=started))


class QueryCountTestCase(ScenarioTestCase):
    """The figures cost the same number of queries for 9 LAOs and for 40."""

    def count(self, action) -> int:
        with CaptureQueriesContext(connection) as queries:
            action()
        return len(queries)

    def test_fixed_number_of_queries(self):
        actions = {
            "lao_progress_rows": lambda: figures.lao_progress_rows(
                laos=LAO.objects.all(), round=self.round, fiscal_year=2568, today=AFTER
            ),
            "area_rows": lambda: figures.area_rows(
                level="district",
                parent_code=None,
                laos=LAO.objects.all(),
                round=self.round,
                fiscal_year=2568,
                today=AFTER,
            ),
            "completeness_by": lambda: figures.completeness_by(
                level="province", parent=None, fiscal_year=2568, user=self.department
            ),
            "field_gaps": lambda: field_gaps(laos=LAO.objects.all(), fiscal_year=2568),
            "field_gaps_stored": lambda: field_gaps_stored(fiscal_year=2568, today=AFTER),
        }
        figures.required_by_type()  # counted once per process: whichever test came first
        current_plan()  # the schema's plan too
        before = {name: self.count(action) for name, action in actions.items()}
        # completeness_by reads the stored roll-ups: their stamp, then (a cold cache) the sums.
        # The field counts: the newest schema, then a grouped count and the entries with
        # something to read (computed), or the stored sums and the LAOs gone (stored; none).
        self.assertEqual(
            before,
            {
                "lao_progress_rows": 4,
                "area_rows": 3,
                "completeness_by": 6,
                "field_gaps": 3,
                "field_gaps_stored": 3,
            },
        )
        for n, code in enumerate(["1001", "5001", "8101", "9601"] * 8):
            lao = make_lao(code, name=f"เพิ่ม{n}")
            fill_section(lao, 2568, "population", self.clerk_a, POPULATION)
            RoundLAO.objects.create(round=self.round, lao=lao)
        after = {name: self.count(action) for name, action in actions.items()}
        self.assertEqual(after, before)
