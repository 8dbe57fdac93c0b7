import datetime
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from deadlines.models import Circular, Round, RoundLAO
from tests.base import PersonasTestCase, on
from tests.factories import make_round

LETTERS = Path(__file__).parent / "letters"
DEPARTMENT_LETTER = (LETTERS / "1_department_circular.txt").read_text(encoding="utf-8")


class CircularNewTestCase(PersonasTestCase):
    def read(self, text: str, **extra):
        return self.client.post("/circulars/new/", {"step": "read", "text": text, **extra})

    def test_department_staff_paste_check_and_save_and_the_round_reaches_every_lao(self):
        self.login(self.department)
        response = self.read(DEPARTMENT_LETTER)
        form = response.context["form"]
        self.assertEqual(form.initial["reference"], "มท ๐๘๐๖/ว ๓๑๓๗")
        self.assertEqual(form.initial["date"], "19/11/2555")
        self.assertEqual(form.initial["deadline"], "30/12/2555")
        self.assertEqual(response.context["round_form"].initial["fiscal_year"], 2556)
        self.assertFalse(Circular.objects.exists())  # nothing saved before confirming
        data = {
            "step": "save",
            **{k: v for k, v in form.initial.items() if v is not None},
            "fiscal_year": "2556",
            "round_deadline": "30/12/2555",
            "sections": ["population", "general"],
        }
        # A deadline already past (30 Dec 2555) asks for a confirmation, with the reason.
        response = self.client.post("/circulars/new/", data)
        self.assertContains(response, "30 ธันวาคม 2555 ผ่านมาแล้ว")
        self.assertFalse(Circular.objects.exists())
        response = self.client.post("/circulars/new/", {**data, "confirm_deadline": "on"})
        circular = Circular.objects.get()
        self.assertRedirects(response, f"/circulars/{circular.pk}/")
        self.assertEqual(circular.reference_normalised, "มท 0806/ว 3137")
        self.assertEqual(circular.date, datetime.date(2012, 11, 19))
        round_ = Round.objects.get(circular=circular)
        self.assertEqual(round_.deadline, datetime.date(2012, 12, 30))
        self.assertEqual(round_.participants.count(), 4)
        self.assertEqual(round_.section_codes, ["population", "general"])
        detail = self.client.get(f"/circulars/{circular.pk}/")
        self.assertContains(detail, "19 พฤศจิกายน 2555")

    def test_bad_input_keeps_what_was_typed_and_saves_nothing(self):
        self.login(self.department)
        response = self.read("")
        self.assertContains(response, "วางข้อความ")
        response = self.client.post(
            "/circulars/new/",
            {"step": "save", "reference": "มท ๑/ว ๒", "date": "31/2/2568", "subject": "ทดสอบ",
             "fiscal_year": "2568", "round_deadline": "1/1/2568", "sections": ["population"]},
        )  # fmt: skip
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'value="มท ๑/ว ๒"')
        self.assertContains(response, "วัน/เดือน/ปี พ.ศ.")
        self.assertFalse(Circular.objects.exists())

    def test_a_file_that_is_not_a_pdf_is_refused_as_attachment(self):
        self.login(self.department)
        response = self.client.post(
            "/circulars/new/",
            {"step": "save", "reference": "มท ๑/ว ๒", "date": "1/10/2567", "subject": "ทดสอบ",
             "fiscal_year": "2568", "round_deadline": "30/12/2567", "sections": ["population"],
             "attachment": SimpleUploadedFile("letter.pdf", b"MZ\x90\x00 not a pdf")},
        )  # fmt: skip
        self.assertContains(response, "ไม่ใช่ PDF")
        self.assertFalse(Circular.objects.exists())

    def test_the_province_forwards_and_the_district_forwards_again(self):
        round_ = make_round()
        department = round_.circular
        self.login(self.province_officer)
        province_letter = DEPARTMENT_LETTER.replace("มท ๐๘๐๖/ว ๓๑๓๗", "พช ๐๐๓๗.๓/ว ๔๗๗๙", 1)
        response = self.read(province_letter, forwards=department.pk)
        initial = response.context["form"].initial
        self.client.post(
            "/circulars/new/",
            {
                "step": "save",
                "forwards": department.pk,
                "confirm_deadline": "on",  # a letter of 2555: its deadline is past
                **{k: v for k, v in initial.items() if v},
            },
        )
        letter = Circular.objects.get(level="province")
        self.assertEqual((letter.forwards, letter.province_id), (department, "67"))
        self.login(self.district_officer)
        response = self.read(
            province_letter.replace("พช ๐๐๓๗.๓/ว ๔๗๗๙", "พช ๐๐๓๗.๑/ว ๑๒๓", 1), forwards=letter.pk
        )
        initial = response.context["form"].initial
        self.client.post(
            "/circulars/new/",
            {
                "step": "save",
                "forwards": letter.pk,
                "confirm_deadline": "on",
                **{k: v for k, v in initial.items() if v},
            },
        )
        district_letter = Circular.objects.get(level="district")
        self.assertEqual(district_letter.chain(), [department, letter, district_letter])
        # The clerk sees the whole chain on the LAO's round page.
        self.login(self.clerk_a)
        page = self.client.get(f"/rounds/{round_.pk}/lao/{self.lao_a.code}/")
        self.assertEqual(
            [c.pk for c in page.context["chain"]], [department.pk, letter.pk, district_letter.pk]
        )

    def test_who_may_not_issue(self):
        for persona in ["clerk_a", "executive"]:
            with self.subTest(persona=persona):
                self.login(getattr(self, persona))
                self.assertEqual(self.client.get("/circulars/new/").status_code, 404)
                self.assertEqual(self.read(DEPARTMENT_LETTER).status_code, 404)
        self.login(self.province_officer)
        make_round()
        other = Circular.objects.create(
            level="province",
            province_id="81",
            reference="กบ 1",
            reference_normalised="กบ 1",
            date=datetime.date(2024, 1, 1),
            subject="x",
        )
        response = self.read(DEPARTMENT_LETTER, forwards=other.pk)  # another province's letter
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "deadlines/circular_new.html")


