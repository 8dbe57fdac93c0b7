"""Each workflow move tells the next person: the district of a submission, the province of the
district's approval, the clerk of a return or an approval (deadlines.notices)."""

import datetime
from unittest import mock

from deadlines.models import Reminder
from deadlines.services import round_approve, round_return, round_submit
from tests.base import PersonasTestCase
from tests.factories import POPULATION, fill_section, make_round


def on(day: datetime.date):
    moment = datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)
    return mock.patch("django.utils.timezone.now", return_value=moment)


class WorkflowNoticesTestCase(PersonasTestCase):
    def setUp(self):
        self.round = make_round()
        fill_section(self.lao_a, 2568, "population", self.clerk_a, POPULATION)
        self.participant = self.round.participants.get(lao=self.lao_a)

    def recipients(self, kind):
        return set(Reminder.objects.filter(kind=kind).values_list("recipient__username", flat=True))

    def test_a_submission_tells_the_district_officer_and_no_one_else(self):
        with on(datetime.date(2024, 12, 1)):
            round_submit(participant=self.participant, by=self.clerk_a)
        self.assertEqual(self.recipients(Reminder.Kind.SUBMITTED), {"district_6701"})
        self.assertIn("นาป่า", Reminder.objects.get().subject)

    def test_a_return_tells_the_clerk_with_the_comment(self):
        with on(datetime.date(2024, 12, 1)):
            round_submit(participant=self.participant, by=self.clerk_a)
            round_return(participant=self.participant, by=self.district_officer, comment="ชาย?")
        self.assertEqual(self.recipients(Reminder.Kind.RETURNED), {"clerk_a"})
        self.assertIn("ชาย?", Reminder.objects.get(kind=Reminder.Kind.RETURNED).text)
        self.login(self.clerk_a)
        page = self.client.get("/notices/")
        self.assertContains(page, "ส่งกลับ")
        self.assertContains(page, 'data-testid="unread">1<')

    def test_approvals_tell_the_province_and_the_clerk(self):
        with on(datetime.date(2024, 12, 1)):
            round_submit(participant=self.participant, by=self.clerk_a)
            round_approve(participant=self.participant, by=self.district_officer)
            # The clerk hears of both approvals on the same day: two notices, not one.
            self.assertEqual(self.recipients(Reminder.Kind.APPROVED), {"clerk_a", "province_67"})
            round_approve(participant=self.participant, by=self.province_officer)
        self.assertEqual(
            Reminder.objects.filter(kind=Reminder.Kind.APPROVED, recipient=self.clerk_a).count(), 2
        )
        self.assertFalse(Reminder.objects.filter(recipient=self.other_province_officer).exists())
