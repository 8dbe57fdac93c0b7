import datetime

from deadlines.models import RoundLAO
from deadlines.services import round_submit
from tests.base import PersonasTestCase
from tests.factories import POPULATION, fill_section, make_round

CONFIRM = {"confirm": "on"}


class ParticipantPageTestCase(PersonasTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.round = make_round(deadline=datetime.date(2099, 12, 30))

    def url(self, lao=None, action="") -> str:
        suffix = f"{action}/" if action else ""
        return f"/rounds/{self.round.pk}/lao/{(lao or self.lao_a).code}/{suffix}"

    def participant(self) -> RoundLAO:
        return RoundLAO.objects.get(round=self.round, lao=self.lao_a)

    def test_the_clerk_sees_the_chain_and_exactly_what_is_missing(self):
        self.login(self.clerk_a)
        response = self.client.get(self.url())
        self.assertContains(response, "มท ๐๘๐๖/ว ๓๑๓๗")
        self.assertContains(response, "30 ธันวาคม 2642")
        self.assertContains(response, f"/lao/{self.lao_a.code}/2568/population/")
        self.assertNotContains(response, "ส่งให้อำเภอ")

    def test_the_clerk_acknowledges_and_submits_a_complete_record(self):
        self.login(self.clerk_a)
        self.client.post(self.url(action="acknowledge"))
        self.assertIsNotNone(self.participant().acknowledged_at)
        response = self.client.post(self.url(action="submit"), follow=True)
        self.assertContains(response, "ยังไม่ครบถ้วน")
        self.assertEqual(self.participant().state, RoundLAO.State.OPEN)
        fill_section(self.lao_a, 2568, "population", self.clerk_a, POPULATION)
        response = self.client.post(self.url(action="submit"), follow=True)
        self.assertEqual(self.participant().state, RoundLAO.State.SUBMITTED)
        self.assertContains(response, "ส่งแล้วตรงเวลา")

    def test_the_district_returns_with_a_comment_the_clerk_reads_it(self):
        fill_section(self.lao_a, 2568, "population", self.clerk_a, POPULATION)
        round_submit(participant=self.participant(), by=self.clerk_a)
        self.login(self.district_officer)
        self.client.post(self.url(action="return"), {"comment": ""})
        self.assertEqual(self.participant().state, RoundLAO.State.SUBMITTED)
        self.client.post(self.url(action="return"), {"comment": "จำนวนครัวเรือนไม่ตรงกับทะเบียนราษฎร"})
        self.assertEqual(self.participant().state, RoundLAO.State.RETURNED)
        self.login(self.clerk_a)
        self.assertContains(self.client.get(self.url()), "จำนวนครัวเรือนไม่ตรงกับทะเบียนราษฎร")

    def test_the_district_approves_its_sao_once_with_a_confirmation(self):
        fill_section(self.lao_a, 2568, "population", self.clerk_a, POPULATION)
        round_submit(participant=self.participant(), by=self.clerk_a)
        self.login(self.province_officer)  # the district supervises an SAO, not the province
        self.assertEqual(self.client.post(self.url(action="approve"), CONFIRM).status_code, 403)
        self.assertEqual(self.participant().state, RoundLAO.State.SUBMITTED)
        self.login(self.district_officer)
        response = self.client.post(self.url(action="approve"), follow=True)  # not confirmed
        self.assertContains(response, "ยืนยัน")
        self.assertEqual(self.participant().state, RoundLAO.State.SUBMITTED)
        self.client.post(self.url(action="approve"), CONFIRM)
        self.assertEqual(self.participant().state, RoundLAO.State.APPROVED)  # final

    def test_who_may_not(self):
        fill_section(self.lao_a, 2568, "population", self.clerk_a, POPULATION)
        # Outside the scope: not found, nothing changes.
        for persona in ["clerk_b", "other_district_officer", "other_province_officer"]:
            with self.subTest(persona=persona):
                self.login(getattr(self, persona))
                self.assertEqual(self.client.get(self.url()).status_code, 404)
                self.assertEqual(self.client.post(self.url(action="submit")).status_code, 404)
        # In scope but not their action: forbidden.
        for persona in ["district_officer", "department", "executive"]:
            with self.subTest(persona=persona):
                self.login(getattr(self, persona))
                self.assertEqual(self.client.get(self.url()).status_code, 200)
                self.assertEqual(self.client.post(self.url(action="submit")).status_code, 403)
                self.assertEqual(self.client.post(self.url(action="acknowledge")).status_code, 403)
        round_submit(participant=self.participant(), by=self.clerk_a)
        for persona in ["clerk_a", "department", "executive"]:
            with self.subTest(persona=persona):
                self.login(getattr(self, persona))
                self.assertEqual(self.client.post(self.url(action="approve")).status_code, 403)
                self.assertEqual(
                    self.client.post(self.url(action="return"), {"comment": "x"}).status_code, 403
                )
        self.assertEqual(self.participant().state, RoundLAO.State.SUBMITTED)

    def test_the_round_page_lists_the_scope_with_acknowledgements(self):
        self.login(self.clerk_a)
        self.client.post(self.url(action="acknowledge"))
        self.login(self.district_officer)
        response = self.client.get(f"/rounds/{self.round.pk}/")
        self.assertEqual(len(response.context["rows"]), 2)
        self.assertEqual(response.context["counts"], {"total": 2, "acknowledged": 1})
        self.login(self.department)
        self.assertEqual(len(self.client.get(f"/rounds/{self.round.pk}/").context["rows"]), 4)


class LockExceptionPageTestCase(PersonasTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.round = make_round(
            deadline=datetime.date(2024, 12, 30), lock_date=datetime.date(2025, 1, 15)
        )

    def test_the_district_grants_an_exception_with_a_reason_and_the_clerk_can_edit_again(self):
        url = f"/rounds/{self.round.pk}/lao/{self.lao_a.code}/exception/"
        section = f"/lao/{self.lao_a.code}/2568/population/"
        self.login(self.clerk_a)
        self.assertContains(self.client.get(section), "ปิดการแก้ไข")
        self.login(self.clerk_a)
        self.assertEqual(self.client.post(url, {"reason": "x", "days": "5"}).status_code, 403)
        self.login(self.district_officer)
        self.client.post(url, {"reason": "", "days": "5"})
        self.assertFalse(RoundLAO.objects.get(round=self.round, lao=self.lao_a).exceptions.exists())
        self.client.post(url, {"reason": "แก้ไขจำนวนประชากรตามทะเบียนราษฎร", "days": "๕"})
        self.assertTrue(RoundLAO.objects.get(round=self.round, lao=self.lao_a).exceptions.exists())
        self.login(self.clerk_a)
        response = self.client.get(section)
        self.assertNotContains(response, "ปิดการแก้ไขแล้ว")
        self.assertContains(response, 'type="submit" class="btn btn-primary"')
