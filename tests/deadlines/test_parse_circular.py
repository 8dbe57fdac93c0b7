"""parse_circular: the parser (deadlines.parsing) on letters written in the style of real ones,
and the management command around it."""

import datetime
import io
import json
import tempfile
from pathlib import Path
from unittest import mock

from django.core.management import CommandError, call_command
from django.test import SimpleTestCase
from django.utils import translation

from deadlines.parsing import (
    FIELDS,
    CircularError,
    decode_circular,
    normalise_reference,
    parse_circular,
)

LETTERS = Path(__file__).parent / "letters"

DEPARTMENT_SUBJECT = "การปรับปรุงข้อมูลกลางองค์กรปกครองส่วนท้องถิ่น"
DLA = "อธิบดีกรมส่งเสริมการปกครองท้องถิ่น"


def letter(name: str) -> str:
    return (LETTERS / name).read_text(encoding="utf-8")


def parse(name: str):
    with translation.override("en"):
        return parse_circular(letter(name))


class ParseCircularTestCase(SimpleTestCase):
    maxDiff = None

    def test_it_reads_a_department_circular(self):
        parsed = parse("1_department_circular.txt")

        self.assertEqual(
            parsed.to_json_dict(),
            {
                "reference": "มท ๐๘๐๖/ว ๓๑๓๗",
                "date": "2012-11-19",
                "subject": DEPARTMENT_SUBJECT,
                "addressees": ["ผู้ว่าราชการจังหวัด ทุกจังหวัด"],
                "references": [
                    "หนังสือกรมส่งเสริมการปกครองท้องถิ่น ด่วนที่สุด ที่ มท ๐๘๐๖/ว ๑๕๒๔ ลงวันที่ ๑๔ มิถุนายน ๒๕๕๔"
                ],
                "enclosures": [
                    "คู่มือการปรับปรุงข้อมูลกลางองค์กรปกครองส่วนท้องถิ่น จำนวน ๑ ชุด",
                    "แบบรายงานผลการปรับปรุงข้อมูลกลางองค์กรปกครองส่วนท้องถิ่น จำนวน ๑ ฉบับ",
                ],
                "deadline": "2012-12-30",
                "issuer": DLA,
                "reference_normalised": "มท 0806/ว 3137",
                "unsure": [],
            },
        )
        self.assertEqual(parsed.notes, {})
        self.assertEqual(
            parsed.contact,
            "สำนักบริหารการคลังท้องถิ่น\nส่วนข้อมูลและสารสนเทศ\n"
            "โทร. ๐-๒๒๔๑-๙๐๐๐ ต่อ ๒๓๑๒\nโทรสาร ๐-๒๒๔๑-๙๐๔๓",
        )

    def test_the_body_runs_from_the_header_to_the_closing_sentence(self):
        body = parse("1_department_circular.txt").body

        paragraphs = body.split("\n")
        self.assertEqual(len(paragraphs), 2)
        self.assertTrue(paragraphs[0].startswith("ตามที่กรมส่งเสริมการปกครองท้องถิ่นได้พัฒนาระบบ"))
        self.assertTrue(paragraphs[1].endswith("รายละเอียดปรากฏตามสิ่งที่ส่งมาด้วย"))
        self.assertNotIn("จึงเรียนมา", body)
        self.assertNotIn("  ", body)

    def test_it_reads_a_province_forwarding_letter_and_takes_its_earlier_deadline(self):
        parsed = parse("2_province_forwarding.txt")

        self.assertEqual(
            parsed.to_json_dict(),
            {
                "reference": "พช ๐๐๓๗.๓/ว ๔๗๗๙",
                "date": "2012-11-30",
                "subject": DEPARTMENT_SUBJECT,
                "addressees": [
                    "นายอำเภอทุกอำเภอ",
                    "นายกองค์การบริหารส่วนจังหวัดเพชรบูรณ์",
                    "นายกเทศมนตรีเมืองเพชรบูรณ์",
                ],
                "references": [
                    "หนังสือกรมส่งเสริมการปกครองท้องถิ่น ด่วนที่สุด ที่ มท ๐๘๐๖/ว ๓๑๓๗ ลงวันที่ ๑๙ พฤศจิกายน ๒๕๕๕"
                ],
                "enclosures": ["สำเนาหนังสือที่อ้างถึง พร้อมคู่มือ จำนวน ๑ ชุด"],
                "deadline": "2012-12-20",
                "issuer": "รองผู้ว่าราชการจังหวัด ปฏิบัติราชการแทน ผู้ว่าราชการจังหวัดเพชรบูรณ์",
                "reference_normalised": "พช 0037.3/ว 4779",
                "unsure": ["deadline"],
            },
        )
        # Two dates follow ภายใน and the earlier one has a two-digit year: both are said.
        self.assertEqual(list(parsed.notes), ["deadline"])
        self.assertIn("๓๐ ธันวาคม ๒๕๕๕, ๒๐ ธ.ค. ๕๕", parsed.notes["deadline"])
        self.assertIn("2555", parsed.notes["deadline"])
        self.assertEqual(parsed.cited_references(), ["มท 0806/ว 3137"])
        self.assertTrue(parsed.contact.startswith("สำนักงานส่งเสริมการปกครองท้องถิ่นจังหวัด\n"))

    def test_it_reads_a_district_memo_with_arabic_digits(self):
        parsed = parse("3_district_memo.txt")

        self.assertEqual(
            parsed.to_json_dict(),
            {
                "reference": "พช 0118/ว 1502",
                "date": "2012-12-05",
                "subject": DEPARTMENT_SUBJECT,
                "addressees": [
                    "นายกเทศมนตรีตำบลทุกแห่ง",
                    "นายกองค์การบริหารส่วนตำบลทุกแห่ง ในเขตอำเภอเมืองเพชรบูรณ์",
                ],
                "references": [
                    "หนังสือกรมส่งเสริมการปกครองท้องถิ่น ที่ มท 0806/ว 3137 ลงวันที่ 19 พฤศจิกายน 2555",
                    "หนังสือจังหวัดเพชรบูรณ์ ที่ พช 0037.3/ว 4779 ลงวันที่ 30 พฤศจิกายน 2555",
                ],
                "enclosures": [],
                "deadline": "2012-12-14",
                "issuer": "นายอำเภอเมืองเพชรบูรณ์",
                "reference_normalised": "พช 0118/ว 1502",
                "unsure": [],
            },
        )
        self.assertEqual(parsed.cited_references(), ["มท 0806/ว 3137", "พช 0037.3/ว 4779"])

    def test_a_receipt_stamp_above_the_letterhead_is_not_the_letters_date(self):
        parsed = parse("4_receipt_stamp.txt")

        self.assertEqual(
            parsed.to_json_dict(),
            {
                "reference": "มท ๐๘๑๐.๓/ว ๒๔๕๖",
                "date": "2013-10-08",
                "subject": "การรายงานข้อมูลด้านการป้องกันและบรรเทาสาธารณภัย"
                "ในระบบข้อมูลกลางองค์กรปกครองส่วนท้องถิ่น",
                "addressees": ["ผู้ว่าราชการจังหวัด ทุกจังหวัด"],
                "references": [],
                "enclosures": [
                    "แบบรายงานข้อมูลรถบรรทุกน้ำ รถกู้ภัย และอาสาสมัครป้องกันภัยฝ่ายพลเรือน จำนวน ๑ ชุด"
                ],
                # "ภายใน ๑๕ วัน" is a period; the date comes after ไม่เกินวันที่.
                "deadline": "2013-10-31",
                "issuer": f"รองอธิบดี ปฏิบัติราชการแทน {DLA}",
                "reference_normalised": "มท 0810.3/ว 2456",
                "unsure": [],
            },
        )

    def test_it_reads_through_scanning_slips_and_broken_lines(self):
        parsed = parse("5_ocr_line_breaks.txt")

        self.assertEqual(
            parsed.to_json_dict(),
            {
                "reference": "มท ๐๘๐๘.๒/ว ๑๐๙๔",
                "date": "2013-01-22",
                "subject": "การรายงานข้อมูลรายได้และรายจ่ายขององค์กรปกครองส่วนท้องถิ่น "
                "ประจำปีงบประมาณ พ.ศ. ๒๕๕๕",
                "addressees": ["ผู้ว่าราชการจังหวัด ทุกจังหวัด"],
                "references": [
                    "หนังสือกรมส่งเสริมการปกครองท้องถิ่น ที่ มท ๐๘๐๘.๒/ว ๓๓๒๑ ลงวันที่ ๒๘ ธันวาคม ๒๕๕๕"
                ],
                "enclosures": ["บัญชีรายชื่อองค์กรปกครองส่วนท้องถิ่นที่ยังไม่รายงานข้อมูล จำนวน ๑ ฉบับ"],
                "deadline": "2013-02-15",
                "issuer": f"รองอธิบดี ปฏิบัติราชการแทน {DLA}",
                "reference_normalised": "มท 0808.2/ว 1094",
                "unsure": [],
            },
        )
        # Page number and catchword are dropped; the sentence split over lines is whole again.
        self.assertNotIn("-๒-", parsed.body)
        self.assertNotIn("/กรมส่งเสริม", parsed.body)
        self.assertIn("ให้แล้วเสร็จภายในวันที่ ๑๕ กุมภาพันธ์ ๒๕๕๖ หากพ้นกำหนด", parsed.body)

    def test_it_reads_only_the_first_of_two_letters_and_says_another_follows(self):
        parsed = parse("6_two_letters.txt")

        self.assertEqual(
            parsed.to_json_dict(),
            {
                "reference": "พช ๐๓๑๘/ว ๘๘๗",
                "date": "2012-12-07",
                "subject": DEPARTMENT_SUBJECT,
                "addressees": [
                    "นายกเทศมนตรีเมืองหล่มสัก",
                    "นายกเทศมนตรีตำบลตาลเดี่ยว",
                    "นายกองค์การบริหารส่วนตำบล ทุกแห่ง",
                ],
                "references": ["หนังสือจังหวัดเพชรบูรณ์ ที่ พช ๐๐๓๗.๓/ว ๔๗๗๙ ลงวันที่ ๓๐ พฤศจิกายน ๒๕๕๕"],
                "enclosures": ["สำเนาหนังสือจังหวัดเพชรบูรณ์ที่อ้างถึง จำนวน ๑ ฉบับ"],
                "deadline": "2012-12-17",
                "issuer": "นายอำเภอหล่มสัก",
                "reference_normalised": "พช 0318/ว 887",
                "unsure": [],
            },
        )
        self.assertEqual(list(parsed.notes), ["letter"])
        self.assertIn("พช ๐๐๓๗.๓/ว ๔๗๗๙", parsed.notes["letter"])
        self.assertEqual(parsed.contact, "สำนักงานท้องถิ่นอำเภอหล่มสัก\nโทร. ๐-๕๖๗๐-๑๒๓๔")

    def test_a_letter_without_a_deadline_says_so(self):
        parsed = parse("7_no_deadline.txt")

        self.assertEqual(
            parsed.to_json_dict(),
            {
                "reference": "มท ๐๘๐๖/ว ๒๑๐",
                # The one-line receipt stamp between address and date has a date of its own.
                "date": "2013-01-18",
                "subject": "การเพิ่มรายการข้อมูลด้านบุคลากรในระบบข้อมูลกลางองค์กรปกครองส่วนท้องถิ่น",
                "addressees": ["ผู้ว่าราชการจังหวัด ทุกจังหวัด (ยกเว้นกรุงเทพมหานคร)"],
                "references": [],
                "enclosures": [],
                "deadline": None,
                "issuer": "ผู้อำนวยการสำนักบริหารงานบุคคลส่วนท้องถิ่น ปฏิบัติราชการแทน " + DLA,
                "reference_normalised": "มท 0806/ว 210",
                "unsure": ["deadline"],
            },
        )
        self.assertIn("no deadline", parsed.notes["deadline"])

    def test_an_unnumbered_undated_draft_leaves_the_blanks_unsure(self):
        parsed = parse("8_unnumbered_draft.txt")

        self.assertEqual(parsed.reference, "มท ๐๘๐๖/ว")
        self.assertEqual(parsed.reference_normalised, "มท 0806/ว")
        self.assertIsNone(parsed.date)
        self.assertEqual(parsed.deadline, datetime.date(2013, 3, 29))
        self.assertEqual(parsed.issuer, DLA)
        self.assertEqual(parsed.unsure, ["reference", "date", "issuer"])
        self.assertIn("มีนาคม ๒๕๕๖", parsed.notes["date"])

    def test_with_two_dates_in_the_header_it_picks_one_and_says_it_is_unsure(self):
        parsed = parse("9_routing_note.txt")

        # A receiving officer's note at the top carries its own date; the ที่ line is blank.
        self.assertEqual(parsed.date, datetime.date(2013, 6, 6))
        self.assertEqual(parsed.reference, "")
        self.assertEqual(parsed.subject, "การตรวจสอบข้อมูลการเงินการคลังขององค์กรปกครองส่วนท้องถิ่น")
        self.assertEqual(parsed.addressees, ["นายอำเภอ ทุกอำเภอ"])
        self.assertEqual(parsed.deadline, datetime.date(2013, 6, 21))
        self.assertEqual(parsed.issuer, "ผู้ว่าราชการจังหวัดพิษณุโลก")
        self.assertEqual(parsed.unsure, ["reference", "date"])
        self.assertIn("๑๐ มิ.ย. ๕๖, ๖ มิถุนายน ๒๕๕๖", parsed.notes["date"])

    def test_it_refuses_a_text_that_is_not_a_letter(self):
        with self.assertRaisesMessage(CircularError, "does not look like an official letter"):
            parse("not_a_letter.txt")

    def test_it_refuses_an_empty_text(self):
        for text in ("", "  \n\n \t"):
            with self.subTest(text=text), self.assertRaises(CircularError):
                parse_circular(text)


