"""Remind now, from the district page: one LAO or all those behind, once a day."""

from django.core import mail

from accounts.models import Role
from deadlines.models import Reminder, RoundLAO
from deadlines.reminders import reminders_send_now
from records.models import LAO
from tests.base import on
from tests.dashboards import scenario
from tests.dashboards.scenario import AFTER, BEFORE
from tests.factories import make_lao, make_user


class RemindTestCase(scenario.ScenarioTestCase):
    """Behind before the deadline: lao_a (not started), lao_b (in progress), d3 (returned).
    clerk_a (of lao_a, with an e-mail) and clerk_b (lao_b, no e-mail) have accounts; d3 has a
    clerk with an e-mail; d1 (submitted) has clerk_d1."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.clerk_a.email = "clerk_a@example.go.th"
        cls.clerk_a.save()
        # The scenario's moves leave workflow notices (tests/deadlines/test_workflow_notices);
        # here only the reminders sent are counted.
        Reminder.objects.all().delete()

    def url(self) -> str:
        return "/district/6701/remind/"

    def post(self, user=None, day=BEFORE, follow=False, **data):
        self.login(user or self.district_officer)
        with on(day):
            return self.client.post(self.url(), {"round": self.round.pk, **data}, follow=follow)

    def test_the_confirmation_lists_exactly_the_laos_behind(self):
        self.login(self.district_officer)
        with on(BEFORE):
            response = self.client.get(self.url(), {"round": self.round.pk})
        codes = [row["participant"].lao.code for row in response.context["rows"]]
        self.assertEqual(sorted(codes), sorted([self.lao_a.code, self.lao_b.code, self.d3.code]))
        self.assertEqual(response.context["to_send"], 3)
        self.assertEqual(len(mail.outbox), 0)  # a GET sends nothing

    def test_remind_all_reaches_every_clerk_behind_and_a_second_click_sends_nothing(self):
        response = self.post(next="/district/6701/?status=returned")
        self.assertRedirects(
            response, "/district/6701/?status=returned", fetch_redirect_response=False
        )
        reminders = Reminder.objects.filter(kind=Reminder.Kind.MANUAL)
        self.assertEqual(
            sorted(r.recipient.username for r in reminders), ["clerk_a", "clerk_b", "clerk_d3"]
        )
        self.assertEqual(
            sorted(m.to[0] for m in mail.outbox), ["clerk_a@example.go.th", "d3@example.go.th"]
        )
        self.assertIn("อีก 5 วัน", mail.outbox[0].body + mail.outbox[1].body)
        self.assertFalse(Reminder.objects.filter(recipient=self.clerk_d1).exists())

        self.client.get("/district/6701/")  # shows (and so clears) the first click's message
        response = self.post(follow=True)
        self.assertEqual(Reminder.objects.filter(kind=Reminder.Kind.MANUAL).count(), 3)
        self.assertEqual(len(mail.outbox), 2)
        summary = [str(m) for m in response.context["messages"]]
        self.assertEqual(len(summary), 1)
        for name in ("อบต.นาป่า", "ทต.วังชมภู", "อบต.ถูกส่งคืน"):
            self.assertIn(name, summary[0])

    def test_remind_one_lao_from_its_row(self):
        self.post(lao=self.lao_a.code)
        self.assertEqual(
            list(Reminder.objects.values_list("recipient__username", "kind")),
            [("clerk_a", Reminder.Kind.MANUAL)],
        )
        self.assertEqual(len(mail.outbox), 1)
        self.assertIn("อบต.นาป่า", mail.outbox[0].subject)

    def test_a_submitted_lao_is_not_reminded_and_after_the_deadline_it_says_late(self):
        self.post(lao=self.d1.code)
        self.assertFalse(Reminder.objects.exists())
        self.post(lao=self.d3.code, day=AFTER)
        self.assertIn("มาแล้ว 6 วัน", mail.outbox[0].body)

    def test_a_clerk_reminded_by_the_schedule_today_is_not_reminded_again(self):
        participant = RoundLAO.objects.get(round=self.round, lao=self.lao_a)
        Reminder.objects.create(
            round=self.round,
            participant=participant,
            recipient=self.clerk_a,
            kind=Reminder.Kind.BEFORE,
            day=BEFORE,
            subject="s",
            text="t",
        )
        summary = reminders_send_now(
            participants=[participant], by=self.district_officer, today=BEFORE
        )
        self.assertEqual(summary.already, [participant])
        self.assertEqual(summary.reminded, [])
        self.assertEqual(len(mail.outbox), 0)

    def test_an_lao_without_a_clerk_is_reported(self):
        lao_b = RoundLAO.objects.get(round=self.round, lao=self.lao_b)
        self.clerk_b.is_active = False
        self.clerk_b.save()
        summary = reminders_send_now(participants=[lao_b], by=self.district_officer, today=BEFORE)
        self.assertEqual([p.pk for p in summary.no_clerk], [lao_b.pk])

    def test_executives_department_staff_and_clerks_may_not_remind(self):
        for persona in ["executive", "department"]:
            with self.subTest(persona=persona):
                self.assertEqual(self.post(user=getattr(self, persona)).status_code, 403)
                self.login(getattr(self, persona))
                self.assertEqual(
                    self.client.get(self.url(), {"round": self.round.pk}).status_code, 403
                )
        for persona in ["other_district_officer", "other_province_officer", "clerk_a"]:
            with self.subTest(persona=persona):
                self.assertEqual(self.post(user=getattr(self, persona)).status_code, 404)
        self.assertFalse(Reminder.objects.exists())
        self.assertEqual(len(mail.outbox), 0)

    def test_the_province_officer_reminds_its_own_laos_not_the_districts(self):
        # The district oversees its SAOs; the province its PAO and towns (docs/supervision.md).
        self.assertEqual(
            self.post(user=self.province_officer, lao=self.lao_a.code).status_code, 403
        )
        self.assertFalse(Reminder.objects.exists())
        town = make_lao("6701", type=LAO.Type.TOWN, name="เมืองทดสอบ")
        make_user("clerk_town", Role.CLERK, lao=town)
        RoundLAO.objects.create(round=self.round, lao=town)
        self.login(self.province_officer)
        url = "/province/67/remind/"
        self.client.post(url, {"round": self.round.pk, "lao": town.code})
        self.assertEqual(
            list(Reminder.objects.values_list("recipient__username", "kind")),
            [("clerk_town", Reminder.Kind.MANUAL)],
        )
        self.login(self.district_officer)
        self.assertEqual(
            self.client.post(url, {"round": self.round.pk, "lao": town.code}).status_code, 404
        )
        self.assertEqual(
            self.client.post(self.url(), {"round": self.round.pk, "lao": town.code}).status_code,
            302,
        )
        self.assertEqual(Reminder.objects.count(), 1)

    def test_an_unknown_round_is_not_found_and_an_outside_next_is_ignored(self):
        self.login(self.district_officer)
        self.assertEqual(self.client.post(self.url(), {"round": "999"}).status_code, 404)
        response = self.post(lao=self.lao_a.code, next="https://evil.example/")
        self.assertTrue(response["Location"].startswith("/district/6701/"))
