"""The table writer behind every download: real files, opened with csv and openpyxl."""

import csv
import datetime
import io

import openpyxl
from django.test import SimpleTestCase
from django.utils import translation

from dashboards.exports import table_response


class TableResponseTestCase(SimpleTestCase):
    columns = ["รหัส", "ชื่อ", "ร้อยละ", "วันที่"]
    rows = [
        ["6670101", "อบต.นาป่า", 85.5, datetime.date(2024, 12, 30)],
        ["6670102", '=HYPERLINK("http://x")', 10, None],
        ["6670103", "-5+3", 0, None],
    ]

    def test_csv_is_one_header_row_and_the_rows_with_a_bom_and_escaped_formulas(self):
        response = table_response(
            fmt="csv", title="อปท. อำเภอเมืองเพชรบูรณ์", filename="laos", columns=self.columns,
            rows=self.rows, filters={"ปีงบประมาณ": "2568"},
        )  # fmt: skip
        self.assertEqual(response["Content-Disposition"], 'attachment; filename="laos.csv"')
        content = b"".join(response.streaming_content).decode("utf-8")
        self.assertTrue(content.startswith("\ufeff"))
        lines = list(csv.reader(io.StringIO(content.lstrip("\ufeff"))))
        # A program reads it as it is: the header first, every row as wide (titles are in the
        # workbook).
        self.assertEqual(lines[0], self.columns)
        self.assertEqual({len(line) for line in lines}, {len(self.columns)})
        body = lines[1:]
        self.assertEqual(body[0], ["6670101", "อบต.นาป่า", "85.5", "30 ธันวาคม 2567"])
        self.assertEqual(body[1][1], '\'=HYPERLINK("http://x")')
        self.assertEqual(body[2][1], "'-5+3")

    def test_xlsx_opens_with_the_same_rows_and_numbers_stay_numbers(self):
        # In Thai whatever an earlier test left active (a download is in the reader's language).
        with translation.override("th"):
            response = table_response(
                fmt="xlsx", title="อปท.", filename="laos", columns=self.columns, rows=self.rows
            )
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        values = [list(r) for r in sheet.iter_rows(values_only=True)]
        header = values.index(self.columns)
        self.assertEqual(values[header + 1][:3], ["6670101", "อบต.นาป่า", 85.5])
        self.assertEqual(values[header + 2][1], '\'=HYPERLINK("http://x")')
        self.assertTrue(str(values[1][0]).startswith("ส่งออกเมื่อ"))