class DatesAndDeadlinesTestCase(SimpleTestCase):
    """Small letters for the ways dates are written."""

    def parse(self, date_line: str, deadline_sentence: str):
        text = (
            "ที่ มท ๐๘๐๖/ว ๕๕๕          กรมส่งเสริมการปกครองท้องถิ่น\n"
            f"                {date_line}\n"
            "เรื่อง  การรายงานข้อมูลกลาง\n"
            "เรียน  ผู้ว่าราชการจังหวัด ทุกจังหวัด\n"
            f"        ขอให้จังหวัดรายงานข้อมูล{deadline_sentence}\n"
            "        จึงเรียนมาเพื่อโปรดพิจารณา\n"
            "                ขอแสดงความนับถือ\n"
            "              (นายสมคิด ดีมาก)\n"
            "        อธิบดีกรมส่งเสริมการปกครองท้องถิ่น\n"
        )
        with translation.override("en"):
            return parse_circular(text)

    def test_it_reads_full_and_abbreviated_months_in_either_digits(self):
        cases = {
            "๓๐ ธันวาคม ๒๕๕๕": (datetime.date(2012, 12, 30), []),
            "30 ธันวาคม 2555": (datetime.date(2012, 12, 30), []),
            "๓๐ ธ.ค. ๒๕๕๕": (datetime.date(2012, 12, 30), []),
            "๓ มี.ค. ๒๕๕๖": (datetime.date(2013, 3, 3), []),
            "๓ ม.ค. ๒๕๕๖": (datetime.date(2013, 1, 3), []),
            "๙ มิ.ย. ๒๕๕๖": (datetime.date(2013, 6, 9), []),
            "๑๒ กรกฏาคม ๒๕๕๖": (datetime.date(2013, 7, 12), []),
            "๑ เมษายน พ.ศ. ๒๕๕๖": (datetime.date(2013, 4, 1), []),
            "๓๐ ธ.ค. ๕๕": (datetime.date(2012, 12, 30), ["date"]),
        }
        for written, (expected, unsure) in cases.items():
            with self.subTest(written=written):
                parsed = self.parse(written, " ภายในวันที่ ๓๑ ธันวาคม ๒๕๕๖")
                self.assertEqual(parsed.date, expected)
                self.assertEqual(parsed.unsure, unsure)

    def test_it_finds_the_deadline_however_the_sentence_is_broken(self):
        cases = [
            " ภายในวันที่ ๑๕ ม.ค. ๒๕๕๖",
            " ภายใน วันที่ ๑๕ มกราคม ๒๕๕๖",
            "ให้แล้วเสร็จภายในวันศุกร์ที่ ๑๕\nมกราคม ๒๕๕๖",
            "ให้แล้วเสร็จภายใน\nวันที่ ๑๕ มกราคม\n๒๕๕๖",
            " ไม่เกินวันที่ 15 มกราคม 2556",
            " ก่อนวันที่ ๑๕ มกราคม ๒๕๕๖",
        ]
        for sentence in cases:
            with self.subTest(sentence=sentence):
                parsed = self.parse("๒ มกราคม ๒๕๕๖", sentence)
                self.assertEqual(parsed.deadline, datetime.date(2013, 1, 15))
                self.assertEqual(parsed.unsure, [])

    def test_a_start_date_is_not_a_deadline(self):
        parsed = self.parse("๒ มกราคม ๒๕๕๖", "ภายในระบบตั้งแต่วันที่ ๑ กุมภาพันธ์ ๒๕๕๖")

        self.assertIsNone(parsed.deadline)
        self.assertEqual(parsed.unsure, ["deadline"])

    def test_a_period_instead_of_a_date_is_noted(self):
        parsed = self.parse("๒ มกราคม ๒๕๕๖", " ภายใน ๑๕ วันนับแต่ได้รับหนังสือนี้")

        self.assertIsNone(parsed.deadline)
        self.assertIn("ภายใน ๑๕ วัน", parsed.notes["deadline"])

    def test_a_deadline_before_the_letter_is_unsure(self):
        parsed = self.parse("๒ มกราคม ๒๕๕๖", " ภายในวันที่ ๑๕ ธันวาคม ๒๕๕๕")

        self.assertEqual(parsed.deadline, datetime.date(2012, 12, 15))
        self.assertEqual(parsed.unsure, ["deadline"])

    def test_a_stamp_date_alone_is_not_taken_for_the_letters_date(self):
        text = (
            "รับที่ ๑๒๓๔ วันที่ ๒๑ พ.ย. ๕๕ เวลา ๑๐.๓๐ น.\n"
            "ที่ มท ๐๘๐๖/ว ๕๕๕\n"
            "เรื่อง  การรายงานข้อมูลกลาง\n"
            "เรียน  ผู้ว่าราชการจังหวัด ทุกจังหวัด\n"
        )
        parsed = parse_circular(text)

        self.assertIsNone(parsed.date)
        self.assertIn("date", parsed.unsure)


