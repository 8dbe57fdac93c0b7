"""The LAO table's cells built in Python (dashboards/tables.py, deadlines' status badge): what an
officer reads in the "Days" and "Status" columns, in Thai and in English."""

from types import SimpleNamespace

from django.test import SimpleTestCase
from django.utils import translation

from dashboards.tables import days_cell, sections_complete
from deadlines.templatetags.status_badges import status_badge


def row(days, *, submitted, sections=(), complete=0):
    return SimpleNamespace(
        days=days,
        days_count=None if days is None else abs(days),
        submitted=submitted,
        sections=list(sections),
        sections_complete=complete,
    )


class DaysCellTestCase(SimpleTestCase):
    CASES = [
        # (days, submitted, English, Thai, late in red)
        (None, False, "–", "–", False),
        (3, True, "3 days early", "ก่อนกำหนด 3 วัน", False),
        (1, True, "1 day early", "ก่อนกำหนด 1 วัน", False),
        (0, True, "on the deadline day", "ในวันครบกำหนด", False),
        (-2, True, "2 days late", "ล่าช้า 2 วัน", True),
        (5, False, "5 days left", "เหลืออีก 5 วัน", False),
        (0, False, "0 days left", "เหลืออีก 0 วัน", False),
        (-1, False, "1 day late", "ล่าช้า 1 วัน", True),
    ]

    def test_each_case_reads_as_the_table_said_it(self):
        for days, submitted, english, thai, late in self.CASES:
            for language, text in (("en", english), ("th", thai)):
                with self.subTest(days=days, submitted=submitted, language=language):
                    with translation.override(language):
                        cell = str(days_cell(row(days, submitted=submitted)))
                    expected = f'<span class="text-danger">{text}</span>' if late else text
                    self.assertEqual(cell, expected)

    def test_the_sections_complete_are_said_for_screen_readers(self):
        with translation.override("en"):
            cell = str(sections_complete(row(None, submitted=False, sections="abcde", complete=3)))
        self.assertEqual(cell, '<span class="visually-hidden">3 of 5 sections complete</span>')


class StatusBadgeTestCase(SimpleTestCase):
    def test_each_status_has_its_colour_and_words(self):
        cases = {
            "approved": ("success", "approved", "อนุมัติแล้ว"),
            "submitted_on_time": ("primary", "submitted on time", "ส่งแล้วตรงเวลา"),
            "submitted_late": ("warning", "submitted late", "ส่งแล้วล่าช้า"),
            "returned": ("danger", "returned", "ส่งกลับแก้ไข"),
            "overdue": ("danger", "overdue", "เกินกำหนด"),
            "in_progress": ("info", "in progress", "กำลังดำเนินการ"),
            "not_started": ("secondary", "not started", "ยังไม่เริ่ม"),
            None: ("secondary", "not started", "ยังไม่เริ่ม"),
        }
        for status, (colour, english, thai) in cases.items():
            for language, words in (("en", english), ("th", thai)):
                with self.subTest(status=status, language=language):
                    with translation.override(language):
                        badge = str(status_badge(status))
                    self.assertEqual(badge, f'<span class="badge text-bg-{colour}">{words}</span>')
