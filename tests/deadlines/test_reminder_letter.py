import datetime
import re

from django.template.loader import render_to_string
from django.test import RequestFactory

from deadlines.models import RoundLAO
from deadlines.reminder_letter import reminder_letter_context
from deadlines.services import round_return, round_submit
from records.models import LAO
from tests.base import PersonasTestCase, on
from tests.factories import POPULATION, fill_section, forward_letter, make_lao, make_round

DEADLINE = datetime.date(2024, 12, 30)
TODAY = datetime.date(2025, 1, 6)  # a week late


def text_of(html: str) -> str:
    """The letter as a reader sees it: tags dropped, whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


class ReminderLetterTestCase(PersonasTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.round = make_round(deadline=DEADLINE, lock_date=datetime.date(2025, 1, 31))
        department = cls.round.circular
        cls.province_letter = forward_letter(
            department,
            cls.lao_a.district.province,
            reference="พช ๐๐๓๗.๓/ว ๔๗๗๙",
            date=datetime.date(2024, 11, 30),
            by=cls.province_officer,
        )
        cls.district_letter = forward_letter(
            cls.province_letter,
            cls.lao_a.district,
            reference="พช 0023.1/ว 1234",
            date=datetime.date(2024, 12, 3),
            by=cls.district_officer,
        )
        # Another district's letter is not in lao_a's chain.
        forward_letter(
            cls.province_letter,
            cls.lao_c.district,
            reference="พช 0023.2/ว 99",
            date=datetime.date(2024, 12, 4),
            by=cls.other_district_officer,
        )

    def participant(self, lao=None) -> RoundLAO:
        return RoundLAO.objects.select_related("round__circular", "lao__district__province").get(
            round=self.round, lao=lao or self.lao_a
        )

    def render(self, lao=None, **kwargs) -> str:
        request = RequestFactory().get("/")
        request.user = self.district_officer
        context = reminder_letter_context(
            participant=self.participant(lao), today=kwargs.pop("today", TODAY), **kwargs
        )
        return render_to_string("deadlines/reminder_letter.html", context, request=request)

    def test_the_letter_has_the_parts_of_a_thai_official_letter(self):
        text = text_of(self.render())
        self.assertIn("ที่ พช ๐๐๒๓.๑/", text)  # the district's own reference code
        self.assertIn("ที่ว่าการอำเภอเมืองเพชรบูรณ์", text)
        self.assertIn("๖ มกราคม ๒๕๖๘", text)  # today, Buddhist Era, Thai digits
        self.assertIn("เรื่อง ขอให้เร่งรัดการปรับปรุงข้อมูลกลางองค์กรปกครองส่วนท้องถิ่น", text)
        self.assertIn("เรียน นายกองค์การบริหารส่วนตำบลนาป่า", text)
        self.assertIn("จึงเรียนมาเพื่อโปรดดำเนินการ", text)
        self.assertIn("ขอแสดงความนับถือ", text)
        self.assertIn("นายอำเภอเมืองเพชรบูรณ์", text)
        self.assertIn("สำนักงานส่งเสริมการปกครองท้องถิ่นอำเภอเมืองเพชรบูรณ์", text)

    def test_it_cites_the_chain_of_letters_with_their_dates(self):
        text = text_of(self.render())
        self.assertIn(
            "๑. หนังสือกรมส่งเสริมการปกครองท้องถิ่น ที่ มท ๐๘๐๖/ว ๓๑๓๗ ลงวันที่ ๑๙ พฤศจิกายน ๒๕๖๗",
            text,
        )
        self.assertIn("๒. หนังสือจังหวัดเพชรบูรณ์ ที่ พช ๐๐๓๗.๓/ว ๔๗๗๙ ลงวันที่ ๓๐ พฤศจิกายน ๒๕๖๗", text)
        self.assertIn("๓. หนังสืออำเภอเมืองเพชรบูรณ์ ที่ พช ๐๐๒๓.๑/ว ๑๒๓๔ ลงวันที่ ๓ ธันวาคม ๒๕๖๗", text)
        self.assertNotIn("๐๐๒๓.๒", text)

    def test_the_body_gives_the_deadline_the_delay_and_the_sections_missing(self):
        text = text_of(self.render())
        self.assertIn("ภายในวันที่ ๓๐ ธันวาคม ๒๕๖๗", text)
        self.assertIn("ล่วงเลยกำหนดมาแล้ว ๗ วัน", text)
        self.assertIn("องค์การบริหารส่วนตำบลนาป่ายังมิได้ส่งข้อมูล", text)
        self.assertIn("๑. ประชากร (ยังขาด", text)
        self.assertIn("หลังวันที่ ๓๑ มกราคม ๒๕๖๘", text)  # the lock date

    def test_a_returned_complete_record_is_asked_to_resubmit_with_the_reason(self):
        fill_section(self.lao_a, 2568, "population", self.clerk_a, POPULATION)
        with on(DEADLINE - datetime.timedelta(days=2)):
            submitted = round_submit(participant=self.participant(), by=self.clerk_a)
            round_return(participant=submitted, by=self.district_officer, comment="ตรวจอายุ")
        text = text_of(self.render())
        self.assertIn("ได้รับการส่งคืนให้แก้ไข เนื่องจาก ตรวจอายุ", text)
        self.assertIn("ข้อมูลครบถ้วนแล้วแต่ยังมิได้ยืนยันการส่งข้อมูลในระบบ", text)
        self.assertNotIn("ประชากร (ยังขาด", text)

    def test_the_number_given_goes_into_the_reference(self):
        text = text_of(self.render(number="567"))
        self.assertIn("ที่ พช ๐๐๒๓.๑/๕๖๗", text)

    def test_without_a_district_letter_the_reference_is_left_for_the_officer(self):
        text = text_of(self.render(lao=self.lao_b))
        self.assertIn("เรียน นายกเทศมนตรีตำบลวังชมภู", text)
        other = make_round(deadline=DEADLINE)
        participant = RoundLAO.objects.select_related("round__circular", "lao__district").get(
            round=other, lao=self.lao_a
        )
        context = reminder_letter_context(participant=participant, today=TODAY)
        self.assertEqual(context["reference"], "อำเภอเมืองเพชรบูรณ์/................")
        self.assertEqual(len(context["references"]), 1)

    def test_a_pao_is_written_to_by_the_province_governor(self):
        pao = make_lao("6701", type=LAO.Type.PAO, name="เพชรบูรณ์")
        participant = RoundLAO.objects.create(round=self.round, lao=pao)
        context = reminder_letter_context(participant=participant, today=TODAY)
        self.assertEqual(context["addressee"], "นายกองค์การบริหารส่วนจังหวัดเพชรบูรณ์")
        self.assertEqual(context["issuer"].position, "ผู้ว่าราชการจังหวัดเพชรบูรณ์")
        self.assertEqual(context["reference"], "พช ๐๐๓๗.๓/................")

    def test_before_the_deadline_it_says_how_many_days_are_left(self):
        text = text_of(self.render(today=DEADLINE - datetime.timedelta(days=3)))
        self.assertIn("ซึ่งจะครบกำหนดในอีก ๓ วัน", text)
        self.assertNotIn("ล่วงเลย", text)

    def test_the_page_prints_on_a4_with_the_letter_in_thai(self):
        html = self.render()
        self.assertIn("@page { size: A4; margin: 2.5cm 2cm 2cm 3cm; }", html)
        self.assertIn('<article class="letter" lang="th"', html)
        self.assertIn(f"/rounds/{self.round.pk}/lao/{self.lao_a.code}/", html)
