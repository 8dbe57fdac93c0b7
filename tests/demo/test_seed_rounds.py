import datetime
import io

from django.core.management import call_command
from django.test import TestCase, override_settings
from django.utils import timezone

from accounts import access
from accounts.models import User
from deadlines.models import Circular, Round, RoundLAO, Transition
from lgdata.thai import be_date, to_thai_digits
from records.models import Record


@override_settings(DEBUG=True)
class SeedRoundsTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("seed_demo", "--provinces", "67", stdout=io.StringIO())

    def statuses(self, round_: Round) -> set[str]:
        today = timezone.localdate()
        started = set(
            Record.objects.filter(fiscal_year=round_.fiscal_year, filled_count__gt=0).values_list(
                "lao_id", flat=True
            )
        )
        return {
            p.status(today=today, started=p.lao_id in started).value
            for p in round_.participants.select_related("round")
        }

    def test_the_2555_letters_form_the_chain_of_design_section_1(self):
        department = Circular.objects.get(reference_normalised="มท 0806/ว 3137")
        self.assertEqual(department.date, datetime.date(2012, 11, 19))
        self.assertEqual(department.deadline, datetime.date(2012, 12, 30))
        province = Circular.objects.get(reference_normalised="พช 0037.3/ว 4779")
        self.assertEqual(
            (province.forwards, province.date), (department, datetime.date(2012, 11, 30))
        )
        district = Circular.objects.get(level="district", district_id="6701", forwards=province)
        self.assertEqual(district.chain(), [department, province, district])

    def test_the_two_rounds_hold_every_status(self):
        current, last = Round.objects.order_by("-deadline")
        self.assertEqual(
            self.statuses(current),
            {"not_started", "in_progress", "submitted_on_time", "returned", "approved"},
        )
        self.assertEqual(
            self.statuses(last), {"overdue", "submitted_late", "submitted_on_time", "approved"}
        )
        approved = current.participants.filter(state=RoundLAO.State.APPROVED).first()
        moves = list(
            Transition.objects.filter(participant=approved).values_list("to_state", flat=True)
        )
        # One step, by whoever supervises the LAO (docs/supervision.md).
        self.assertEqual(moves, ["submitted", "approved"])
        by = Transition.objects.get(participant=approved, to_state="approved").by
        self.assertTrue(access.can_approve_lao(by, approved.lao))

    def test_the_demo_clerk_has_work_to_do_and_a_rerun_changes_nothing(self):
        clerk = User.objects.get(username="clerk")
        current = Round.objects.order_by("-deadline").first()
        self.assertEqual(current.participants.get(lao=clerk.lao).state, RoundLAO.State.OPEN)
        counts = (Circular.objects.count(), RoundLAO.objects.count(), Transition.objects.count())
        out = io.StringIO()
        call_command("seed_demo", "--provinces", "67", stdout=out)
        self.assertEqual(
            (Circular.objects.count(), RoundLAO.objects.count(), Transition.objects.count()), counts
        )

    def test_each_round_has_its_own_forwarding_letters_down_to_the_clerk(self):
        from deadlines.reminder_letter import letter_chain

        clerk = User.objects.get(username="clerk")
        for round_ in Round.objects.all():
            participant = round_.participants.select_related(
                "round__circular", "lao__district"
            ).get(lao=clerk.lao)
            chain = letter_chain(participant)
            self.assertEqual([c.level for c in chain], ["department", "province", "district"])
            self.assertEqual(chain[2].forwards, chain[1])
            self.assertEqual(chain[1].forwards, round_.circular)


@override_settings(DEBUG=True)
class DemoLetterNumbersTestCase(TestCase):
    def test_letters_carry_the_real_province_prefixes(self):
        call_command("seed_demo", "--provinces", "67,81", "--fill", "0", stdout=io.StringIO())
        references = set(Circular.objects.values_list("reference", flat=True))
        for province, prefix in (("67", "พช "), ("81", "กบ ")):
            with self.subTest(province=province):
                letters = Circular.objects.filter(province_id=province, level="province")
                self.assertTrue(letters.exists())
                self.assertTrue(all(c.reference.startswith(prefix) for c in letters))
                district = Circular.objects.filter(district__province_id=province).first()
                self.assertTrue(district.reference.startswith(prefix + "๐๐๒๓."))
        self.assertFalse(any(r[:2].isdigit() for r in references))

    def test_the_letters_of_2555_cite_the_letter_they_forward_as_officials_write_it(self):
        call_command("seed_demo", "--provinces", "67", "--fill", "0", stdout=io.StringIO())
        province = Circular.objects.get(reference="พช ๐๐๓๗.๓/ว ๔๗๗๙")
        district = Circular.objects.get(reference="พช ๐๐๒๓.๑/ว ๑๕๖๒")
        self.assertEqual(
            province.references,
            ["หนังสือกรมส่งเสริมการปกครองท้องถิ่น ที่ มท ๐๘๐๖/ว ๓๑๓๗ ลงวันที่ ๑๙ พฤศจิกายน ๒๕๕๕"],
        )
        self.assertEqual(
            district.references,
            ["หนังสือจังหวัดเพชรบูรณ์ ที่ พช ๐๐๓๗.๓/ว ๔๗๗๙ ลงวันที่ ๓๐ พฤศจิกายน ๒๕๕๕"],
        )
        self.assertEqual(district.forwards, province)

    def test_a_rounds_letters_cite_the_letter_they_forward_with_its_date(self):
        call_command("seed_demo", "--provinces", "67", "--fill", "0", stdout=io.StringIO())
        letters = Circular.objects.filter(level="district", forwards__forwards__round__isnull=False)
        self.assertTrue(letters.exists())
        for letter in letters.select_related("forwards"):
            with self.subTest(letter=letter.reference):
                forwarded = letter.forwards
                self.assertEqual(
                    letter.references,
                    [
                        f"หนังสือจังหวัดเพชรบูรณ์ ที่ {forwarded.reference} "
                        f"ลงวันที่ {to_thai_digits(be_date(forwarded.date))}"
                    ],
                )
                self.assertEqual(letter.subject, forwarded.forwards.subject)
