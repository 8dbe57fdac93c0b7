import datetime
from io import StringIO
from unittest import mock

from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from accounts.models import Role
from deadlines.models import Reminder, RoundLAO
from deadlines.reminders import (
    participants_behind,
    reminder_kind,
    reminders_send,
)
from deadlines.services import round_return, round_submit
from tests.base import PersonasTestCase, on
from tests.factories import POPULATION, fill_section, make_lao, make_round, make_user
from tests.task_worker import run_worker

DEADLINE = datetime.date(2024, 12, 30)
DAY_AFTER = DEADLINE + datetime.timedelta(days=1)  # an AFTER reminder day
DAY = datetime.timedelta(days=1)


def run(*args: str) -> str:
    out = StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def notice_lines(output: str) -> list[str]:
    return [line.strip() for line in output.splitlines() if line.startswith("  ")]


class ReminderScheduleTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.round = make_round(deadline=DEADLINE, lock_date=datetime.date(2025, 2, 10))

    def kind(self, day: datetime.date) -> str | None:
        return reminder_kind(round=self.round, today=day)

    def test_it_reminds_7_and_3_days_before_on_the_day_and_every_7_days_after(self):
        self.assertEqual(self.kind(DEADLINE - 7 * DAY), Reminder.Kind.BEFORE)
        self.assertEqual(self.kind(DEADLINE - 3 * DAY), Reminder.Kind.BEFORE)
        self.assertEqual(self.kind(DEADLINE), Reminder.Kind.ON_DAY)
        for late in (1, 8, 15, 22):
            self.assertEqual(self.kind(DEADLINE + late * DAY), Reminder.Kind.AFTER, late)

    def test_other_days_have_no_reminder(self):
        for offset in (-8, -6, -4, -2, -1, 2, 3, 7, 9):
            self.assertIsNone(self.kind(DEADLINE + offset * DAY), offset)

    def test_it_stops_at_the_lock_date_and_never_runs_before_the_round_starts(self):
        self.assertEqual(self.kind(datetime.date(2025, 2, 4)), Reminder.Kind.AFTER)  # day 36
        self.assertIsNone(self.kind(datetime.date(2025, 2, 11)))  # day 43, after the lock
        early = make_round(deadline=datetime.date(2024, 11, 22))  # starts 19 Nov
        self.assertIsNone(reminder_kind(round=early, today=datetime.date(2024, 11, 15)))
        self.assertEqual(
            reminder_kind(round=early, today=datetime.date(2024, 11, 19)), Reminder.Kind.BEFORE
        )

    def test_without_a_lock_date_it_stops_60_days_after_the_deadline(self):
        open_ended = make_round(deadline=DEADLINE)
        self.assertEqual(
            reminder_kind(round=open_ended, today=DEADLINE + 57 * DAY), Reminder.Kind.AFTER
        )
        self.assertIsNone(reminder_kind(round=open_ended, today=DEADLINE + 64 * DAY))


