"""Deadlines as the letters set them (docs/circulars.md): a participant sees its supervisor's
date and the department's final date, each with its letter; reminders count from the nearest;
each supervisor's digest lists the LAOs it oversees."""

import datetime

from accounts.models import Role
from deadlines.models import Reminder, RoundLAO
from deadlines.reminders import reminders_send
from records.models import LAO, District
from tests.base import PersonasTestCase, on
from tests.factories import forward_letter, make_lao, make_round, make_user

DEADLINE = datetime.date(2024, 12, 30)  # the department's
DISTRICT_DATE = datetime.date(2024, 12, 20)  # district 6701's earlier date


class DueDatesTestCase(PersonasTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.town = make_lao("6701", type=LAO.Type.TOWN, name="เมืองเพชรบูรณ์")
        cls.clerk_town = make_user("clerk_town", Role.CLERK, lao=cls.town)
        cls.round = make_round(deadline=DEADLINE)
        forward_letter(
            cls.round.circular,
            District.objects.get(code="6701"),
            reference="พช ๐๐๒๓.๑/ว ๕๖๗",
            date=datetime.date(2024, 11, 25),
            subject="แจ้งต่อ",
            deadline=DISTRICT_DATE,
            by=cls.district_officer,
        )

    def test_an_sao_sees_its_districts_date_and_the_departments_each_with_its_letter(self):
        self.login(self.clerk_a)
        response = self.client.get(f"/rounds/{self.round.pk}/lao/{self.lao_a.code}/")
        dates = [(d.date, d.final) for d in response.context["dates"]]
        self.assertEqual(dates, [(DISTRICT_DATE, False), (DEADLINE, True)])
        self.assertContains(response, "พช ๐๐๒๓.๑/ว ๕๖๗ ลงวันที่ ๒๕ พฤศจิกายน ๒๕๖๗")
        self.assertContains(response, "20 ธันวาคม 2567")

    def next_step_card(self, clerk, day: datetime.date) -> str:
        """The next-step card on the clerk's home on ``day``."""
        self.login(clerk)
        with on(day):
            page = self.client.get(f"/lao/{clerk.lao.code}/").content.decode()
        return page.split('data-testid="next-step"')[1].split("</section>")[0]

    def test_the_clerks_home_counts_days_from_the_districts_earlier_date(self):
        card = self.next_step_card(self.clerk_a, datetime.date(2024, 12, 13))
        self.assertIn('data-testid="due-date">20 ธันวาคม 2567</strong>', card)
        self.assertIn("เหลืออีก 7 วัน", card)
        # Both dates are listed, each with the letter that set it.
        self.assertIn("พช ๐๐๒๓.๑/ว ๕๖๗", card)
        self.assertIn("30 ธันวาคม 2567", card)
        # Once the district's date has passed, the card counts to the department's.
        card = self.next_step_card(self.clerk_a, datetime.date(2024, 12, 23))
        self.assertIn('data-testid="due-date">30 ธันวาคม 2567</strong>', card)
        self.assertIn("เหลืออีก 7 วัน", card)

    def test_the_towns_home_shows_the_departments_date_only(self):
        card = self.next_step_card(self.clerk_town, datetime.date(2024, 12, 13))
        self.assertIn('data-testid="due-date">30 ธันวาคม 2567</strong>', card)
        self.assertIn("เหลืออีก 17 วัน", card)
        self.assertNotIn("พช ๐๐๒๓.๑/ว ๕๖๗", card)

    def test_a_town_municipality_gets_no_district_letter(self):
        self.login(self.clerk_town)
        response = self.client.get(f"/rounds/{self.round.pk}/lao/{self.town.code}/")
        self.assertEqual([(d.date, d.final) for d in response.context["dates"]], [(DEADLINE, True)])
        self.assertNotContains(response, "พช ๐๐๒๓.๑/ว ๕๖๗")

    def test_reminders_count_from_the_nearest_date_and_digests_follow_supervision(self):
        # 13 Dec: 7 days before the district's date (an SAO's), 17 before the department's.
        summary = reminders_send(today=datetime.date(2024, 12, 13), dry_run=False)
        reminded = {(n.recipient, n.kind) for n in summary.notices}
        self.assertIn(("clerk_a", Reminder.Kind.BEFORE), reminded)
        self.assertNotIn(("clerk_town", Reminder.Kind.BEFORE), reminded)
        digest = next(n for n in summary.notices if n.recipient == "district_6701")
        self.assertNotIn(self.town.code, digest.laos)
        self.assertIn(self.lao_a.code, digest.laos)
        clerk_a = Reminder.objects.get(recipient=self.clerk_a)
        self.assertIn("พช ๐๐๒๓.๑/ว ๕๖๗", clerk_a.text)
        # 23 Dec: 7 days before the department's date, the town's; its digest goes to the
        # province, which oversees it.
        summary = reminders_send(today=datetime.date(2024, 12, 23), dry_run=False)
        reminded = {(n.recipient, n.kind) for n in summary.notices}
        self.assertIn(("clerk_town", Reminder.Kind.BEFORE), reminded)
        digest = next(n for n in summary.notices if n.recipient == "province_67")
        self.assertEqual(digest.laos, (self.town.code,))
        self.assertEqual(
            RoundLAO.objects.get(round=self.round, lao=self.town).state, RoundLAO.State.OPEN
        )
