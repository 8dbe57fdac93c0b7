import datetime

from deadlines.models import Reminder
from tests.base import PersonasTestCase
from tests.factories import make_round


class NoticesTestCase(PersonasTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.round = make_round()
        Reminder.objects.create(
            round=cls.round, recipient=cls.clerk_a,
            participant=cls.round.participants.get(lao=cls.lao_a),
            kind=Reminder.Kind.BEFORE, day=datetime.date(2024, 12, 23),
            subject="เตือน: ข้อมูลกลางยังไม่ครบ", text="กำหนดส่ง 30 ธันวาคม 2567",
        )  # fmt: skip

    def test_a_clerk_sees_the_unread_count_and_reading_clears_it(self):
        self.login(self.clerk_a)
        self.assertContains(self.client.get("/circulars/"), 'data-testid="unread">1<')
        response = self.client.get("/notices/")
        self.assertContains(response, "เตือน: ข้อมูลกลางยังไม่ครบ")
        self.assertNotContains(self.client.get("/circulars/"), 'data-testid="unread"')

    def test_nobody_else_sees_the_clerks_notices(self):
        for persona in ["clerk_b", "district_officer", "department"]:
            with self.subTest(persona=persona):
                self.login(getattr(self, persona))
                self.assertNotContains(self.client.get("/notices/"), "ข้อมูลกลางยังไม่ครบ")
        self.assertIsNone(Reminder.objects.get().read_at)

    def test_a_clerk_reaches_their_submission_from_every_page(self):
        self.login(self.clerk_a)
        response = self.client.get(f"/lao/{self.lao_a.code}/")
        self.assertContains(response, f'href="/rounds/{self.round.pk}/lao/{self.lao_a.code}/"')
        self.login(self.district_officer)
        self.assertNotContains(self.client.get("/circulars/"), 'data-testid="my-round"')
