import csv
import datetime
import io
import json

from django.core.management import call_command
from django.test import override_settings

from records.models import Record
from tests.api.helpers import FilledAPITestCase, owed
from tests.base import on, temporary_media

TODAY = datetime.date(2025, 3, 1)


class OpenDataTestCase(FilledAPITestCase):
    def setUp(self):
        super().setUp()
        temporary_media(self)
        self.enterContext(override_settings(OPEN_DATA_FEED=True))

    def build(self) -> str:
        out = io.StringIO()
        with on(TODAY):
            call_command("build_open_data", stdout=out)
        return out.getvalue()

    def test_the_csv_has_a_row_per_active_lao_with_thai_columns_and_codes(self):
        self.assertIn("4 LAOs, fiscal year 2568", self.build())
        response = self.client.get("/opendata/lao-completeness.csv")
        self.assertEqual(response.status_code, 200)
        content = b"".join(response.streaming_content)
        self.assertTrue(content.startswith(b"\xef\xbb\xbf"))  # BOM, for Excel
        rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
        self.assertEqual(len(rows), 4)
        row = next(r for r in rows if r["รหัส อปท."] == self.lao_a.code)
        record = Record.objects.get(lao=self.lao_a, fiscal_year=2568)
        self.assertEqual(row["ปีงบประมาณ"], "2568")
        self.assertEqual(row["รหัสจังหวัด"], "67")
        self.assertEqual(row["จังหวัด"], "เพชรบูรณ์")
        self.assertEqual(row["รหัสอำเภอ"], "6701")
        self.assertEqual(row["ประเภท อปท."], "อบต.")
        self.assertEqual(row["อปท."], "นาป่า")
        self.assertEqual(row["จำนวนรายการที่ต้องกรอก"], str(record.required_count))
        self.assertEqual(row["จำนวนรายการที่กรอกแล้ว"], "8")
        # One decimal, rounded down (records.completeness): 8 of 153 is 5.228…, published as 5.2.
        self.assertEqual(record.required_count, 153)
        self.assertEqual(row["ร้อยละความครบถ้วน"], "5.2")
        self.assertEqual(row["ปรับปรุงข้อมูลล่าสุด"], "2025-02-01")
        self.assertEqual(row["ข้อมูล ณ วันที่"], "2025-03-01")
        other = next(r for r in rows if r["รหัส อปท."] == self.lao_krabi.code)
        self.assertEqual(other["จำนวนรายการที่ต้องกรอก"], str(owed(self.lao_c)))
        self.assertEqual(other["ปรับปรุงข้อมูลล่าสุด"], "")

    def test_the_json_has_the_same_rows(self):
        self.build()
        response = self.client.get("/opendata/lao-completeness.json")
        self.assertEqual(response.status_code, 200)
        document = json.loads(b"".join(response.streaming_content))
        self.assertEqual(document["fiscal_year"], 2568)
        self.assertEqual(document["as_of"], "2025-03-01")
        self.assertEqual(len(document["records"]), 4)
        row = next(r for r in document["records"] if r["รหัส อปท."] == self.lao_a.code)
        self.assertEqual(row["จำนวนรายการที่กรอกแล้ว"], 8)

    def test_it_is_a_404_while_switched_off_or_not_built(self):
        self.assertEqual(self.client.get("/opendata/lao-completeness.csv").status_code, 404)
        self.build()
        with override_settings(OPEN_DATA_FEED=False):
            for fmt in ("csv", "json"):
                self.assertEqual(
                    self.client.get(f"/opendata/lao-completeness.{fmt}").status_code, 404
                )
        self.assertEqual(self.client.get("/opendata/lao-completeness.xlsx").status_code, 404)

    def test_downloads_can_be_conditional(self):
        self.build()
        first = self.client.get("/opendata/lao-completeness.csv")
        again = self.client.get("/opendata/lao-completeness.csv", HTTP_IF_NONE_MATCH=first["ETag"])
        self.assertEqual(again.status_code, 304)
