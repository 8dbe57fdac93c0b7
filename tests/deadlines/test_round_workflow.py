import datetime
import itertools

from accounts.models import Role
from deadlines.models import LockException, Reminder, RoundLAO, Transition
from deadlines.services import (
    SubmissionIncomplete,
    WorkflowError,
    lock_exception_grant,
    round_acknowledge,
    round_approve,
    round_return,
    round_submit,
)
from records.hooks import edit_blocked_reason
from records.models import LAO
from tests.base import PersonasTestCase, on
from tests.factories import POPULATION, fill_section, make_lao, make_round, make_user

DEADLINE = datetime.date(2024, 12, 30)
ONE_DAY = datetime.timedelta(days=1)


# What an officer reads (in Thai, the default language) when the move is not theirs to make.
NOT_ALLOWED = "สถานะของข้อมูลนี้ไม่อนุญาตให้ดำเนินการนี้แล้ว"


class RoundOpenTestCase(PersonasTestCase):
    def test_a_round_reaches_every_active_lao_of_the_targeted_types(self):
        make_lao("6701", name="ยุบแล้ว", active_until=datetime.date(2020, 1, 1))
        round_ = make_round()
        self.assertEqual(
            round_.participants.count(), LAO.objects.active_on(round_.starts_on).count()
        )
        self.assertEqual(round_.participants.count(), 4)
        self.assertFalse(round_.participants.filter(lao__name_th="ยุบแล้ว").exists())


class StatusInSQLTestCase(PersonasTestCase):
    """``with_status`` reads a participation's status in SQL as ``RoundLAO.status()`` does: for
    every state, on both sides of the deadline, started or not (a record of another fiscal year
    does not count as started)."""

    def test_sql_and_python_agree_everywhere(self):
        round_ = make_round(deadline=DEADLINE)
        started = {}
        combos = itertools.product(RoundLAO.State.values, [True, False, None], [True, False])
        for index, (state, on_time, has_value) in enumerate(combos):
            lao = make_lao("6703", code=f"66703{index:02d}")
            RoundLAO.objects.create(round=round_, lao=lao, state=state, on_time=on_time)
            year = 2568 if has_value else 2567
            fill_section(lao, year, "population", self.clerk_a, {"population_male": "5"})
            started[lao.pk] = has_value
        for today in (DEADLINE - ONE_DAY, DEADLINE, DEADLINE + ONE_DAY):
            participants = RoundLAO.objects.filter(round=round_).select_related("round")
            for p in participants.with_status(today=today):
                expected = p.status(today=today, started=started.get(p.lao_id, False))
                with self.subTest(today=today, state=p.state, on_time=p.on_time, lao=p.lao_id):
                    self.assertEqual(p.status_now, expected)


