"""The printable province report: completeness by district, LAOs overdue, chart, letters."""

import datetime

from django.urls import reverse

from records.models import District, Province
from tests.base import PersonasTestCase
from tests.factories import POPULATION, fill_section, forward_letter, make_round


class ProvinceReportTestCase(PersonasTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        # The round's deadline (30 Dec 2024) has passed: LAOs still owing their record are overdue.
        cls.round = make_round(fiscal_year=2568, sections=("population",))
        fill_section(cls.lao_a, 2568, "population", cls.clerk_a, POPULATION)
        department = cls.round.circular
        cls.province_letter = forward_letter(
            department,
            Province.objects.get(pk="67"),
            reference="พช ๐๐๓๗.๓/ว ๔๗๗๙",
            date=datetime.date(2024, 11, 30),
        )
        cls.district_letter = forward_letter(
            cls.province_letter,
            District.objects.get(pk="6701"),
            reference="พช ๐๐๓๗.๑/ว ๑๒๓",
            date=datetime.date(2024, 12, 3),
        )
        cls.krabi_letter = forward_letter(
            department,
            Province.objects.get(pk="81"),
            reference="กบ ๐๐๒๓.๓/ว ๙๙๙",
            date=datetime.date(2024, 11, 30),
        )

    def get(self, user, code: str = "67"):
        self.login(user)
        return self.client.get(reverse("exports:province-report", args=[code]))

    def test_it_shows_completeness_by_district_overdue_laos_chart_and_letters(self):
        response = self.get(self.province_officer)
        self.assertEqual(response.status_code, 200)
        report = response.context["report"]
        by_code = {row.code: row for row in report.districts}
        self.assertEqual(by_code["6701"].laos, 2)
        self.assertEqual(by_code["6702"].laos, 1)
        self.assertGreater(by_code["6701"].percent, 0)
        self.assertEqual(by_code["6702"].percent, 0)
        self.assertEqual(report.total.laos, 3)
        self.assertEqual(
            sorted(row.lao.code for row in report.overdue),
            sorted([self.lao_a.code, self.lao_b.code, self.lao_c.code]),
        )
        self.assertEqual(
            [letter.reference for letter in report.chain],
            ["มท ๐๘๐๖/ว ๓๑๓๗", "พช ๐๐๓๗.๓/ว ๔๗๗๙", "พช ๐๐๓๗.๑/ว ๑๒๓"],
        )
        self.assertContains(response, "อำเภอเมืองเพชรบูรณ์")
        self.assertContains(response, "อบต.นาป่า")
        self.assertContains(response, "พช ๐๐๓๗.๓/ว ๔๗๗๙")
        self.assertNotContains(response, "กบ ๐๐๒๓.๓/ว ๙๙๙")
        self.assertNotContains(response, "อบต.คลองท่อมเหนือ")
        self.assertContains(response, "19 พฤศจิกายน 2567")  # the circular's date, Buddhist Era
        self.assertContains(response, "<svg")
        self.assertContains(response, "report-chart")
        self.assertContains(response, "@page")

    def test_who_may_read_it(self):
        for user in (self.province_officer, self.department, self.executive):
            with self.subTest(user=user.username):
                self.assertEqual(self.get(user).status_code, 200)
        for user in (
            self.other_province_officer,
            self.district_officer,
            self.other_district_officer,
            self.clerk_a,
        ):
            with self.subTest(user=user.username):
                self.assertEqual(self.get(user).status_code, 404)
        self.assertEqual(self.get(self.department, code="99").status_code, 404)

    def test_without_a_round_it_still_shows_completeness(self):
        self.round.participants.all().delete()
        self.round.delete()
        response = self.get(self.province_officer)
        self.assertEqual(response.status_code, 200)
        self.assertIsNone(response.context["report"].round)
        self.assertEqual(response.context["report"].overdue, [])
        self.assertContains(response, "อำเภอชนแดน")