class HeaderAndSignatureTestCase(SimpleTestCase):
    def test_addressees_over_two_lines_are_split_by_title(self):
        text = (
            "ที่ พช ๐๐๓๗.๓/ว ๑๑๑\n"
            "๓ มกราคม ๒๕๕๖\n"
            "เรื่อง การรายงานข้อมูลกลาง\n"
            "เรียน นายอำเภอทุกอำเภอ นายกองค์การบริหารส่วนจังหวัดเพชรบูรณ์\n"
            "        และนายกเทศมนตรีเมืองเพชรบูรณ์\n"
            "        ด้วยจังหวัดขอให้รายงานข้อมูลภายในวันที่ ๑๐ มกราคม ๒๕๕๖\n"
        )
        parsed = parse_circular(text)

        self.assertEqual(
            parsed.addressees,
            [
                "นายอำเภอทุกอำเภอ",
                "นายกองค์การบริหารส่วนจังหวัดเพชรบูรณ์",
                "นายกเทศมนตรีเมืองเพชรบูรณ์",
            ],
        )
        self.assertTrue(parsed.body.startswith("ด้วยจังหวัด"))

    def test_a_bracketed_line_in_the_body_is_not_the_signature(self):
        text = (
            "ที่ มท ๐๘๐๖/ว ๑๒\n"
            "๓ มกราคม ๒๕๕๖\n"
            "เรื่อง การรายงานข้อมูลกลาง\n"
            "เรียน ผู้ว่าราชการจังหวัด ทุกจังหวัด\n"
            "        ขอให้จังหวัดแจ้งองค์กรปกครองส่วนท้องถิ่นรายงานข้อมูล\n"
            "(รายละเอียดปรากฏตามสิ่งที่ส่งมาด้วย)\n"
            "        ให้แล้วเสร็จภายในวันที่ ๑๐ มกราคม ๒๕๕๖\n"
            "        จึงเรียนมาเพื่อโปรดพิจารณา\n"
            "ขอแสดงความนับถือ\n"
            "(ว่าที่ ร.ต. สมหมาย ดีงาม)\n"
            "ท้องถิ่นจังหวัดเพชรบูรณ์\n"
        )
        parsed = parse_circular(text)

        self.assertEqual(parsed.deadline, datetime.date(2013, 1, 10))
        self.assertEqual(parsed.issuer, "ท้องถิ่นจังหวัดเพชรบูรณ์")
        self.assertEqual(parsed.unsure, [])