class SendRemindersTestCase(PersonasTestCase):
    """lao_a: open, not started (clerk_a with e-mail, clerk_a2 without). lao_b: submitted.
    lao_c (district 6702): returned. lao_krabi: open, but nobody in the portal to tell."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.round = make_round(deadline=DEADLINE)
        for user, email in (
            (cls.clerk_a, "clerk.a@napa.go.th"),
            (cls.clerk_b, "clerk.b@wangchomphu.go.th"),
            (cls.district_officer, "dla.6701@example.go.th"),
            (cls.other_district_officer, "dla.6702@example.go.th"),
            (cls.province_officer, "dla.67@example.go.th"),
        ):
            user.email = email
            user.save()
        cls.clerk_a2 = make_user("clerk_a2", Role.CLERK, lao=cls.lao_a)  # no e-mail address
        cls.clerk_c = make_user("clerk_c", Role.CLERK, lao=cls.lao_c)
        cls.clerk_c.email = "clerk.c@chondaen.go.th"
        cls.clerk_c.save()
        gone = make_user("clerk_gone", Role.CLERK, lao=cls.lao_a)
        gone.email = "gone@napa.go.th"
        gone.is_active = False
        gone.save()

        fill_section(cls.lao_b, 2568, "population", cls.clerk_b, POPULATION)
        fill_section(cls.lao_c, 2568, "population", cls.clerk_c, POPULATION)
        with on(DEADLINE - 5 * DAY):
            round_submit(participant=cls.participant(cls.lao_b), by=cls.clerk_b)
            submitted = round_submit(participant=cls.participant(cls.lao_c), by=cls.clerk_c)
            round_return(
                participant=submitted,
                by=cls.other_district_officer,
                comment="ตรวจจำนวนครัวเรือนอีกครั้ง",
            )
        # This module counts reminders; the notices of the workflow's events (a submission, a
        # return) are tested with the workflow (test_round_workflow).
        Reminder.objects.filter(kind__in=Reminder.EVENT_KINDS).delete()

    @classmethod
    def participant(cls, lao) -> RoundLAO:
        return RoundLAO.objects.select_related("round", "lao").get(round=cls.round, lao=lao)

    def emails_to(self, address: str) -> list[mail.EmailMessage]:
        return [m for m in mail.outbox if address in m.to]

    def assertOneEmail(self, address: str, *, subject=(), body=()) -> mail.EmailMessage:
        """One e-mail went to ``address``, its subject and body saying each of the phrases given;
        returns it."""
        (message,) = self.emails_to(address)
        for phrase in subject:
            self.assertIn(phrase, message.subject)
        for phrase in body:
            self.assertIn(phrase, message.body)
        return message

    def test_enqueue_sends_nothing_until_a_worker_runs_it(self):
        """--enqueue puts the run on the task queue; a worker sends the same reminders."""
        database = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
        with override_settings(TASKS=database), on(DEADLINE):
            output = run("--enqueue")
            self.assertIn("2024-12-30", output)
            self.assertEqual(len(mail.outbox), 0)
            self.assertFalse(Reminder.objects.exists())
            run_worker()
        self.assertEqual(DBTaskResult.objects.get().status, "SUCCESSFUL")
        self.assertTrue(Reminder.objects.exists())
        self.assertEqual(len(self.emails_to("clerk.a@napa.go.th")), 1)

    def test_exactly_the_laos_behind_are_behind_in_one_query(self):
        with self.assertNumQueries(1):
            behind = {
                (p.lao.code, p.lao.district.province_id, p.is_started)
                for p in participants_behind(round=self.round, today=DAY_AFTER)
            }
        self.assertEqual(
            behind,
            {
                (self.lao_a.code, "67", False),
                (self.lao_c.code, "67", True),
                (self.lao_krabi.code, "81", False),
            },
        )

    def test_a_run_costs_the_same_number_of_queries_whatever_the_number_of_laos(self):
        with CaptureQueriesContext(connection) as few:
            reminders_send(today=DAY_AFTER, dry_run=True)
        for n in range(3):
            lao = make_lao("6701", name=f"เพิ่ม{n}")
            RoundLAO.objects.create(round=self.round, lao=lao)
            clerk = make_user(f"clerk_more{n}", Role.CLERK, lao=lao)
            clerk.email = f"more{n}@example.go.th"
            clerk.save()
        with CaptureQueriesContext(connection) as many:
            summary = reminders_send(today=DAY_AFTER, dry_run=True)
        self.assertEqual(len(summary.notices), 8)
        self.assertEqual(len(many), len(few))

    def test_on_a_reminder_day_the_clerks_of_laos_behind_get_an_email(self):
        run("--date", DAY_AFTER.isoformat())
        recipients = sorted(address for message in mail.outbox for address in message.to)
        self.assertEqual(
            recipients,
            [
                "clerk.a@napa.go.th",
                "clerk.c@chondaen.go.th",
                "dla.6701@example.go.th",  # digests, see below
                "dla.6702@example.go.th",
            ],
        )
        self.assertEqual(self.emails_to("clerk.b@wangchomphu.go.th"), [])  # submitted
        self.assertEqual(self.emails_to("gone@napa.go.th"), [])  # inactive account
        self.assertEqual(self.emails_to("dla.67@example.go.th"), [])  # provinces get no digest

    def test_the_email_is_thai_with_a_buddhist_era_date_and_the_link(self):
        run("--date", DAY_AFTER.isoformat())
        message = self.assertOneEmail(
            "clerk.a@napa.go.th",
            subject=["อบต.นาป่า", "เลยกำหนดส่งมาแล้ว 1 วัน"],
            body=[
                "30 ธันวาคม 2567",
                "มท ๐๘๐๖/ว ๓๑๓๗",
                "ประชากร",  # the section still missing
                f"/rounds/{self.round.pk}/lao/{self.lao_a.code}/",
            ],
        )
        self.assertNotIn("&#x27;", message.body)
        self.assertOneEmail("clerk.c@chondaen.go.th", body=["ตรวจจำนวนครัวเรือนอีกครั้ง"])

    def test_each_district_officer_gets_one_digest_of_exactly_their_laos_behind(self):
        run("--date", DAY_AFTER.isoformat())
        digest = self.assertOneEmail(
            "dla.6701@example.go.th",
            subject=["อำเภอเมืองเพชรบูรณ์", "1 แห่ง"],
            body=[
                "อบต.นาป่า",
                "เลยกำหนดส่ง (ยังไม่เริ่มกรอกข้อมูล)",
                f"/rounds/{self.round.pk}/lao/{self.lao_a.code}/letter/",
            ],
        )
        self.assertNotIn("วังชมภู", digest.body)
        self.assertNotIn("ชนแดน", digest.body)
        other = self.assertOneEmail("dla.6702@example.go.th", body=["อบต.ชนแดน", "ถูกส่งคืนให้แก้ไข"])
        self.assertNotIn("นาป่า", other.body)

    def test_every_notice_is_stored_also_for_a_clerk_without_email(self):
        run("--date", DAY_AFTER.isoformat())
        rows = {
            (r.recipient.username, r.kind, r.emailed, r.participant_id)
            for r in Reminder.objects.select_related("recipient")
        }
        a, c = self.participant(self.lao_a).pk, self.participant(self.lao_c).pk
        self.assertEqual(
            rows,
            {
                ("clerk_a", Reminder.Kind.AFTER, True, a),
                ("clerk_a2", Reminder.Kind.AFTER, False, a),
                ("clerk_c", Reminder.Kind.AFTER, True, c),
                ("district_6701", Reminder.Kind.DIGEST, True, None),
                ("district_6702", Reminder.Kind.DIGEST, True, None),
            },
        )
        self.assertTrue(all(r.day == DAY_AFTER for r in Reminder.objects.all()))
        notice = Reminder.objects.get(recipient=self.clerk_a2)
        self.assertIn("30 ธันวาคม 2567", notice.text)

    def test_running_twice_the_same_day_sends_nothing_the_second_time(self):
        first = reminders_send(today=DAY_AFTER, dry_run=False)
        self.assertEqual((len(first.notices), first.emails_sent), (5, 4))
        sent, stored = len(mail.outbox), Reminder.objects.count()
        again = reminders_send(today=DAY_AFTER, dry_run=False)
        output = run("--date", DAY_AFTER.isoformat())
        self.assertEqual((again.notices, again.emails_sent), ([], 0))
        self.assertEqual(notice_lines(output), [])
        self.assertEqual((len(mail.outbox), Reminder.objects.count()), (sent, stored))
        # A week later is another reminder day.
        later = reminders_send(today=DAY_AFTER + 7 * DAY, dry_run=False)
        self.assertEqual(later.emails_sent, 4)

    def test_a_new_clerk_is_reminded_on_a_second_run_without_repeating_the_others(self):
        reminders_send(today=DAY_AFTER, dry_run=False)
        newcomer = make_user("clerk_new", Role.CLERK, lao=self.lao_krabi)
        newcomer.email = "new@klongthom.go.th"
        newcomer.save()
        second = reminders_send(today=DAY_AFTER, dry_run=False)
        self.assertEqual([n.recipient for n in second.notices], ["clerk_new"])

    def test_on_a_day_without_reminders_nothing_is_sent(self):
        output = run("--date", (DEADLINE + 2 * DAY).isoformat())
        self.assertEqual(mail.outbox, [])
        self.assertFalse(Reminder.objects.exists())
        self.assertEqual(notice_lines(output), [])

    def test_dry_run_sends_and_stores_nothing_but_lists_the_same_recipients(self):
        dry = run("--dry-run", "--date", DAY_AFTER.isoformat())
        self.assertEqual(mail.outbox, [])
        self.assertFalse(Reminder.objects.exists())
        real = run("--date", DAY_AFTER.isoformat())
        self.assertEqual(notice_lines(dry), notice_lines(real))
        self.assertEqual(len(notice_lines(real)), 5)
        lines = "\n".join(notice_lines(dry))
        self.assertIn(f"{self.lao_a.code} อบต.นาป่า | clerk_a <clerk.a@napa.go.th>", lines)
        self.assertIn("clerk_a2 (", lines)
        self.assertNotIn("clerk_b", lines)
        self.assertIn("district_6701 <dla.6701@example.go.th>", lines)

    def test_dry_run_returns_what_a_real_run_sends(self):
        dry = reminders_send(today=DAY_AFTER, dry_run=True)
        real = reminders_send(today=DAY_AFTER, dry_run=False)
        self.assertEqual(dry.notices, real.notices)
        self.assertEqual(len(dry.emails), real.emails_sent)

    def test_without_date_it_runs_as_of_today(self):
        with on(DEADLINE):
            run()
        self.assertEqual(
            set(Reminder.objects.values_list("kind", "day")),
            {(Reminder.Kind.ON_DAY, DEADLINE), (Reminder.Kind.DIGEST, DEADLINE)},
        )
        self.assertOneEmail("clerk.a@napa.go.th", subject=["วันนี้ครบกำหนด"])

    def test_a_failed_email_is_reported_and_not_sent_again(self):
        down = mock.patch(
            "django.core.mail.backends.locmem.EmailBackend.send_messages",
            side_effect=OSError("mail server down"),
        )
        with down, self.assertRaises(CommandError), self.assertLogs("deadlines.reminders"):
            run("--date", DAY_AFTER.isoformat())
        self.assertEqual(Reminder.objects.count(), 5)
        self.assertFalse(Reminder.objects.filter(emailed=True).exists())
        run("--date", DAY_AFTER.isoformat())
        self.assertEqual(mail.outbox, [])

    def test_a_bad_date_is_refused_clearly(self):
        for value, words in (("31/12/2024", "YYYY-MM-DD"), ("2567-12-31", "2024")):
            with self.subTest(value), self.assertRaisesMessage(CommandError, words):
                run("--date", value)
        self.assertFalse(Reminder.objects.exists())