class CircularVisibilityTestCase(PersonasTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.round = make_round()
        cls.krabi = Circular.objects.create(
            level="province", province_id="81", forwards=cls.round.circular,
            reference="กบ ๐๐๒๓/ว ๑", reference_normalised="กบ 0023/ว 1",
            date=datetime.date(2024, 11, 25), subject="แจ้งต่อ",
        )  # fmt: skip

    def test_department_circulars_are_for_everyone_province_letters_for_their_province(self):
        self.login(self.clerk_a)
        self.assertEqual(self.client.get(f"/circulars/{self.round.circular.pk}/").status_code, 200)
        self.assertEqual(self.client.get(f"/circulars/{self.krabi.pk}/").status_code, 404)
        listed = self.client.get("/circulars/").context["page"].object_list
        self.assertEqual([c.pk for c in listed], [self.round.circular.pk])
        self.login(self.other_province_officer)
        self.assertEqual(self.client.get(f"/circulars/{self.krabi.pk}/").status_code, 200)
        self.login(self.executive)
        # Both letters are listed: Krabi's nested under the circular it forwards.
        (listed,) = self.client.get("/circulars/").context["page"].object_list
        self.assertEqual((listed, listed.forwarding), (self.round.circular, [self.krabi]))

    def test_anonymous_users_are_sent_to_log_in(self):
        self.assertEqual(self.client.get("/circulars/").status_code, 302)
        self.assertEqual(RoundLAO.objects.filter(round=self.round).count(), 4)


class CircularListTestCase(PersonasTestCase):
    """Search (reference, subject) and filters (level, year) kept in the URL; forwarding letters
    nested under the circular they forward."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.round = make_round()  # มท ๐๘๐๖/ว ๓๑๓๗ of 19 Nov 2024 (2567)
        cls.province = Circular.objects.create(
            level="province",
            province_id="67",
            forwards=cls.round.circular,
            reference="พช ๐๐๓๗.๓/ว ๔๗๗๙",
            reference_normalised="พช 0037.3/ว 4779",
            date=datetime.date(2024, 11, 30),
            subject="แจ้งต่อ ข้อมูลกลาง",
        )
        cls.district = Circular.objects.create(
            level="district",
            district_id="6701",
            forwards=cls.province,
            reference="พช ๐๐๒๓.๑/ว ๑๕๖๒",
            reference_normalised="พช 0023.1/ว 1562",
            date=datetime.date(2024, 12, 4),
            subject="แจ้งต่อ ข้อมูลกลาง",
        )
        cls.old = Circular.objects.create(
            level="department", reference="มท ๐๘๐๖/ว ๑๐๐", reference_normalised="มท 0806/ว 100",
            date=datetime.date(2023, 1, 5), subject="แบบสำรวจเก่า",
        )  # fmt: skip

    def listed(self, query=""):
        page = self.client.get("/circulars/" + query)
        self.assertEqual(page.status_code, 200)
        return page, list(page.context["page"].object_list)

    def test_forwarding_letters_are_nested_under_their_circular(self):
        self.login(self.district_officer)
        page, roots = self.listed()
        self.assertEqual(roots, [self.round.circular, self.old])
        self.assertEqual(roots[0].forwarding, [self.province])
        self.assertEqual(roots[0].forwarding[0].forwarding, [self.district])
        self.assertContains(page, "หนังสือแจ้งต่อ 1 ฉบับ")

    def test_search_by_reference_in_arabic_digits_or_by_subject(self):
        self.login(self.district_officer)
        self.assertEqual(self.listed("?q=0023.1/ว 1562")[1], [self.district])
        self.assertEqual(self.listed("?q=สำรวจเก่า")[1], [self.old])

    def test_filters_by_level_and_buddhist_year_stay_in_the_url(self):
        self.login(self.district_officer)
        page, found = self.listed("?level=department&year=2567")
        self.assertEqual(found, [self.round.circular])
        self.assertContains(page, '<option value="2567" selected>')
        self.assertEqual(self.listed("?year=2566")[1], [self.old])

    def test_searching_finds_only_letters_the_user_may_read(self):
        self.login(self.other_province_officer)  # Krabi: Phetchabun's letters are not theirs
        self.assertEqual(self.listed("?q=แจ้งต่อ")[1], [])
        self.assertEqual(self.listed("?q=พช")[1], [])

    def test_an_unknown_year_shows_every_letter_not_an_error(self):
        self.login(self.district_officer)
        self.assertEqual(len(self.listed("?year=abc")[1]), 4)


class CircularNotALetterTestCase(PersonasTestCase):
    def test_text_that_is_not_a_letter_gets_a_message_not_an_error(self):
        self.login(self.department)
        text = (LETTERS / "not_a_letter.txt").read_text(encoding="utf-8")
        response = self.client.post("/circulars/new/", {"step": "read", "text": text})
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "deadlines/circular_new.html")
        self.assertContains(response, "หนังสือราชการ")
        self.assertFalse(Circular.objects.exists())


class ForwardingDeadlineTestCase(PersonasTestCase):
    def test_a_forwarding_letter_later_than_the_letter_it_forwards_asks_for_confirmation(self):
        round_ = make_round(deadline=datetime.date(2026, 12, 30))
        self.login(self.province_officer)
        data = {
            "step": "save",
            "forwards": round_.circular.pk,
            "reference": "พช ๐๐๓๗.๓/ว ๑",
            "date": "1/12/2569",
            "subject": "แจ้งต่อ",
            "deadline": "15/1/2570",  # after the department's 30/12/2569
        }
        with on(datetime.date(2026, 11, 20)):
            response = self.client.post("/circulars/new/", data)
            self.assertContains(response, "ช้ากว่า")
            self.assertContains(response, "30 ธันวาคม 2569")
            self.assertFalse(Circular.objects.filter(level="province").exists())
            response = self.client.post("/circulars/new/", {**data, "deadline": "20/12/2569"})
        self.assertEqual(response.status_code, 302)  # an earlier date needs no confirmation
        self.assertTrue(Circular.objects.filter(level="province").exists())