class ReferenceTestCase(SimpleTestCase):
    def test_it_normalises_digits_and_spaces(self):
        cases = {
            "มท ๐๘๐๖/ว ๓๑๓๗": "มท 0806/ว 3137",
            "มท  ๐๘๐๖ / ว๓๑๓๗": "มท 0806/ว 3137",
            "พช ๐๐๓๗.๓/ว ๔๗๗๙": "พช 0037.3/ว 4779",
            "พช 0118/1502": "พช 0118/1502",
        }
        for written, expected in cases.items():
            with self.subTest(written=written):
                self.assertEqual(normalise_reference(written), expected)

    def test_it_keeps_the_reference_as_written(self):
        text = (
            "ที่ มท ๐๘๐๖/ว๓๑๓๗\tกรมส่งเสริมการปกครองท้องถิ่น\r\n"
            "๑๙ พฤศจิกายน ๒๕๕๕\r\n"
            "เรื่อง การปรับปรุงข้อมูลกลาง\r\n"
        )
        parsed = parse_circular(text)

        self.assertEqual(parsed.reference, "มท ๐๘๐๖/ว๓๑๓๗")
        self.assertEqual(parsed.reference_normalised, "มท 0806/ว 3137")
        self.assertEqual(parsed.date, datetime.date(2012, 11, 19))


