import datetime
import io
import tempfile
from pathlib import Path
from unittest import mock

import openpyxl
from django.core.management import CommandError, call_command
from django.test import SimpleTestCase
from django.utils import translation
from django.utils.translation import gettext as _

from records import hooks
from records.models import Field, Record, SectionEntry, ValueChange
from records.record_import import (
    ImportRow,
    record_file_read,
    record_values_import,
)
from records.services import applicable_fields, completeness, record_get_or_create, section_save
from records.uploads import UploadError
from records.values import InvalidValue, cell_to_stored, show_value
from tests.base import PersonasTestCase
from tests.factories import POPULATION

HEADER = "lao_code,fiscal_year,field_code,value\n"
# The population section of an SAO, as a clerk would type it (Thai digits, separators, BE date);
# it is stored as tests.factories.POPULATION.
POPULATION_ROWS = [
    ("population_as_of", "30/9/2567"),
    ("population_male", "๑,๒๐๐"),
    ("population_female", "1,300"),
    ("population_total", "2,500"),
    ("population_age_0_14", "500"),
    ("population_age_15_59", "1500"),
    ("population_age_60_plus", "500"),
    ("households_total", "๘๐๐"),
]


def csv_text(code: str, rows, year: int = 2568) -> str:
    return HEADER + "".join(f'{code},{year},{field},"{value}"\n' for field, value in rows)


