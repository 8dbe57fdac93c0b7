"""The supervisor's approval screen and approving many at once (docs/supervision.md)."""

import datetime

from deadlines.models import RoundLAO
from deadlines.services import round_submit
from records.models import SectionEntry
from tests.base import PersonasTestCase
from tests.factories import POPULATION, fill_section, make_round


class ReviewPageTestCase(PersonasTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.round = make_round(deadline=datetime.date(2099, 12, 30))
        for lao, clerk in ((cls.lao_a, cls.clerk_a), (cls.lao_b, cls.clerk_b)):
            fill_section(lao, 2568, "population", clerk, {**POPULATION, "migrant_workers": "NA"})
            round_submit(participant=cls.part(lao), by=clerk)

    @classmethod
    def part(cls, lao) -> RoundLAO:
        return RoundLAO.objects.select_related("round", "lao__district").get(
            round=cls.round, lao=lao
        )

    def url(self, lao, action="review") -> str:
        return f"/rounds/{self.round.pk}/lao/{lao.code}/{action}/"

    def test_who_may_open_it(self):
        expected = {
            "district_officer": 200,
            "province_officer": 403,  # reads the SAO, does not supervise it
            "department": 403,
            "executive": 403,
            "clerk_a": 403,
            "clerk_b": 404,
            "other_district_officer": 404,
            "other_province_officer": 404,
        }
        for persona, status in expected.items():
            with self.subTest(persona=persona):
                self.login(getattr(self, persona))
                self.assertEqual(self.client.get(self.url(self.lao_a)).status_code, status)

    def test_it_marks_flags_failing_rules_and_not_applicable_answers(self):
        SectionEntry.objects.filter(record__lao=self.lao_a, section__code="population").update(
            flags=["population_total"], rules_pass=False
        )
        self.login(self.district_officer)
        response = self.client.get(self.url(self.lao_a))
        self.assertContains(response, 'data-testid="flagged"', count=1)
        self.assertContains(response, 'data-testid="not-applicable"', count=1)
        self.assertContains(response, "เปลี่ยนแปลงมากจากปีก่อน")
        self.assertContains(response, 'value="population.households_total"')  # a return names it

    def test_a_return_names_fields_and_the_clerk_sees_them(self):
        self.login(self.district_officer)
        self.client.post(
            self.url(self.lao_a, "return"),
            {"comment": "ตรวจครัวเรือน", "targets": ["population.households_total"]},
        )
        participant = self.part(self.lao_a)
        self.assertEqual(participant.state, RoundLAO.State.RETURNED)
        self.assertEqual(participant.return_targets, ["population.households_total"])
        self.assertEqual(participant.transitions.last().targets, ["population.households_total"])
        self.login(self.clerk_a)
        response = self.client.get(f"/rounds/{self.round.pk}/lao/{self.lao_a.code}/")
        self.assertContains(response, "ประชากร: ครัวเรือน")

    def test_approving_many_refuses_a_flagged_record_by_name(self):
        SectionEntry.objects.filter(record__lao=self.lao_b, section__code="population").update(
            flags=["population_total"]
        )
        self.login(self.district_officer)
        page = self.client.get(f"/district/6701/?round={self.round.pk}")
        self.assertEqual(page.context["approvable"], {self.part(self.lao_a).pk})
        url = f"/rounds/{self.round.pk}/approve/"
        codes = {"lao": [self.lao_a.code, self.lao_b.code], "next": "/district/6701/"}
        response = self.client.post(url, codes, follow=True)  # no confirmation: nothing
        self.assertContains(response, "ยืนยันการอนุมัติ")
        self.assertEqual(self.part(self.lao_a).state, RoundLAO.State.SUBMITTED)
        response = self.client.post(url, {**codes, "confirm": "1"}, follow=True)
        self.assertEqual(self.part(self.lao_a).state, RoundLAO.State.APPROVED)
        self.assertEqual(self.part(self.lao_b).state, RoundLAO.State.SUBMITTED)
        self.assertContains(response, "ยังไม่อนุมัติ")
        self.assertContains(response, self.lao_b.name_th)

    def test_approving_many_ignores_laos_the_user_does_not_supervise(self):
        url = f"/rounds/{self.round.pk}/approve/"
        for persona in ("province_officer", "other_district_officer", "department"):
            with self.subTest(persona=persona):
                self.login(getattr(self, persona))
                self.client.post(url, {"lao": [self.lao_a.code], "confirm": "1"})
                self.assertEqual(self.part(self.lao_a).state, RoundLAO.State.SUBMITTED)
        self.login(self.clerk_a)
        self.client.post(url, {"lao": [self.lao_a.code], "confirm": "1"})
        self.assertEqual(self.part(self.lao_a).state, RoundLAO.State.SUBMITTED)
