"""The SVG charts carry the numbers they claim: read back with xml.etree."""

import datetime
import xml.etree.ElementTree as ET

from django.test import SimpleTestCase

from dashboards import charts
from dashboards.tilemap import TILES
from deadlines.models import RoundLAO
from deadlines.services import round_submit
from records.completeness import percent
from records.models import Province
from tests.base import on
from tests.dashboards import scenario
from tests.dashboards.scenario import AFTER

NS = {"svg": "http://www.w3.org/2000/svg"}


def parse(markup: str) -> ET.Element:
    return ET.fromstring(str(markup))


def text_of(group: ET.Element, cls: str) -> str:
    return next(t.text for t in group.iter(f"{{{NS['svg']}}}text") if t.get("class") == cls)


def text_box(text: ET.Element, size: float) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) of a text element, its width estimated as the charts do."""
    width = charts.text_width(text.text or "", size)
    x, y = float(text.get("x")), float(text.get("y"))
    left = {"middle": x - width / 2, "end": x - width}.get(text.get("text-anchor"), x)
    return (left, y - size * 0.8, left + width, y + size * 0.2)


def overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


class ChartBuilderTestCase(SimpleTestCase):
    def test_bars_are_as_long_as_their_value_and_say_it(self):
        svg = parse(
            charts.bar_chart(
                [
                    charts.Bar("อำเภอเมือง", 50.0, "6701", "/district/6701/"),
                    charts.Bar("<script>", 100.0, "6702"),
                    charts.Bar("ว่าง", None, "6703"),
                ],
                title="ร้อยละความครบถ้วน",
            )
        )
        self.assertEqual(svg.find("svg:title", NS).text, "ร้อยละความครบถ้วน")
        bars = {g.get("data-code"): g for g in svg.iterfind(".//svg:g[@class='bar']", NS)}
        self.assertEqual(bars["6701"].get("data-value"), "50.0")
        self.assertEqual(text_of(bars["6701"], "value"), "50.0%")
        widths = {code: float(g.find("svg:rect", NS).get("width")) for code, g in bars.items()}
        self.assertAlmostEqual(widths["6702"], 2 * widths["6701"])
        self.assertEqual(text_of(bars["6703"], "value"), "–")
        labels = [t.text for t in svg.iter(f"{{{NS['svg']}}}text")]
        self.assertIn("<script>", labels)  # escaped in the markup, text again when parsed
        self.assertNotIn(
            "<script>", str(charts.bar_chart([charts.Bar("<script>", 1.0)], title="t"))
        )

    def test_tile_map_places_all_77_provinces_once(self):
        self.assertEqual(len(TILES), 77)
        self.assertEqual(len({(c, r) for c, r, _a in TILES.values()}), 77)
        svg = parse(charts.tile_map({"67": charts.Tile("67", "เพชรบูรณ์", 61.04)}, title="แผนที่"))
        tiles = {g.get("data-code"): g for g in svg.iterfind(".//svg:g[@class='tile']", NS)}
        self.assertEqual(len(tiles), 77)
        self.assertEqual(tiles["67"].get("data-value"), "61.0")
        self.assertEqual(text_of(tiles["67"], "value"), "61%")
        self.assertEqual(tiles["67"].find("svg:rect", NS).get("fill"), charts.colour(61.04)[0])
        self.assertEqual(tiles["10"].get("data-value"), "")
        self.assertIn("เพชรบูรณ์", tiles["67"].find("svg:title", NS).text)

    def test_burnup_ends_at_the_share_submitted_and_marks_the_deadline(self):
        day = datetime.date(2024, 12, 1)
        svg = parse(
            charts.burnup_chart(
                [
                    charts.Line(
                        "เพชรบูรณ์",
                        [(day, 0.0), (day + datetime.timedelta(days=2), 37.5)],
                        code="67",
                        main=True,
                    )
                ],
                start=day,
                end=day + datetime.timedelta(days=10),
                deadline=day + datetime.timedelta(days=5),
                today=day + datetime.timedelta(days=2),
                title="การส่งข้อมูล",
            )
        )
        line = svg.find(".//svg:polyline[@data-code='67']", NS)
        self.assertEqual(line.get("data-value"), "37.5")
        self.assertEqual(len(line.get("points").split()), 2)
        label = svg.find(".//svg:text[@class='line-label']", NS)
        self.assertIn("37.5%", label.text)
        self.assertIsNotNone(svg.find(".//svg:line[@class='deadline']", NS))


class ChartsOnPagesTestCase(scenario.ScenarioTestCase):
    """The charts on the pages show the figures of the page's tables."""

    def chart(self, response, testid: str) -> ET.Element:
        content = response.content.decode()
        start = content.index(f'data-testid="{testid}"')
        start = content.rindex("<svg", 0, start)
        end = content.index("</svg>", start) + len("</svg>")
        return parse(content[start:end])

    def test_national_tiles_and_bars_equal_the_province_rows(self):
        self.login(self.department)
        with on(AFTER):
            response = self.client.get("/national/")
        rows = {row.code: row for row in response.context["rows"]}
        tiles = self.chart(response, "tile-map")
        for group in tiles.iterfind(".//svg:g[@class='tile']", NS):
            row = rows[group.get("data-code")]
            expected = "" if row.percent is None else f"{row.percent:.1f}"
            self.assertEqual(group.get("data-value"), expected)
        bars = self.chart(response, "bar-chart")
        values = {g.get("data-code"): g.get("data-value") for g in bars.iterfind(".//svg:g", NS)}
        self.assertEqual(values["67"], f"{rows['67'].percent:.1f}")
        self.assertEqual(len(values), 77)
        self.assertEqual(len(Province.objects.all()), 77)

    def test_burnup_of_the_province_ends_at_its_share_submitted(self):
        self.login(self.province_officer)
        with on(AFTER):
            response = self.client.get("/province/67/")
        burnup = self.chart(response, "burnup-chart")
        total = response.context["total"]
        main = burnup.find(".//svg:polyline[@data-main='1']", NS)
        # One definition of "submitted", the headline's: sent, approved by the district or
        # approved. Five of Phetchabun's eight LAOs by 5 Jan (d3 was returned: not counted).
        self.assertEqual(total.submitted, 5)
        self.assertEqual(
            main.get("data-value"), f"{100 * total.submitted / total.participants:.1f}"
        )
        mueang_row = next(r for r in response.context["rows"] if r.code == "6701")
        mueang = burnup.find(".//svg:polyline[@data-code='6701']", NS)
        self.assertEqual(
            mueang.get("data-value"), f"{100 * mueang_row.submitted / mueang_row.participants:.1f}"
        )
        self.assertIn(f"{100 * 5 / 8:.1f}%", burnup.find(".//svg:text[@data-code='67']", NS).text)

    def test_headline_submitted_tile_and_burnup_agree_on_the_national_page(self):
        self.login(self.department)
        with scenario.on(AFTER):
            response = self.client.get("/national/")
        total = response.context["total"]
        main = self.chart(response, "burnup-chart").find(".//svg:polyline[@data-main='1']", NS)
        # The dashboards' per cent (cut to one decimal place, records.completeness.percent).
        share = percent(total.submitted, total.participants)
        self.assertEqual(main.get("data-value"), f"{share:.1f}")
        self.assertContains(response, f'data-testid="headline-submitted">{total.submitted}<')

    def test_the_kept_burnup_follows_a_new_submission_and_an_lao_moved(self):
        # The chart is kept in the cache until the history or the registry changes.
        def burnup_values():
            with scenario.on(AFTER):
                response = self.client.get("/province/67/")
            chart = self.chart(response, "burnup-chart")
            return {
                line.get("data-code"): line.get("data-value")
                for line in chart.iterfind(".//svg:polyline", NS)
            }

        self.login(self.province_officer)
        before = burnup_values()
        self.assertEqual(burnup_values(), before)  # drawn from the cache, the same
        with scenario.on(AFTER):
            round_submit(
                participant=RoundLAO.objects.get(round=self.round, lao=self.d3),
                by=self.clerk_d3,
            )
        after = burnup_values()
        self.assertGreater(float(after["6701"]), float(before["6701"]))
        self.assertGreater(float(after["67"]), float(before["67"]))
        # d3 joins another district of the province (the registry, now).
        self.d3.district_id = "6702"
        self.d3.save()
        moved = burnup_values()
        self.assertLess(float(moved["6701"]), float(after["6701"]))
        self.assertEqual(moved["6702"], "100.0")  # lao_c and d3, both submitted

    def test_labels_are_body_size_and_never_overlap(self):
        self.login(self.department)
        with scenario.on(AFTER):
            national = self.client.get("/national/")
        self.login(self.province_officer)
        with scenario.on(AFTER):
            province = self.client.get("/province/67/")
        long_name = "องค์การบริหารส่วนตำบลบ้านใหม่สามัคคีพัฒนาเจริญรุ่งเรือง"
        charts_seen = [
            self.chart(national, "tile-map"),
            self.chart(national, "bar-chart"),
            self.chart(province, "burnup-chart"),
            self.chart(province, "bar-chart"),
            parse(
                charts.bar_chart(
                    [charts.Bar(long_name, 80.0, "1"), charts.Bar("ก", 100.0, "2")], title="t"
                )
            ),
        ]
        for svg in charts_seen:
            with self.subTest(chart=svg.get("data-testid")):
                boxes = []
                for text in svg.iter(f"{{{NS['svg']}}}text"):
                    size = float(text.get("font-size"))
                    self.assertGreaterEqual(size, 16.8, text.text)
                    boxes.append((text_box(text, size), text.text))
                width = float(svg.get("width"))
                for box, label in boxes:
                    self.assertLessEqual(box[2], width + 0.5, label)  # inside the chart
                for i, (a, label_a) in enumerate(boxes):
                    for b, label_b in boxes[i + 1 :]:
                        self.assertFalse(overlap(a, b), f"{label_a!r} overlaps {label_b!r}")

    def test_district_bars_equal_the_lao_progress_rows(self):
        self.login(self.district_officer)
        with on(AFTER):
            response = self.client.get("/district/6701/")
        bars = self.chart(response, "bar-chart")
        values = {g.get("data-code"): g.get("data-value") for g in bars.iterfind(".//svg:g", NS)}
        self.assertEqual(values, {r.lao.code: f"{r.percent:.1f}" for r in response.context["rows"]})

    def test_no_burnup_when_laos_are_picked_by_status(self):
        self.login(self.province_officer)
        with on(AFTER):
            response = self.client.get("/province/67/", {"status": "overdue"})
        self.assertNotContains(response, 'data-testid="burnup-chart"')
        self.assertContains(response, 'data-testid="bar-chart"')