class ImportRecordsCommandTestCase(PersonasTestCase):
    def setUp(self) -> None:
        self.folder = Path(tempfile.mkdtemp())

    def write(self, text: str, name: str = "values.csv", *, bom: bool = True) -> Path:
        path = self.folder / name
        path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
        return path

    def run_import(self, path: Path, *args: str) -> str:
        out = io.StringIO()
        call_command("import_records", str(path), "--language", "en", *args, stdout=out)
        return out.getvalue()

    def entry(self, section: str = "population", year: int = 2568) -> SectionEntry:
        return SectionEntry.objects.get(
            record__lao=self.lao_a, record__fiscal_year=year, section__code=section
        )

    def test_a_good_file_saves_the_values_with_history_as_an_import_by_the_user(self):
        path = self.write(csv_text(self.lao_a.code, POPULATION_ROWS))
        output = self.run_import(path, "--commit", "--user", self.clerk_a.username)

        entry = self.entry()
        self.assertEqual(entry.values, POPULATION)
        self.assertEqual(entry.version, 1)
        self.assertTrue(entry.rules_pass)
        fields = applicable_fields(entry.section, self.lao_a.type)
        self.assertEqual(
            (entry.required_count, entry.filled_count), completeness(fields, entry.values)
        )
        self.assertEqual(entry.filled_count, entry.required_count)
        record = Record.objects.get(lao=self.lao_a, fiscal_year=2568)
        self.assertEqual(record.filled_count, entry.filled_count)
        self.assertEqual(record.updated_by, self.clerk_a)
        changes = ValueChange.objects.filter(record=record)
        self.assertEqual(
            sorted((c.field_code, c.old_value, c.new_value) for c in changes),
            sorted((code, None, value) for code, value in POPULATION.items()),
        )
        self.assertEqual({(c.source, c.changed_by) for c in changes}, {("import", self.clerk_a)})
        self.assertIn("8 values changed in 1 records (1 new)", output)
        self.assertIn("8 history rows written", output)

    def test_a_dry_run_says_what_would_change_per_lao_and_writes_nothing(self):
        path = self.write(csv_text(self.lao_a.code, POPULATION_ROWS))
        output = self.run_import(path)
        self.assertIn("Dry run, nothing written", output)
        self.assertIn(f"{self.lao_a.code} {self.lao_a.display_name} 2568: 8 values", output)
        self.assertIn("Run again with --commit", output)
        self.assertFalse(Record.objects.exists())
        self.assertFalse(ValueChange.objects.exists())

    def test_a_file_with_one_bad_row_changes_nothing_and_names_the_line(self):
        record = record_get_or_create(lao=self.lao_a, fiscal_year=2568)
        rows = [*POPULATION_ROWS[:3], ("population_total", "2,500.5"), *POPULATION_ROWS[4:]]
        path = self.write(csv_text(self.lao_a.code, rows))
        out = io.StringIO()
        with self.assertRaisesMessage(
            CommandError, "1 error(s) in values.csv; nothing was written"
        ):
            call_command("import_records", str(path), "--commit", "--language", "en", stdout=out)
        self.assertIn("Line 5, population_total: Enter a whole number.", out.getvalue())
        self.assertEqual(self.entry().values, {})
        self.assertFalse(ValueChange.objects.filter(record=record).exists())

    def test_importing_the_same_file_again_changes_nothing(self):
        path = self.write(csv_text(self.lao_a.code, POPULATION_ROWS))
        self.run_import(path, "--commit")
        version, history = self.entry().version, ValueChange.objects.count()
        output = self.run_import(path, "--commit")
        self.assertEqual(ValueChange.objects.count(), history)
        self.assertEqual(self.entry().version, version)
        self.assertIn("0 values changed in 0 records (0 new), 8 unchanged", output)

    def test_without_a_user_the_history_names_no_one(self):
        path = self.write(csv_text(self.lao_a.code, POPULATION_ROWS[:2]))
        self.run_import(path, "--commit")
        self.assertEqual(
            set(ValueChange.objects.values_list("source", "changed_by")), {("import", None)}
        )

    def test_an_unknown_user_is_refused_before_reading(self):
        path = self.write(csv_text(self.lao_a.code, POPULATION_ROWS))
        with self.assertRaisesMessage(CommandError, "Unknown user “nobody”"):
            self.run_import(path, "--commit", "--user", "nobody")
        self.assertFalse(Record.objects.exists())

    def test_an_empty_value_clears_a_field_and_na_marks_it_not_applicable(self):
        self.run_import(self.write(csv_text(self.lao_a.code, POPULATION_ROWS)), "--commit")
        rows = [("households_total", ""), ("migrant_workers", "NA"), ("population_male", "1200")]
        output = self.run_import(self.write(csv_text(self.lao_a.code, rows), "2.csv"), "--commit")
        values = self.entry().values
        self.assertNotIn("households_total", values)
        self.assertEqual(values["migrant_workers"], "NA")
        cleared = ValueChange.objects.get(field_code="households_total", new_value__isnull=True)
        self.assertEqual(cleared.old_value, "800")
        self.assertIn("2 values changed", output)
        self.assertIn("1 unchanged", output)

    def test_na_in_a_text_field_is_text_and_still_marks_a_number_not_applicable(self):
        rows = [("office_address", "NA"), ("area_km2", "NA")]
        self.run_import(self.write(csv_text(self.lao_a.code, rows)), "--commit")
        values = self.entry("general").values
        self.assertEqual(values["office_address"], "NA")
        self.assertEqual(values["area_km2"], "NA")
        self.assertEqual(
            show_value(values["area_km2"], Field.objects.get(code="area_km2")),
            str(_("not applicable")),
        )
        self.assertEqual(show_value("NA", Field.objects.get(code="office_address")), "NA")

    def test_a_common_era_year_or_bad_grouping_is_refused_with_its_line(self):
        rows = [("population_as_of", "30/9/2024"), ("population_male", "1,2341,234")]
        path = self.write(csv_text(self.lao_a.code, rows))
        out = io.StringIO()
        with self.assertRaises(CommandError):
            call_command("import_records", str(path), "--commit", "--language", "en", stdout=out)
        self.assertIn(
            "Line 2, population_as_of: The year 2024 is a Common-Era (CE) year: "
            "did you mean 30/9/2567?",
            out.getvalue(),
        )
        self.assertIn("Line 3, population_male: Group the digits by three", out.getvalue())
        self.assertFalse(Record.objects.filter(lao=self.lao_a).exists())

    def test_a_workbook_is_read_like_a_csv_file(self):
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(["lao_code", "fiscal_year", "field_code", "value", "note"])
        sheet.append([int(self.lao_a.code), 2568, "population_as_of", datetime.date(2024, 9, 30)])
        sheet.append([self.lao_a.code, "๒๕๖๘", "population_total", 2500])
        sheet.append([])
        sheet.append([self.lao_a.code, 2568, "health_insurance_coverage_pct", 99.5, "a note"])
        sheet.append([self.lao_a.code, 2568, "local_health_fund", True])
        sheet.append([self.lao_a.code, 2568, "terrain", "ที่ราบลุ่ม"])
        path = self.folder / "values.xlsx"
        book.save(path)
        self.run_import(path, "--commit")
        self.assertEqual(self.entry().values["population_as_of"], "2024-09-30")
        self.assertEqual(self.entry().values["population_total"], "2500")
        health = self.entry("public_health").values
        self.assertEqual(
            health, {"health_insurance_coverage_pct": "99.5", "local_health_fund": True}
        )
        self.assertEqual(self.entry("general").values, {"terrain": "lowland"})

    def test_a_file_without_the_header_is_refused(self):
        path = self.write(f"{self.lao_a.code},2568,population_total,2500\n")
        with self.assertRaisesMessage(CommandError, "lao_code,fiscal_year,field_code,value"):
            self.run_import(path, "--commit")
        self.assertFalse(Record.objects.exists())

    def test_a_jump_from_last_year_is_flagged_as_the_form_flags_it(self):
        last_year = csv_text(self.lao_a.code, [("households_total", "800")], year=2567)
        self.run_import(self.write(last_year, "2567.csv"), "--commit")
        this_year = csv_text(self.lao_a.code, [("households_total", "8000")])
        self.run_import(self.write(this_year, "2568.csv"), "--commit")
        self.assertEqual(self.entry().flags, ["households_total"])


