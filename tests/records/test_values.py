"""How a typed value or a file's cell is stored, or the exact message that refuses it.

The section form, the long-format import and the Excel round trip all store through
records.values.cell_to_stored / parse_*, so each row of these tables holds for all three.
docs/record-schema.md ("Typing values") lists the same outcomes for people.
"""

import datetime
from decimal import Decimal

from django.test import SimpleTestCase
from django.utils import translation

from records.models import Field
from records.values import (
    NOT_APPLICABLE,
    InvalidValue,
    cell_to_stored,
    parse_number,
    show_value,
    stored_to_initial,
)
from tests.base import on

TODAY = datetime.date(2026, 11, 30)  # Buddhist Era 2569: plausible dates run to 2570


def field(type: str, **kwargs) -> Field:
    return Field(code="x", label_th="ช่อง", label_en="Field", type=type, **kwargs)


class ValueTableTestCase(SimpleTestCase):
    def assert_table(self, f: Field, table: list[tuple]):
        """Each row: (typed, stored) or (typed, InvalidValue, the Thai message)."""
        with (
            translation.override("th"),
            on(TODAY),
        ):
            for typed, expected, *message in table:
                with self.subTest(typed=typed):
                    if expected is InvalidValue:
                        with self.assertRaises(InvalidValue) as refused:
                            cell_to_stored(f, typed)
                        self.assertEqual(str(refused.exception), message[0])
                    else:
                        self.assertEqual(cell_to_stored(f, typed), expected)


class DatesTestCase(ValueTableTestCase):
    def test_each_way_of_typing_a_date(self):
        self.assert_table(
            field(Field.Type.DATE),
            [
                ("15/11/2569", "2026-11-15"),
                # Thai digits are the same date.
                ("๑๕/๑๑/๒๕๖๙", "2026-11-15"),
                # A two-digit year is 25xx.
                ("15/11/69", "2026-11-15"),
                ("15.11.2569", "2026-11-15"),
                # ISO year-month-day: Common Era, or Buddhist Era when above 2400.
                ("2026-11-15", "2026-11-15"),
                ("2569-11-15", "2026-11-15"),
                (datetime.datetime(2026, 11, 15), "2026-11-15"),
                # A Common-Era year is never stored as Buddhist Era 2026: refused, with a hint.
                ("15/11/2026", InvalidValue, "ปี 2026 เป็นปี ค.ศ. หมายถึง 15/11/2569 ใช่หรือไม่"),
                ("๑๕/๑๑/๒๐๒๖", InvalidValue, "ปี 2026 เป็นปี ค.ศ. หมายถึง 15/11/2569 ใช่หรือไม่"),
                ("1/1/544", InvalidValue, "พิมพ์ปีให้ครบสี่หลักเป็นปี พ.ศ. เช่น 2568"),
                ("1/1/5", InvalidValue, "พิมพ์ปีให้ครบสี่หลักเป็นปี พ.ศ. เช่น 2568"),
                # Outside the plausible range (BE 2400 to next year).
                ("1/1/2659", InvalidValue, "ปีต้องอยู่ระหว่าง พ.ศ. 2400 ถึง 2570"),
                ("1/1/2399", InvalidValue, "ปีต้องอยู่ระหว่าง พ.ศ. 2400 ถึง 2570"),
                ("1/1/2571", InvalidValue, "ปีต้องอยู่ระหว่าง พ.ศ. 2400 ถึง 2570"),
                ("1/1/2570", "2027-01-01"),
                # A workbook's date cell holding a Buddhist-Era year is out of range too.
                (datetime.date(2569, 11, 15), InvalidValue, "ปีต้องอยู่ระหว่าง พ.ศ. 2400 ถึง 2570"),
                ("31/9/2568", InvalidValue, _BAD_DATE),
                ("yesterday", InvalidValue, _BAD_DATE),
                ("", None),
            ],
        )

    def test_a_field_sets_its_own_range_in_buddhist_era_years(self):
        self.assert_table(
            field(Field.Type.DATE, min_value=Decimal(2540), max_value=Decimal(2575)),
            [
                ("1/1/2575", "2032-01-01"),
                ("31/12/2539", InvalidValue, "ปีต้องอยู่ระหว่าง พ.ศ. 2540 ถึง 2575"),
            ],
        )


_BAD_DATE = "กรอกวันที่เป็น วัน/เดือน/ปี พ.ศ. (30/9/2568) หรือ ปี ค.ศ.-เดือน-วัน (2025-09-30)"


class NumbersTestCase(ValueTableTestCase):
    def test_each_way_of_typing_a_number(self):
        grouping = "คั่นหลักพันทีละสามหลัก (1,234,567) หรือพิมพ์ตัวเลขโดยไม่มีเครื่องหมายจุลภาค"
        self.assert_table(
            field(Field.Type.DECIMAL),
            [
                ("1,234,567", "1234567"),
                ("1234567", "1234567"),
                ("1 234 567", "1234567"),
                ("๑,๒๓๔", "1234"),
                ("1,234.50", "1234.5"),
                ("-1,234", "-1234"),
                ("-0", "0"),
                ("-0.00", "0"),
                (1234.0, "1234"),
                ("1,2341,234", InvalidValue, grouping),
                ("12,34", InvalidValue, grouping),
                ("1,234,56", InvalidValue, grouping),
                (",123", InvalidValue, grouping),
                ("1e3", InvalidValue, "กรอกตัวเลข เช่น 1,250 หรือ ๑,๒๕๐"),
                ("NaN", InvalidValue, "กรอกตัวเลข เช่น 1,250 หรือ ๑,๒๕๐"),
                # The import's marker for "not applicable" still works in a number field.
                ("NA", NOT_APPLICABLE),
                ("na", NOT_APPLICABLE),
            ],
        )

    def test_minus_zero_is_shown_as_zero(self):
        self.assertEqual(parse_number("-0"), 0)
        self.assertEqual(str(parse_number("-0")), "0")


class TextTestCase(ValueTableTestCase):
    def test_na_typed_in_a_text_field_is_text(self):
        text = field(Field.Type.TEXT)
        self.assert_table(text, [("NA", "NA"), ("na", "na"), (" ถนนสายหลัก ", "ถนนสายหลัก")])
        self.assertEqual(show_value("NA", text), "NA")
        self.assertEqual(stored_to_initial("NA", text), "NA")

    def test_na_in_a_number_field_is_shown_as_not_applicable(self):
        with translation.override("th"):
            self.assertEqual(
                show_value(NOT_APPLICABLE, field(Field.Type.INTEGER)), "ไม่เกี่ยวข้อง/ไม่มีในพื้นที่"
            )
