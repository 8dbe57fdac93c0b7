"""The province dashboard: one row per district, drill-down, the LAOs furthest behind."""

from deadlines.models import RoundLAO
from tests.dashboards import scenario
from tests.dashboards.scenario import AFTER, BEFORE

S = RoundLAO.Status


class ProvincePageTestCase(scenario.ScenarioTestCase):
    def get(self, url="/province/67/", user=None, day=AFTER, **params):
        return self.get_as(user or self.province_officer, url, day, params)

    def test_one_row_per_district_with_the_hand_counted_figures(self):
        response = self.get(day=BEFORE)
        rows = {row.code: row for row in response.context["rows"]}
        self.assertEqual(len(rows), 11)
        self.assertEqual(
            (
                rows["6701"].laos,
                rows["6701"].not_started,
                rows["6701"].returned,
                rows["6701"].approved,
            ),
            (7, 1, 1, 2),
        )
        self.assertEqual((rows["6702"].laos, rows["6702"].submitted_on_time), (1, 1))
        total = response.context["total"]
        self.assertEqual((total.laos, total.submitted_on_time, total.submitted_late), (8, 2, 1))
        self.assertEqual(total.filled, 3 + 6 * 8)
        self.assertContains(response, 'href="/district/6701/')
        self.assertContains(response, 'data-testid="headline-laos">8<')

    def test_the_heading_is_thai_and_names_the_province_in_english_only_in_english(self):
        heading = self.get().content.decode().split("<h1", 1)[1].split("</h1>")[0]
        self.assertIn("จังหวัดเพชรบูรณ์", heading)
        self.assertNotIn("Phetchabun", heading)
        self.client.cookies["django_language"] = "en"
        heading = self.get().content.decode().split("<h1", 1)[1].split("</h1>")[0]
        self.assertIn("Phetchabun", heading)

    def test_the_laos_furthest_behind_come_first(self):
        behind = self.get().context["behind"]
        self.assertEqual([row.lao.code for row in behind[:2]], [self.lao_a.code, self.lao_b.code])
        self.assertLessEqual(len(behind), 10)
        self.assertNotIn(self.lao_krabi.code, [row.lao.code for row in behind])

    def test_type_and_status_filters(self):
        rows = {r.code: r for r in self.get(type="sao").context["rows"]}
        self.assertEqual(rows["6701"].laos, 4)  # lao_a, d1, d2, d3
        rows = {r.code: r for r in self.get(status="overdue").context["rows"]}
        self.assertEqual((rows["6701"].laos, rows["6701"].overdue, rows["6702"].laos), (3, 3, 0))

    def test_scope(self):
        self.assert_open_only_to(
            ["province_officer", "department", "executive"],
            ["other_province_officer", "district_officer", "clerk_a"],
        )

    def test_downloads_of_the_districts_and_of_every_lao(self):
        import csv
        import io

        response = self.get(download="csv")
        lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode()[1:])))
        table = [line for line in lines if len(line) > 5]
        body = {line[0]: line for line in table[1:-1]}  # between the header and the total
        self.assertEqual(len(body), 11)
        self.assertEqual(body["6701"][2], "7")
        self.assertEqual(lines[-1][2], "8")  # the total row
        response = self.get(download="csv", table="laos")
        content = b"".join(response.streaming_content).decode()
        for lao in (self.lao_a, self.d5, self.lao_c):
            self.assertIn(lao.code, content)
        self.assertNotIn(self.lao_krabi.code, content)