class RecordValuesImportTestCase(PersonasTestCase):
    """The service itself: every bad row reported, all or nothing."""

    def setUp(self) -> None:
        self.enterContext(translation.override("en"))

    def rows(self, *cells: tuple) -> list[ImportRow]:
        return [ImportRow(line, *row) for line, row in enumerate(cells, start=2)]

    def test_every_kind_of_bad_row_is_reported_with_its_line(self):
        sao = self.lao_a.code
        # The file's rows, from line 2, each with the column its error names (None: no error).
        lines = [
            (("9999999", "2568", "population_total", "1"), "lao_code"),
            ((sao, "2530", "population_total", "1"), "fiscal_year"),
            ((sao, "๒๕๖x", "population_total", "1"), "fiscal_year"),
            ((sao, "2568", "population_totl", "1"), "field_code"),
            ((sao, "2568", "districts_count", "3"), "field_code"),
            ((sao, "2568", "population_total", "many"), "population_total"),
            ((sao, "2568", "population_male", "-5"), "population_male"),
            ((sao, "2568", "population_as_of", "31/2/2568"), "population_as_of"),
            ((sao, "2568", "terrain", "volcanic"), "terrain"),
            ((sao, "2568", "local_health_fund", "maybe"), "local_health_fund"),
            ((sao, "2568", "population_female", "1"), None),
            ((sao, "2568", "population_female", "2"), "field_code"),
            ((sao, "2568", "area_km2", "12.345"), "area_km2"),
        ]
        result = record_values_import(
            rows=self.rows(*(cells for cells, _column in lines)), by=None, commit=True
        )
        self.assertEqual(
            [(issue.line, issue.column) for issue in result.errors],
            [
                (line, column)
                for line, (_cells, column) in enumerate(lines, start=2)
                if column is not None
            ],
        )
        messages = [issue.message for issue in result.errors]
        self.assertIn("Unknown LAO code “9999999”.", messages[0])
        self.assertIn("outside 2540–", messages[1])
        self.assertIn("does not apply", messages[4])
        self.assertEqual(messages[6], "Must be at least 0.")
        self.assertIn("already on line 12", messages[10])
        self.assertFalse(result.committed)
        self.assertFalse(Record.objects.exists())

    def test_a_closed_record_is_an_error_in_the_dry_run_as_in_the_commit(self):
        rows = self.rows(
            (self.lao_a.code, "2568", "population_total", "10"),
            (self.lao_b.code, "2568", "population_total", "20"),
        )
        closed = [lambda lao, year, today: "submitted" if lao == self.lao_a else None]
        for commit in (False, True):
            with self.subTest(commit=commit), mock.patch.object(hooks, "edit_guards", closed):
                result = record_values_import(rows=rows, by=None, commit=commit)
                self.assertEqual(
                    [(i.line, i.column, i.message) for i in result.errors],
                    [(2, "lao_code", f"{self.lao_a.code}: submitted")],
                )
                self.assertFalse(result.committed)
                self.assertEqual(result.history_rows, 0)
        self.assertFalse(Record.objects.exists())

    def test_a_stale_section_rolls_the_whole_import_back(self):
        record = record_get_or_create(lao=self.lao_a, fiscal_year=2568)
        original = section_save

        def someone_saves_first(*, entry, **kwargs):
            if entry.section.code == "population":
                fresh = SectionEntry.objects.get(pk=entry.pk)
                original(entry=fresh, values={"households_total": "1"}, expected_version=0, by=None)
            return original(entry=entry, **kwargs)

        rows = self.rows(
            (self.lao_a.code, "2568", "terrain", "plain"),
            (self.lao_a.code, "2568", "population_total", "10"),
        )
        with mock.patch("records.record_import.section_save", someone_saves_first):
            result = record_values_import(rows=rows, by=None, commit=True)
        self.assertFalse(result.committed)
        self.assertIn("someone saved this section", result.errors[0].message)
        self.assertEqual(record.entries.get(section__code="general").values, {})