class DecodeCircularTestCase(SimpleTestCase):
    def test_it_reads_utf8_with_bom_cp874_and_utf16(self):
        text = letter("3_district_memo.txt")
        for encoding in ("utf-8", "utf-8-sig", "cp874", "utf-16"):
            with self.subTest(encoding=encoding):
                self.assertEqual(decode_circular(text.encode(encoding)), text)

    def test_it_refuses_pdf_binary_and_empty_files(self):
        cases = {
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n": "PDF: paste the text instead",
            b"\x7fELF\x02\x01\x01\x00\x00\x00\xfe\xfc": "not a text file",
            b"\n \n": "empty",
        }
        for data, message in cases.items():
            with (
                self.subTest(message=message),
                translation.override("en"),
                self.assertRaisesMessage(CircularError, message),
            ):
                decode_circular(data)


class ParseCircularCommandTestCase(SimpleTestCase):
    def run_command(self, data: bytes, *args) -> tuple[dict, str]:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "letter.txt"
            path.write_bytes(data)
            out, err = io.StringIO(), io.StringIO()
            call_command("parse_circular", str(path), *args, stdout=out, stderr=err)
        return json.loads(out.getvalue()), err.getvalue()

    def test_it_prints_the_design_keys_as_json_from_a_utf8_bom_file(self):
        result, _err = self.run_command(letter("1_department_circular.txt").encode("utf-8-sig"))

        # The letter's fields in the order the parser lists them (FIELDS), then the two it adds.
        self.assertEqual(list(result), [*FIELDS, "reference_normalised", "unsure"])
        self.assertEqual(result["reference"], "มท ๐๘๐๖/ว ๓๑๓๗")
        self.assertEqual(result["date"], "2012-11-19")
        self.assertEqual(result["deadline"], "2012-12-30")

    def test_it_reads_a_cp874_file_and_writes_the_notes_to_stderr(self):
        result, err = self.run_command(
            letter("2_province_forwarding.txt").encode("cp874"), "--language", "en"
        )

        self.assertEqual(result["reference_normalised"], "พช 0037.3/ว 4779")
        self.assertEqual(result["deadline"], "2012-12-20")
        self.assertEqual(result["unsure"], ["deadline"])
        self.assertTrue(err.startswith("deadline: Several deadlines"))

    def test_it_reads_standard_input(self):
        stdin = io.TextIOWrapper(io.BytesIO(letter("3_district_memo.txt").encode("utf-8")))
        out = io.StringIO()
        with mock.patch("sys.stdin", stdin):
            call_command("parse_circular", "-", stdout=out, stderr=io.StringIO())

        self.assertEqual(json.loads(out.getvalue())["reference"], "พช 0118/ว 1502")

    def test_it_refuses_bad_input_with_a_message(self):
        cases = {
            b"": "The letter is empty.",
            b"%PDF-1.4\n1 0 obj\n": "PDF: paste the text instead",
            bytes(range(256)): "This is not a text file.",
            letter("not_a_letter.txt").encode("utf-8"): "does not look like an official letter",
        }
        for data, message in cases.items():
            with self.subTest(message=message), self.assertRaisesMessage(CommandError, message):
                self.run_command(data, "--language", "en")

    def test_it_refuses_a_missing_file(self):
        with self.assertRaisesMessage(CommandError, "Cannot read"):
            call_command("parse_circular", "/nonexistent/letter.txt", "--language", "en")
