import re
from unittest import mock

from django.db import connection
from django.test.utils import CaptureQueriesContext

from deadlines import progress_rollups
from deadlines.models import ProgressRollup
from records import gap_rollups, hooks
from records.models import Field, Record, SectionEntry, ValueChange
from records.services import record_get_or_create, section_save
from tests.base import PersonasTestCase
from tests.factories import make_round

YEAR = 2568


class SectionEditTestCase(PersonasTestCase):
    def url(self, lao=None, section="population", year=YEAR) -> str:
        return f"/lao/{(lao or self.lao_a).code}/{year}/{section}/"

    def entry(self, section="population") -> SectionEntry:
        return SectionEntry.objects.get(
            record__lao=self.lao_a, record__fiscal_year=YEAR, section__code=section
        )

    def stored(self, section="population") -> dict:
        """The section's stored values; none while the year has no record."""
        entry = SectionEntry.objects.filter(
            record__lao=self.lao_a, record__fiscal_year=YEAR, section__code=section
        ).first()
        return entry.values if entry else {}

    def post(self, data: dict, version: int = 0, section="population"):
        return self.client.post(self.url(section=section), {"version": version, **data})

    def save_last_years_population(self, total: str) -> None:
        """LAO A's population total of the year before, as its clerk saved it."""
        record = record_get_or_create(lao=self.lao_a, fiscal_year=YEAR - 1)
        entry = SectionEntry.objects.get(record=record, section__code="population")
        section_save(
            entry=entry, values={"population_total": total}, expected_version=0, by=self.clerk_a
        )

    # Who may and who may not

    def test_the_clerk_sees_the_section_form_with_labels_units_and_help(self):
        self.login(self.clerk_a)
        response = self.client.get(self.url())
        self.assertContains(response, "ประชากรชาย")
        self.assertContains(response, "คน")
        self.assertContains(response, 'name="population_total"')
        self.assertContains(response, "บันทึก")

    def test_readers_in_scope_see_it_read_only_and_may_not_post(self):
        self.login(self.clerk_a)
        self.post({"population_total": "2500"})
        for persona in ["district_officer", "province_officer", "department", "executive"]:
            with self.subTest(persona=persona):
                self.login(getattr(self, persona))
                response = self.client.get(self.url())
                self.assertContains(response, 'value="2,500"')
                self.assertNotContains(response, 'type="submit" class="btn btn-primary"')
                response = self.post({"population_total": "1"}, version=1)
                self.assertEqual(response.status_code, 403)
        self.assertEqual(self.entry().values["population_total"], "2500")

    def test_a_clerk_of_another_lao_guessing_the_url_gets_not_found(self):
        for persona in ["clerk_b", "other_district_officer", "other_province_officer"]:
            with self.subTest(persona=persona):
                self.login(getattr(self, persona))
                self.assertEqual(self.client.get(self.url()).status_code, 404)
                self.assertEqual(self.post({"population_total": "1"}).status_code, 404)
        self.assertFalse(Record.objects.filter(lao=self.lao_a).exists())

    def test_an_unknown_section_or_year_is_not_found(self):
        self.login(self.clerk_a)
        self.assertEqual(self.client.get(self.url(section="no_such")).status_code, 404)
        self.assertEqual(self.client.get(self.url(year=1999)).status_code, 404)

    # Opening writes nothing

    def test_opening_a_year_without_a_record_shows_an_empty_form_and_makes_nothing(self):
        self.login(self.clerk_a)
        response = self.client.get(self.url())
        self.assertContains(response, 'name="population_total"')
        self.assertContains(response, 'name="version" value="0"')
        self.assertFalse(Record.objects.filter(lao=self.lao_a).exists())
        self.assertFalse(SectionEntry.objects.exists())

    def test_the_first_save_makes_the_record_and_saves_the_values(self):
        self.login(self.clerk_a)
        self.client.get(self.url())
        response = self.post({"population_total": "2500"})
        self.assertRedirects(response, self.url())
        record = Record.objects.get(lao=self.lao_a, fiscal_year=YEAR)
        self.assertEqual(self.entry().values, {"population_total": "2500"})
        self.assertEqual(record.entries.count(), record.schema.sections.count())
        self.assertEqual(record.filled_count, 1)

    def test_a_refused_first_save_leaves_no_record_behind(self):
        self.login(self.clerk_a)
        guard = [lambda lao, year, today: "ส่งข้อมูลแล้ว รอการตรวจสอบ"]
        with mock.patch.object(hooks, "edit_guards", guard):
            response = self.post({"population_total": "2500"})
        self.assertEqual(response.status_code, 403)
        self.assertFalse(Record.objects.exists())

    # Values

    def test_thai_digits_and_thousands_separators_are_stored_as_numbers(self):
        self.login(self.clerk_a)
        response = self.post(
            {
                "population_male": "๑,๒๐๐",
                "population_female": "1 300",
                "population_total": "๒๕๐๐",
            }
        )
        self.assertRedirects(response, self.url())
        values = self.entry().values
        self.assertEqual(
            (values["population_male"], values["population_female"], values["population_total"]),
            ("1200", "1300", "2500"),
        )

    def test_each_kind_of_bad_value_is_refused_with_its_message_and_the_form_keeps_the_rest(self):
        self.login(self.clerk_a)
        cases = {
            "population_male": ("สิบ", "กรอกตัวเลข"),
            "population_female": ("12.5", "จำนวนเต็ม"),
            "population_total": ("-5", "ไม่น้อยกว่า"),
            "houses_registered": ("๑๒๓", None),
        }
        response = self.post({code: value for code, (value, _) in cases.items()})
        self.assertEqual(response.status_code, 200)
        for value, message in cases.values():
            self.assertContains(response, f'value="{value}"')
            if message:
                self.assertContains(response, message)
        self.assertEqual(self.stored(), {})
        self.assertFalse(ValueChange.objects.exists())

    def test_the_errors_are_listed_at_the_top_with_links_to_their_fields(self):
        self.login(self.clerk_a)
        response = self.post({"population_male": "1,2341,234", "population_female": "สิบ"})
        summary = (
            response.content.decode().split('data-testid="error-summary"')[1].split("</div>")[0]
        )
        self.assertIn("ยังไม่ได้บันทึก: มี 2 ค่าที่ต้องแก้ไข", summary)
        self.assertIn('<a href="#row-population_male">ประชากรชาย</a>: คั่นหลักพันทีละสามหลัก', summary)
        self.assertIn('<a href="#row-population_female">ประชากรหญิง</a>: กรอกตัวเลข', summary)
        self.assertContains(response, 'id="row-population_male"')
        self.assertEqual(self.stored(), {})

    def test_badly_grouped_digits_are_refused_not_read_as_another_number(self):
        self.login(self.clerk_a)
        self.post({"population_total": "1,2341,234"})
        self.assertEqual(self.stored(), {})
        self.post({"population_total": "-0"})
        self.assertEqual(self.stored()["population_total"], "0")

    def test_na_typed_in_a_text_field_is_kept_as_text(self):
        self.login(self.clerk_a)
        self.post({"office_address": "NA"}, section="general")
        self.assertEqual(self.stored("general")["office_address"], "NA")
        response = self.client.get(self.url(section="general"))
        self.assertContains(response, 'name="office_address" value="NA"')
        self.assertNotContains(response, 'name="office_address__na"')

    def test_a_value_above_its_bound_is_refused(self):
        self.login(self.clerk_a)
        field = Field.objects.get(code="population_total")
        response = self.post({"population_total": str(int(field.max_value) + 1)})
        self.assertContains(response, "ไม่เกิน")
        self.assertEqual(self.stored(), {})

    def test_not_applicable_is_not_zero_and_not_missing(self):
        self.login(self.clerk_a)
        self.post({"population_total": "0", "houses_registered__na": "on"})
        entry = self.entry()
        self.assertEqual(entry.values["population_total"], "0")
        self.assertEqual(entry.values["houses_registered"], "NA")
        self.assertNotIn("population_male", entry.values)
        response = self.client.get(self.url())
        self.assertContains(
            response,
            'name="houses_registered__na" class="form-check-input" '
            'id="id_houses_registered__na" checked',
        )

    def test_a_value_and_not_applicable_together_are_refused(self):
        self.login(self.clerk_a)
        response = self.post({"population_total": "5", "population_total__na": "on"})
        self.assertContains(response, "ไม่เกี่ยวข้อง")
        self.assertEqual(self.stored(), {})

    def test_a_broken_cross_field_rule_is_shown_and_the_section_stays_incomplete(self):
        self.login(self.clerk_a)
        response = self.post(
            {"population_male": "1", "population_female": "1", "population_total": "5"},
        )
        response = self.client.get(self.url())
        self.assertContains(response, "ประชากรชายรวมกับหญิง")
        self.assertContains(response, "ประชากรชาย 1 + ประชากรหญิง 1 = 2 ≠ ประชากรทั้งหมด 5")
        self.assertFalse(self.entry().is_complete)

    def test_a_jump_from_last_year_is_flagged_but_saved(self):
        self.save_last_years_population("2500")
        self.login(self.clerk_a)
        response = self.client.get(self.url())
        self.assertContains(response, "ปีที่แล้ว: 2,500 คน")
        response = self.post(
            {"population_total": "25000"},
        )
        self.assertEqual(self.entry().values["population_total"], "25000")
        self.assertEqual(self.entry().flags, ["population_total"])
        response = self.client.get(self.url())
        self.assertContains(response, "ต่างจากค่าของปีที่แล้วมาก")

    def test_it_shows_who_changed_the_section_last_and_when_in_the_buddhist_era(self):
        self.clerk_a.first_name, self.clerk_a.last_name = "สมศรี", "ใจดี"
        self.clerk_a.save()
        self.login(self.clerk_a)
        self.post({"population_total": "2500"})
        response = self.client.get(self.url())
        self.assertContains(response, "สมศรี ใจดี")
        self.assertRegex(response.content.decode(), r"\d+ [ก-๙.]+ 25\d\d \d\d:\d\d")

    # No lost updates

    def test_a_stale_page_is_refused_with_both_versions_side_by_side(self):
        self.login(self.clerk_a)
        self.post({"population_total": "2500"}, version=0)
        response = self.post({"population_total": "3000"}, version=0)
        self.assertEqual(response.status_code, 409)
        self.assertContains(response, "3,000 คน", status_code=409)
        self.assertContains(response, "2,500 คน", status_code=409)
        self.assertEqual(self.entry().values["population_total"], "2500")
        # Re-applying from the conflict page (which carries the new version) saves the user's value.
        self.assertContains(response, 'name="version" value="1"', status_code=409)
        response = self.post({"population_total": "3000"}, version=1)
        self.assertEqual(self.entry().values["population_total"], "3000")

    def assert_descriptions_exist(self, page: str) -> None:
        """Every aria-describedby names elements of the page (else a screen reader reads
        nothing more)."""
        for names in re.findall(r'aria-describedby="([^"]+)"', page):
            for name in names.split():
                with self.subTest(name=name):
                    self.assertIn(f'id="{name}"', page)

    def test_each_field_s_help_and_last_year_s_value_are_read_out_with_its_input(self):
        self.save_last_years_population("2500")
        self.login(self.clerk_a)
        page = self.client.get(self.url()).content.decode()
        self.assertIn('aria-describedby="id_population_total_helptext"', page)
        self.assertIn('id="id_population_total_helptext">ปีที่แล้ว: 2,500 คน', page)
        self.assert_descriptions_exist(page)

    def test_a_bad_value_is_marked_invalid_for_screen_readers_and_keeps_what_was_typed(self):
        self.login(self.clerk_a)
        response = self.post({"population_male": "สิบ", "population_female": "๑๒"})
        self.assertContains(
            response,
            '<input type="text" name="population_male" value="สิบ" inputmode="decimal" '
            'class="form-control is-invalid" aria-invalid="true" '
            'aria-describedby="id_population_male_error" id="id_population_male">',
        )
        self.assertContains(
            response,
            '<div id="id_population_male_error"><div class="text-danger small mt-1" role="alert">'
            "กรอกตัวเลข",
        )
        self.assertContains(
            response,
            '<input type="text" name="population_female" value="๑๒" inputmode="decimal" '
            'class="form-control" id="id_population_female">',
        )
        self.assert_descriptions_exist(response.content.decode())

    def test_readers_see_every_input_disabled(self):
        self.login(self.district_officer)
        page = self.client.get(self.url(section="public_health")).content.decode()
        inputs = re.findall(r"<(?:input|select) [^>]*>", page)
        form_inputs = [tag for tag in inputs if 'name="csrfmiddlewaretoken"' not in tag]
        form_inputs = [tag for tag in form_inputs if 'name="next"' not in tag]
        self.assertGreater(len(form_inputs), 10)
        for tag in form_inputs:
            with self.subTest(tag=tag):
                self.assertIn(" disabled", tag)

    # Query counts

    def test_a_clerk_s_section_page_costs_six_queries(self):
        """The session, the user, the LAO (the header names the same one), the section's entry
        with its record and last year's values, the edit guard's rounds, and the notices (the
        unread count and the clerk's latest round, in one statement). The schema's sections,
        fields and rules are read once per process, not per page."""
        make_round(fiscal_year=YEAR)
        self.login(self.clerk_a)
        self.post({"population_total": "2500"})
        self.client.get(self.url(section="economy"))  # the schema, once per process
        with self.assertNumQueries(6):
            response = self.client.get(self.url())
        self.assertContains(response, 'name="population_total" value="2,500"')
        self.assertContains(response, f'data-testid="whoami">{self.clerk_a.username} ')
        self.assertContains(response, "ระบบเศรษฐกิจ")  # the other sections, in the side list

    def test_a_save_costs_thirty_two_queries_and_redirects_to_the_section(self):
        """The session, the user, the LAO, the entry with its record and last year's values;
        then section_save's own: the record's lock, the edit guard, the record's sections, the
        entry's update, its history, the record's totals (an update: the sum is the other
        sections', read under the lock, and this one's), the province's lock, the key figures'
        roll-ups (approved or not, the rows' lock, their update), the field-level view's
        counts (the newest schema, the rows' lock, their update), the dashboards' progress
        roll-ups of the
        district and its province and their stamp (eleven, in a savepoint); and the savepoint
        around it all inside the test's transaction. The rules come from the per-process copy
        of the schema, and the entry is not read back. A value changed again on the same day,
        with the same fields filled, changes no count: the progress roll-ups only move their
        newest update (three queries in the savepoint instead of eleven), and stay equal to a
        count from scratch; nor does it change a field-level count (no query for them)."""
        make_round(fiscal_year=YEAR)
        self.login(self.clerk_a)
        self.post({"population_total": "2500"})
        self.client.get(self.url())  # the schema, once per process
        with self.assertNumQueries(32):
            response = self.post({"population_total": "2600", "population_male": "1300"}, version=1)
        self.assertRedirects(response, self.url(), fetch_redirect_response=False)
        self.assertEqual(self.entry().values["population_total"], "2600")
        newest = ProgressRollup.objects.filter(
            area=self.lao_a.district_id, lao_type=self.lao_a.type, fiscal_year=YEAR, round=None
        ).values_list("last_updated", flat=True)
        before = newest.get()
        with self.assertNumQueries(21):
            response = self.post({"population_total": "2700", "population_male": "1300"}, version=2)
        self.assertRedirects(response, self.url(), fetch_redirect_response=False)
        self.assertEqual(self.entry().values["population_total"], "2700")
        self.assertGreater(newest.get(), before)
        self.assertEqual(newest.get(), self.entry().record.updated_at)
        self.assertEqual(progress_rollups.differences([YEAR]), [])
        self.assertEqual(gap_rollups.differences([YEAR]), [])

    def test_a_section_get_and_post_cost_the_same_queries_for_5_or_40_fields(self):
        self.login(self.clerk_a)
        self.post({"population_total": "1"})  # makes the record
        counts = {}
        # Two sections the key figures read, so that both saves also update the roll-ups.
        for section in ("population", "infrastructure"):
            fields = Field.objects.filter(section__schema__version=1, section__code=section)
            with CaptureQueriesContext(connection) as get:
                self.client.get(self.url(section=section))
            data = {f.code: "1" for f in fields if f.is_numeric}
            with CaptureQueriesContext(connection) as post:
                self.post(data, version=self.entry(section).version, section=section)
            counts[section] = (fields.count(), len(get), len(post))
        (small, get_small, post_small), (large, get_large, post_large) = counts.values()
        self.assertLess(small, large)
        self.assertEqual(get_small, get_large)
        self.assertEqual(post_small, post_large)


class SectionByNobodyTestCase(PersonasTestCase):
    def test_a_section_saved_by_a_deleted_account_still_shows(self):
        from tests.factories import make_user

        temp = make_user("temp_clerk", "clerk", lao=self.lao_a)
        record = record_get_or_create(lao=self.lao_a, fiscal_year=YEAR)
        entry = SectionEntry.objects.get(record=record, section__code="population")
        section_save(entry=entry, values={"population_total": "5"}, expected_version=0, by=temp)
        temp.delete()
        self.login(self.clerk_a)
        response = self.client.get(f"/lao/{self.lao_a.code}/{YEAR}/population/")
        self.assertContains(response, "โดย —")
        response = self.client.get(f"/lao/{self.lao_a.code}/{YEAR}/history/")
        self.assertContains(response, "<td>—</td>", html=False)