class CellToStoredTestCase(SimpleTestCase):
    def setUp(self) -> None:
        self.enterContext(translation.override("en"))

    def field(self, type: str, **kwargs) -> Field:
        return Field(code="x", type=type, **kwargs)

    def test_numbers_as_people_type_them(self):
        integer = self.field(Field.Type.INTEGER, min_value=0, max_value=100000)
        money = self.field(Field.Type.MONEY, min_value=0)
        self.assertEqual(cell_to_stored(integer, "๑,๒๕๐"), "1250")
        self.assertEqual(cell_to_stored(integer, " 1 250 "), "1250")
        self.assertEqual(cell_to_stored(integer, 1250.0), "1250")
        self.assertEqual(cell_to_stored(money, "1,250.50"), "1250.5")
        self.assertEqual(cell_to_stored(money, "0.00"), "0")
        for bad in ("1.5", "abc", "NaN", "200000"):
            with self.subTest(bad=bad), self.assertRaises(InvalidValue):
                cell_to_stored(integer, bad)

    def test_empty_clears_and_na_is_not_applicable(self):
        number = self.field(Field.Type.INTEGER)
        self.assertIsNone(cell_to_stored(number, "  "))
        self.assertIsNone(cell_to_stored(number, None))
        self.assertEqual(cell_to_stored(number, "na"), "NA")

    def test_dates_in_buddhist_era_or_iso(self):
        date = self.field(Field.Type.DATE)
        self.assertEqual(cell_to_stored(date, "30/9/2568"), "2025-09-30")
        self.assertEqual(cell_to_stored(date, "๓๐/๙/๒๕๖๘"), "2025-09-30")
        self.assertEqual(cell_to_stored(date, "2025-09-30"), "2025-09-30")
        self.assertEqual(cell_to_stored(date, "2568-09-30"), "2025-09-30")
        self.assertEqual(cell_to_stored(date, datetime.datetime(2025, 9, 30)), "2025-09-30")
        # A two-digit year is 25xx (docs/record-schema.md); it used to be refused.
        self.assertEqual(cell_to_stored(date, "30/9/68"), "2025-09-30")
        for bad in ("30/9/2025", "31/9/2568", "yesterday"):
            with self.subTest(bad=bad), self.assertRaises(InvalidValue):
                cell_to_stored(date, bad)

    def test_yes_no_and_choices(self):
        yes_no = self.field(Field.Type.BOOLEAN)
        self.assertIs(cell_to_stored(yes_no, "ใช่"), True)
        self.assertIs(cell_to_stored(yes_no, "No"), False)
        self.assertIs(cell_to_stored(yes_no, 1), True)
        choice = self.field(
            Field.Type.CHOICE,
            choices=[{"value": "plain", "label_th": "ที่ราบ", "label_en": "Plain"}],
        )
        self.assertEqual(cell_to_stored(choice, "ที่ราบ"), "plain")
        self.assertEqual(cell_to_stored(choice, "PLAIN"), "plain")
        with self.assertRaisesMessage(InvalidValue, "plain"):
            cell_to_stored(choice, "hills")

    def test_files_that_cannot_be_read(self):
        for data, message in (
            (b"", "empty"),
            (b"\xd0\xcf\x11\xe0rest", "old Excel"),
            (b"PK\x03\x04broken", "damaged"),
            (b"\xff\xfe\x00bad", "UTF-8"),
            (b"code,year\n1,2\n", "missing: lao_code"),
        ):
            with self.subTest(message=message), self.assertRaisesMessage(UploadError, message):
                record_file_read(data)

    def test_lines_are_counted_as_the_file_has_them(self):
        data = (
            HEADER + '6670101,2568,office_address,"99\nหมู่ 1"\n\n6670101,2568,phone,0 5671 1234\n'
        ).encode()
        rows = record_file_read(data)
        self.assertEqual([row.line for row in rows], [2, 5])