class SubmitTestCase(PersonasTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.round = make_round(deadline=DEADLINE)

    def participant(self, lao=None) -> RoundLAO:
        return RoundLAO.objects.select_related("round", "lao").get(
            round=self.round, lao=lao or self.lao_a
        )

    def submitted(self) -> RoundLAO:
        """LAO A's participation once its clerk has filled in the population and submitted."""
        fill_section(self.lao_a, 2568, "population", self.clerk_a, POPULATION)
        return round_submit(participant=self.participant(), by=self.clerk_a)

    def test_submit_is_refused_while_required_sections_are_missing_and_lists_them(self):
        with self.assertRaises(SubmissionIncomplete) as caught:
            round_submit(participant=self.participant(), by=self.clerk_a)
        missing = caught.exception.missing
        self.assertEqual([p.section.code for p in missing], ["population"])
        self.assertIn("households_total", [f.code for f in missing[0].missing])
        self.assertEqual(self.participant().state, RoundLAO.State.OPEN)

    def test_a_section_that_breaks_a_rule_blocks_submission(self):
        fill_section(
            self.lao_a, 2568, "population", self.clerk_a, {**POPULATION, "population_total": "9"}
        )
        with self.assertRaises(SubmissionIncomplete):
            round_submit(participant=self.participant(), by=self.clerk_a)

    def test_on_the_deadline_day_is_on_time_and_the_day_after_is_late(self):
        fill_section(self.lao_a, 2568, "population", self.clerk_a, POPULATION)
        fill_section(self.lao_b, 2568, "population", self.clerk_b, POPULATION)
        with on(DEADLINE):
            a = round_submit(participant=self.participant(self.lao_a), by=self.clerk_a)
        with on(DEADLINE + datetime.timedelta(days=1)):
            b = round_submit(participant=self.participant(self.lao_b), by=self.clerk_b)
        self.assertTrue(a.on_time)
        self.assertEqual(a.status(today=DEADLINE, started=True), RoundLAO.Status.SUBMITTED_ON_TIME)
        self.assertFalse(b.on_time)
        self.assertEqual(b.status(today=DEADLINE, started=True), RoundLAO.Status.SUBMITTED_LATE)

    def test_statuses_before_and_after_the_deadline(self):
        p = self.participant()
        self.assertEqual(p.status(today=DEADLINE, started=False), RoundLAO.Status.NOT_STARTED)
        self.assertEqual(p.status(today=DEADLINE, started=True), RoundLAO.Status.IN_PROGRESS)
        after = DEADLINE + datetime.timedelta(days=1)
        self.assertEqual(p.status(today=after, started=True), RoundLAO.Status.OVERDUE)

    def test_district_returns_clerk_resubmits_district_approves_once(self):
        fill_section(self.lao_a, 2568, "population", self.clerk_a, POPULATION)
        with on(DEADLINE - datetime.timedelta(days=5)):
            p = round_submit(participant=self.participant(), by=self.clerk_a)
            p = round_return(
                participant=p, by=self.district_officer, comment="ตรวจจำนวนครัวเรือนอีกครั้ง"
            )
            self.assertEqual(p.state, RoundLAO.State.RETURNED)
            self.assertEqual(p.return_comment, "ตรวจจำนวนครัวเรือนอีกครั้ง")
            self.assertIsNone(edit_blocked_reason(self.lao_a, 2568, DEADLINE))
            p = round_submit(participant=p, by=self.clerk_a)
            with self.assertRaisesMessage(WorkflowError, NOT_ALLOWED):  # an SAO: the district's
                round_approve(participant=p, by=self.province_officer)
            p = round_approve(participant=p, by=self.district_officer)
            self.assertEqual(p.state, RoundLAO.State.APPROVED)  # final (docs/supervision.md)
        moves = [(t.from_state, t.to_state, t.by) for t in Transition.objects.filter(participant=p)]
        self.assertEqual(
            moves,
            [
                ("open", "submitted", self.clerk_a),
                ("submitted", "returned", self.district_officer),
                ("returned", "submitted", self.clerk_a),
                ("submitted", "approved", self.district_officer),
            ],
        )
        notices = {
            (r.recipient.username, r.kind)
            for r in Reminder.objects.filter(participant=p).select_related("recipient")
        }
        self.assertEqual(
            notices,
            {
                ("district_6701", Reminder.Kind.SUBMITTED),
                ("clerk_a", Reminder.Kind.RETURNED),
                ("clerk_a", Reminder.Kind.APPROVED),
                ("province_67", Reminder.Kind.INFORMED),
            },
        )
        returned = Reminder.objects.get(kind=Reminder.Kind.RETURNED)
        self.assertEqual(returned.text, "ตรวจจำนวนครัวเรือนอีกครั้ง")
        self.assertIn("ส่งคืน", returned.subject)

    def test_the_province_approves_its_town_municipality_in_one_step(self):
        town = make_lao("6701", type=LAO.Type.TOWN, name="เพชรบูรณ์")
        clerk = make_user("clerk_town", Role.CLERK, lao=town)
        p = RoundLAO.objects.create(round=self.round, lao=town)
        fill_section(town, 2568, "population", clerk, POPULATION)
        p = round_submit(participant=p, by=clerk)
        with self.assertRaisesMessage(WorkflowError, NOT_ALLOWED):  # a town: the province's
            round_approve(participant=p, by=self.district_officer)
        p = round_approve(participant=p, by=self.province_officer)
        self.assertEqual(p.state, RoundLAO.State.APPROVED)
        self.assertEqual(
            set(Reminder.objects.filter(participant=p).values_list("recipient__username", "kind")),
            {("province_67", Reminder.Kind.SUBMITTED), ("clerk_town", Reminder.Kind.APPROVED)},
        )

    def test_the_province_cannot_approve_a_districts_sao_and_a_return_needs_a_reason(self):
        p = self.submitted()
        with self.assertRaisesMessage(WorkflowError, NOT_ALLOWED):
            round_approve(participant=p, by=self.province_officer)
        with self.assertRaisesMessage(WorkflowError, "โปรดระบุเหตุผลที่ส่งกลับแก้ไข"):
            round_return(participant=p, by=self.district_officer, comment="  ")
        self.assertEqual(self.participant().state, RoundLAO.State.SUBMITTED)

    def test_a_stale_officer_action_is_refused(self):
        self.submitted()
        first, second = self.participant(), self.participant()
        round_approve(participant=first, by=self.district_officer)
        # The second officer's page still showed "submitted": told to reload, not "not allowed".
        with self.assertRaisesMessage(WorkflowError, "โปรดโหลดหน้าใหม่"):
            round_return(participant=second, by=self.district_officer, comment="ช้าไป")
        self.assertEqual(self.participant().state, RoundLAO.State.APPROVED)

    def test_a_submitted_record_cannot_be_edited_until_returned(self):
        self.submitted()
        self.assertIn("มท ๐๘๐๖/ว ๓๑๓๗", edit_blocked_reason(self.lao_a, 2568, DEADLINE))
        self.assertIsNone(edit_blocked_reason(self.lao_a, 2569, DEADLINE))

    def test_acknowledging_twice_keeps_the_first_time(self):
        with on(DEADLINE - datetime.timedelta(days=20)):
            first = round_acknowledge(
                participant=self.participant(), by=self.clerk_a
            ).acknowledged_at
        with on(DEADLINE):
            again = round_acknowledge(
                participant=self.participant(), by=self.clerk_a
            ).acknowledged_at
        self.assertEqual(first, again)


class LockTestCase(PersonasTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.round = make_round(deadline=DEADLINE, lock_date=datetime.date(2025, 1, 15))

    def test_after_the_lock_date_editing_needs_an_exception(self):
        self.assertIsNone(edit_blocked_reason(self.lao_a, 2568, datetime.date(2025, 1, 15)))
        locked_day = datetime.date(2025, 1, 16)
        self.assertIn("ปิดการแก้ไข", edit_blocked_reason(self.lao_a, 2568, locked_day) or "")
        participant = RoundLAO.objects.get(round=self.round, lao=self.lao_a)
        with on(locked_day):
            lock_exception_grant(
                participant=participant,
                by=self.district_officer,
                reason="แก้ไขจำนวนประชากร",
                until=datetime.date(2025, 1, 20),
            )
        self.assertIsNone(edit_blocked_reason(self.lao_a, 2568, locked_day))
        after_it = datetime.date(2025, 1, 21)  # the exception has run out
        self.assertIn("ปิดการแก้ไข", edit_blocked_reason(self.lao_a, 2568, after_it) or "")
        self.assertIn("ปิดการแก้ไข", edit_blocked_reason(self.lao_b, 2568, locked_day) or "")

    def test_an_exception_needs_a_reason(self):
        participant = RoundLAO.objects.get(round=self.round, lao=self.lao_a)
        with self.assertRaisesMessage(WorkflowError, "โปรดระบุเหตุผลของการอนุญาตเป็นกรณีพิเศษ"):
            lock_exception_grant(
                participant=participant,
                by=self.district_officer,
                reason="",
                until=datetime.date(2099, 1, 1),
            )
        self.assertFalse(LockException.objects.exists())


class ImportRespectsTheRoundTestCase(PersonasTestCase):
    def test_an_import_cannot_change_a_submitted_record(self):
        from records.models import SectionEntry
        from records.record_import import ImportRow, record_values_import

        round_ = make_round(deadline=DEADLINE)
        fill_section(self.lao_a, 2568, "population", self.clerk_a, POPULATION)
        participant = RoundLAO.objects.get(round=round_, lao=self.lao_a)
        round_submit(participant=participant, by=self.clerk_a)
        result = record_values_import(
            rows=[ImportRow(2, self.lao_a.code, "2568", "households_total", "999")],
            by=self.clerk_a,
            commit=True,
        )
        self.assertTrue(result.errors)
        self.assertIn("มท ๐๘๐๖/ว ๓๑๓๗", result.errors[0].message)
        entry = SectionEntry.objects.get(record__lao=self.lao_a, section__code="population")
        self.assertEqual(entry.values["households_total"], "800")
