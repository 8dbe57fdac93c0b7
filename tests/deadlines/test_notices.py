import datetime

from django.test import Client, RequestFactory

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

    def test_opening_the_notices_shows_them_and_marks_nothing_read(self):
        self.login(self.clerk_a)
        self.assertContains(self.client.get("/circulars/"), 'data-testid="unread">1<')
        response = self.client.get("/notices/")
        self.assertContains(response, "เตือน: ข้อมูลกลางยังไม่ครบ")
        self.assertContains(response, 'data-testid="read-one"')
        self.assertIsNone(Reminder.objects.get().read_at)
        self.assertContains(self.client.get("/circulars/"), 'data-testid="unread">1<')

    def test_marking_one_notice_read_clears_the_count(self):
        self.login(self.clerk_a)
        notice = Reminder.objects.get()
        response = self.client.post(f"/notices/{notice.pk}/read/")
        self.assertRedirects(response, "/notices/")
        self.assertIsNotNone(Reminder.objects.get().read_at)
        page = self.client.get("/notices/")
        self.assertNotContains(page, 'data-testid="unread"')
        self.assertNotContains(page, 'data-testid="read-one"')

    def test_marking_all_read_marks_only_the_users_own_notices(self):
        Reminder.objects.create(
            round=self.round, recipient=self.clerk_b, kind=Reminder.Kind.BEFORE,
            day=datetime.date(2024, 12, 23), subject="ของ อปท. อื่น", text="",
        )  # fmt: skip
        self.login(self.clerk_a)
        self.assertRedirects(self.client.post("/notices/read/"), "/notices/")
        self.assertIsNotNone(Reminder.objects.get(recipient=self.clerk_a).read_at)
        self.assertIsNone(Reminder.objects.get(recipient=self.clerk_b).read_at)

    def test_another_users_notice_cannot_be_marked_read(self):
        notice = Reminder.objects.get()
        self.login(self.clerk_b)
        self.assertEqual(self.client.post(f"/notices/{notice.pk}/read/").status_code, 404)
        self.assertIsNone(Reminder.objects.get().read_at)

    def test_marking_read_needs_a_post_with_the_csrf_token(self):
        notice = Reminder.objects.get()
        self.login(self.clerk_a)
        self.assertEqual(self.client.get(f"/notices/{notice.pk}/read/").status_code, 405)
        csrf_client = Client(enforce_csrf_checks=True)
        csrf_client.force_login(self.clerk_a)
        self.assertEqual(csrf_client.post(f"/notices/{notice.pk}/read/").status_code, 403)
        self.assertIsNone(Reminder.objects.get().read_at)

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

    def test_the_unread_count_shows_for_a_clerk_outside_the_round_and_for_an_officer(self):
        self.round.participants.filter(lao=self.lao_b).delete()
        for persona in ("clerk_b", "district_officer"):
            Reminder.objects.create(
                round=self.round, recipient=getattr(self, persona), kind=Reminder.Kind.BEFORE,
                day=datetime.date(2024, 12, 23), subject="เตือน", text="",
            )  # fmt: skip
            with self.subTest(persona=persona):
                self.login(getattr(self, persona))
                page = self.client.get("/circulars/")
                self.assertContains(page, 'data-testid="unread">1<')
                self.assertNotContains(page, 'data-testid="my-round"')

    def test_a_clerk_s_notices_and_round_cost_one_query_on_every_page(self):
        from deadlines.context_processors import unread_notices

        request = RequestFactory().get("/")
        request.user = self.clerk_a
        with self.assertNumQueries(1):
            context = unread_notices(request)
        self.assertEqual(context["unread_notices"], 1)
        self.assertEqual(context["my_round"].round_id, self.round.pk)
        self.assertEqual(context["my_round"].lao_code, self.clerk_a.lao.code)

    def test_the_submission_link_goes_to_the_round_with_the_latest_deadline(self):
        code = self.clerk_a.lao.code
        self.login(self.clerk_a)
        # A round opened later with an earlier deadline does not take the link...
        earlier = make_round(deadline=self.round.deadline - datetime.timedelta(days=30))
        page = self.client.get("/circulars/").content.decode()
        self.assertIn(f'href="/rounds/{self.round.pk}/lao/{code}/"', page)
        self.assertNotIn(f'href="/rounds/{earlier.pk}/lao/{code}/"', page)
        # ...one with a later deadline does.
        later = make_round(deadline=self.round.deadline + datetime.timedelta(days=30))
        page = self.client.get("/circulars/").content.decode()
        self.assertIn(f'href="/rounds/{later.pk}/lao/{code}/"', page)
        self.assertNotIn(f'href="/rounds/{self.round.pk}/lao/{code}/"', page)


class ApprovalNoticeTestCase(PersonasTestCase):
    def test_an_approval_notice_says_its_message_once(self):
        from deadlines.services import round_approve, round_submit
        from tests.base import on
        from tests.factories import POPULATION, fill_section

        round_ = make_round()
        participant = round_.participants.get(lao=self.lao_a)
        fill_section(self.lao_a, 2568, "population", self.clerk_a, POPULATION)
        with on(datetime.date(2024, 12, 20)):
            round_submit(participant=participant, by=self.clerk_a)
            round_approve(participant=participant, by=self.district_officer)
        notice = Reminder.objects.get(recipient=self.clerk_a)
        self.login(self.clerk_a)
        page = self.client.get("/notices/").content.decode()
        self.assertIn(notice.subject, page)
        self.assertEqual(page.count(notice.subject), 1)
