"""The import_laos command and the registry import service behind it.

Registry files are written here in the department's real format (never read from the shared
sample): one row per (LAO, covered subdistrict), Thai place names, dirty office fields.
"""

import csv
import datetime
import io
import tempfile
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
from django.core.management import CommandError, call_command
from django.test import TestCase, override_settings
from django.utils import translation

from accounts.models import Role
from records import registry
from records.models import LAO
from tests.factories import make_lao, make_user

HEADER = [
    "จังหวัด",
    "อำเภอ",
    "ตำบล",
    "รหัส อปท.",
    "ประเภท อปท.",
    "อปท.",
    "ที่ตั้งสำนักงานเลขที่",
    "หมู่ที่",
    "รหัสไปรษณีย์",
    "ขนาดพื้นที่",
    "LAT",
    "LONG",
    "เว็ปไซต์ของอปท",
]


def registry_row(
    code: str,
    type_word: str,
    name: str,
    subdistrict: str,
    *,
    province: str = "กระบี่",
    district: str = "คลองท่อม",
    house_no: str = "",
    moo: str = "",
    postcode: str = "",
    area: str = "",
    lat: str = "",
    long: str = "",
    website: str = "",
) -> list[str]:
    """One registry row, in the column order of the department's file."""
    return [
        province,
        district,
        subdistrict,
        code,
        type_word,
        name,
        house_no,
        moo,
        postcode,
        area,
        lat,
        long,
        website,
    ]


def sao_khlong_thom_nuea(subdistrict: str, **fields) -> list[str]:
    """อบต.คลองท่อมเหนือ as the registry gives it, dirty fields included."""
    office = {
        "house_no": "1-ม.ค.",  # "1/1" after Excel made it 1 January
        "moo": "4",
        "postcode": "81120",
        "area": "176.34",
        "lat": "7.952981685",
        "long": "99.15039092",
        "website": "www,tlpm.go.th",
    }
    return registry_row("6810403", "อบต.", "คลองท่อมเหนือ", subdistrict, **(office | fields))


def good_rows() -> list[list[str]]:
    """Two LAOs of Krabi's คลองท่อม district, each repeated on the subdistricts it covers."""
    return [
        sao_khlong_thom_nuea("คลองท่อมเหนือ"),
        sao_khlong_thom_nuea("เพหลา"),
        registry_row(
            "5810401",
            "เทศบาลตำบล",
            "คลองท่อมใต้",
            "คลองท่อมใต้",
            house_no="-",
            moo="2",
            area="2.7",
            website="WWW..Khlongthomcity.go.th",
        ),
        registry_row("5810401", "เทศบาลตำบล", "คลองท่อมใต้", "คลองท่อมเหนือ", house_no="-", moo="2",
                     area="2.7", website="WWW..Khlongthomcity.go.th"),
    ]  # fmt: skip


def write_registry(rows: list[list], path: Path, *, encoding: str = "utf-8") -> Path:
    """Writes a registry file: CSV in the given encoding, or XLSX when encoding is "xlsx"."""
    if encoding == "xlsx":
        book = openpyxl.Workbook()
        sheet = book.active
        for row in [HEADER, *rows]:
            sheet.append(row)
        book.save(path)
        return path
    with path.open("w", encoding=encoding, newline="") as stream:
        csv.writer(stream).writerows([HEADER, *rows])
    return path


class RegistryFileTestCase(TestCase):
    """A temporary directory for registry files, and commands run in English."""

    def setUp(self) -> None:
        self.tmp = Path(self.enterContext(tempfile.TemporaryDirectory()))

    def file(self, rows: list[list], name: str = "registry.csv", **kwargs) -> Path:
        return write_registry(rows, self.tmp / name, **kwargs)

    def run_command(self, path: Path, *args: str) -> str:
        out = io.StringIO()
        call_command("import_laos", str(path), "--language", "en", *args, stdout=out)
        return out.getvalue()

    def refused(self, path: Path, *args: str) -> tuple[str, str]:
        """Runs the command expecting a refusal; returns (printed output, error message)."""
        out = io.StringIO()
        with self.assertRaises(CommandError) as caught:
            call_command("import_laos", str(path), "--language", "en", *args, stdout=out)
        return out.getvalue(), str(caught.exception)

    def refused_commit(self, changes: dict[tuple[int, int], str]) -> tuple[str, str]:
        """Commits the good rows with ``changes`` ({(row, column): cell}) expecting a refusal
        that writes nothing; returns (printed output, error message)."""
        rows = good_rows()
        for (row, column), cell in changes.items():
            rows[row][column] = cell
        refused = self.refused(self.file(rows), "--commit")
        self.assertNothingWritten()
        return refused

    def assertNothingWritten(self, laos: int = 0, history: int = 0) -> None:
        self.assertEqual(LAO.objects.count(), laos)
        self.assertEqual(LAO.history.count(), history)


class GoodFileTestCase(RegistryFileTestCase):
    def assertKrabiLAOsImported(self) -> None:
        self.assertEqual(sorted(LAO.objects.values_list("code", flat=True)), ["5810401", "6810403"])
        sao = LAO.objects.get(code="6810403")
        self.assertEqual(sao.type, LAO.Type.SAO)
        self.assertEqual(sao.name_th, "คลองท่อมเหนือ")
        self.assertEqual(sao.display_name, "อบต.คลองท่อมเหนือ")
        self.assertEqual(sao.district_id, "8104")
        self.assertEqual(
            sorted(sao.subdistricts.values_list("name_th", flat=True)), ["คลองท่อมเหนือ", "เพหลา"]
        )
        self.assertEqual(sao.office_subdistrict.name_th, "คลองท่อมเหนือ")
        self.assertEqual(sao.office_house_no, "1/1")
        self.assertEqual(sao.office_moo, 4)
        self.assertEqual(sao.office_postcode, "81120")
        self.assertEqual(sao.area_km2, Decimal("176.34"))
        self.assertEqual(sao.latitude, Decimal("7.952982"))
        self.assertEqual(sao.longitude, Decimal("99.150391"))
        self.assertEqual(sao.website, "http://www.tlpm.go.th")
        municipality = LAO.objects.get(code="5810401")
        self.assertEqual(municipality.type, LAO.Type.SUBDISTRICT)
        self.assertEqual(municipality.display_name, "ทต.คลองท่อมใต้")
        self.assertEqual(municipality.office_house_no, "")
        self.assertEqual(municipality.latitude, None)
        self.assertEqual(municipality.website, "http://www.khlongthomcity.go.th")
        self.assertEqual(municipality.subdistricts.count(), 2)
        self.assertEqual(LAO.history.filter(history_type="+").count(), 2)

    def test_it_imports_a_utf8_csv(self):
        output = self.run_command(self.file(good_rows()), "--commit")
        self.assertIn("2 created, 0 updated, 0 unchanged", output)
        self.assertKrabiLAOsImported()

    def test_it_imports_a_utf8_csv_with_a_bom(self):
        self.run_command(self.file(good_rows(), encoding="utf-8-sig"), "--commit")
        self.assertKrabiLAOsImported()

    def test_it_imports_a_tis620_csv(self):
        self.run_command(self.file(good_rows(), encoding="cp874"), "--commit")
        self.assertKrabiLAOsImported()

    def test_it_imports_an_xlsx_whatever_its_name(self):
        self.run_command(self.file(good_rows(), "registry.csv", encoding="xlsx"), "--commit")
        self.assertKrabiLAOsImported()

    def test_it_reads_numbers_and_dates_that_excel_typed(self):
        rows = [sao_khlong_thom_nuea("คลองท่อมเหนือ")]
        rows[0][3:4] = [6810403]
        rows[0][6:12] = [datetime.datetime(2024, 1, 1), 4, 81120, 176.34, 7.95, 99.15]
        self.run_command(self.file(rows, "r.xlsx", encoding="xlsx"), "--commit")
        sao = LAO.objects.get(code="6810403")
        self.assertEqual((sao.office_house_no, sao.office_moo), ("1/1", 4))
        self.assertEqual((sao.office_postcode, sao.area_km2), ("81120", Decimal("176.34")))

    def test_a_dry_run_says_what_would_change_and_writes_nothing(self):
        output = self.run_command(self.file(good_rows()))
        self.assertIn("2 would be created, 0 updated, 0 unchanged", output)
        self.assertIn("Line 2, ที่ตั้งสำนักงานเลขที่: “1-ม.ค.” looks like a date", output)
        self.assertIn("“www,tlpm.go.th” read as “http://www.tlpm.go.th”", output)
        self.assertNothingWritten()

    def test_a_second_run_changes_nothing(self):
        path = self.file(good_rows())
        self.run_command(path, "--commit")
        output = self.run_command(path, "--commit")
        self.assertIn("0 created, 0 updated, 2 unchanged", output)
        self.assertEqual(LAO.history.count(), 2)

    def test_it_leaves_laos_that_are_not_in_the_file_alone(self):
        other = make_lao("6701", type=LAO.Type.SAO, name="นาป่า", website="http://napa.go.th")
        output = self.run_command(self.file(good_rows()), "--commit")
        self.assertIn("1 LAOs in the portal are not in the file", output)
        other.refresh_from_db()
        self.assertEqual((other.name_th, other.website), ("นาป่า", "http://napa.go.th"))

    def test_it_accepts_thai_digits_and_the_short_forms_of_places(self):
        rows = [
            registry_row("๕๖๗๐๑๐๑", "เทศบาลเมือง", "เพชรบูรณ์", "ในเมือง",
                         province="จ.เพชรบูรณ์", district="เมือง", postcode="๖๗๐๐๐"),
            registry_row("5670101", "เทศบาลเมือง", "เพชรบูรณ์", "ตะเบาะ",
                         province="เพชรบูรณ์", district="อำเภอเมืองเพชรบูรณ์", postcode="67000"),
        ]  # fmt: skip
        self.run_command(self.file(rows), "--commit")
        town = LAO.objects.get(code="5670101")
        self.assertEqual((town.district_id, town.display_name), ("6701", "ทม.เพชรบูรณ์"))
        self.assertEqual(town.office_postcode, "67000")
        self.assertEqual(town.subdistricts.count(), 2)

    def test_an_lao_over_two_districts_belongs_to_the_one_its_code_names(self):
        rows = [
            registry_row("6810403", "อบต.", "คลองท่อมเหนือ", "แหลมสัก", district="อ่าวลึก"),
            registry_row("6810403", "อบต.", "คลองท่อมเหนือ", "คลองท่อมเหนือ"),
        ]
        self.run_command(self.file(rows), "--commit")
        sao = LAO.objects.get(code="6810403")
        self.assertEqual(sao.district_id, "8104")
        self.assertEqual(set(sao.subdistricts.values_list("code", flat=True)), {"810502", "810402"})

    def test_a_website_that_cannot_be_repaired_is_left_empty_with_a_warning(self):
        rows = [sao_khlong_thom_nuea("คลองท่อมเหนือ", website="ไม่มี เว็บ")]
        output = self.run_command(self.file(rows), "--commit")
        self.assertIn("“ไม่มี เว็บ” is not a web address; left empty", output)
        self.assertEqual(LAO.objects.get(code="6810403").website, "")


class BadFileTestCase(RegistryFileTestCase):
    def test_it_refuses_a_file_with_a_missing_column(self):
        rows = [row[:10] + row[11:] for row in good_rows()]
        path = self.tmp / "no-lat.csv"
        with path.open("w", encoding="utf-8", newline="") as stream:
            csv.writer(stream).writerows([HEADER[:10] + HEADER[11:], *rows])
        _out, message = self.refused(path, "--commit")
        self.assertIn("missing column(s): “LAT”", message)
        self.assertNothingWritten()

    def test_it_names_every_row_with_an_unknown_district(self):
        out, message = self.refused_commit({(1, 1): "ไม่มีอำเภอนี้", (3, 1): "เมืองกระบี่ใหม่"})
        self.assertIn("Line 3, อำเภอ: unknown district “ไม่มีอำเภอนี้” in province กระบี่", out)
        self.assertIn("Line 5, อำเภอ: unknown district “เมืองกระบี่ใหม่”", out)
        self.assertIn("2 error(s)", message)

    def test_it_refuses_a_code_that_is_not_seven_digits(self):
        out, _message = self.refused_commit({(2, 3): "58104O1"})
        self.assertIn("Line 4, รหัส อปท.: “58104O1” is not a seven-digit code", out)

    def test_it_refuses_two_rows_giving_one_code_different_names(self):
        out, _message = self.refused_commit({(1, 5): "คลองท่อมเหนือใหม่"})
        self.assertIn(
            "Line 3, อปท.: code 6810403 gives “คลองท่อมเหนือใหม่” here but “คลองท่อมเหนือ” on line 2",
            out,
        )

    def test_it_refuses_an_unknown_type_subdistrict_and_bad_numbers(self):
        out, _message = self.refused_commit(
            {
                (0, 4): "สุขาภิบาล",
                (1, 2): "ไม่มีตำบลนี้",
                (2, 10): "27.5",  # north of Thailand
                (3, 9): "ประมาณ 3",
            }
        )
        self.assertIn("Line 2, ประเภท อปท.: unknown type “สุขาภิบาล”", out)
        self.assertIn("Line 3, ตำบล: unknown subdistrict “ไม่มีตำบลนี้” in อำเภอคลองท่อม", out)
        self.assertIn("Line 4, LAT: 27.5 is outside 5 to 21", out)
        self.assertIn("Line 5, ขนาดพื้นที่: “ประมาณ 3” is not a number", out)

    def test_a_bad_file_leaves_the_database_as_it_was(self):
        path = self.file(good_rows())
        self.run_command(path, "--commit")
        rows = good_rows()
        rows[0][12] = "http://new.example.go.th"
        rows[1][12] = "http://new.example.go.th"
        rows[2][1] = "ไม่มีอำเภอนี้"
        out, error = self.refused(self.file(rows, "bad.csv"), "--commit")
        self.assertIn("ไม่มีอำเภอนี้", out)
        self.assertEqual(error, "1 error(s) in bad.csv; nothing was written.")
        self.assertEqual(LAO.objects.get(code="6810403").website, "http://www.tlpm.go.th")
        self.assertNothingWritten(laos=2, history=2)

    def test_it_refuses_binary_garbage(self):
        path = self.tmp / "photo.csv"
        path.write_bytes(bytes(range(256)) * 4)
        _out, message = self.refused(path)
        self.assertIn("neither an Excel workbook (.xlsx) nor a CSV text file", message)

    def test_it_refuses_a_damaged_xlsx(self):
        path = self.tmp / "registry.xlsx"
        path.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 8)
        _out, message = self.refused(path)
        self.assertIn("The Excel file is damaged", message)

    @override_settings(IMPORT_MAX_UPLOAD_BYTES=20_000)
    def test_it_refuses_an_xlsx_that_unpacks_to_far_more_than_its_size(self):
        path = self.tmp / "bomb.xlsx"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("xl/workbook.xml", "<workbook/>")
            archive.writestr("xl/worksheets/sheet1.xml", b"\0" * 1_000_000)
        self.assertLess(path.stat().st_size, 20_000)
        _out, message = self.refused(path)
        self.assertIn("unpacks to more than", message)

    def test_it_refuses_an_xlsx_whose_sheet_is_an_xml_entity_bomb(self):
        path = self.file(good_rows(), "registry.xlsx", encoding="xlsx")
        entities = '<!ENTITY a0 "xxxxxxxxxx">' + "".join(
            f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10)
        )
        sheet = (
            f'<?xml version="1.0"?><!DOCTYPE worksheet [{entities}]><worksheet xmlns='
            '"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">'
            '<c r="A1" t="inlineStr"><is><t>&a9;</t></is></c></row></sheetData></worksheet>'
        )
        bomb = self.tmp / "bomb.xlsx"
        with zipfile.ZipFile(path) as src, zipfile.ZipFile(bomb, "w") as dst:
            for item in src.infolist():
                is_sheet = item.filename == "xl/worksheets/sheet1.xml"
                dst.writestr(item, sheet.encode() if is_sheet else src.read(item.filename))
        _out, message = self.refused(bomb)
        self.assertIn("The Excel file is damaged", message)

    @override_settings(IMPORT_MAX_UPLOAD_BYTES=1024 * 1024)
    def test_it_refuses_a_file_over_the_size_limit(self):
        path = self.tmp / "big.csv"
        path.write_bytes(b"x" * (1024 * 1024 + 1))
        _out, message = self.refused(path)
        self.assertIn("larger than 1 MB", message)

    def test_it_refuses_an_empty_file_and_a_missing_file(self):
        empty = self.tmp / "empty.csv"
        empty.write_bytes(b"")
        self.assertIn("The file is empty", self.refused(empty)[1])
        self.assertIn("Cannot read", self.refused(self.tmp / "nowhere.csv")[1])


class RegistryImportServiceTestCase(RegistryFileTestCase):
    """The service itself: who changed what, and what the preview lists."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.department = make_user("dept", Role.DEPARTMENT)

    def import_rows(self, rows: list[list], *, commit: bool, name: str = "registry.csv"):
        data = self.file(rows, name).read_bytes()
        with translation.override("en"):
            return registry.registry_import(
                data=data, filename=name, commit=commit, by=self.department
            )

    def test_an_update_keeps_old_and_new_values_in_the_history(self):
        self.import_rows(good_rows(), commit=True, name="2566.csv")
        rows = good_rows()[:2]
        for row in rows:
            row[12] = "https://khlongthomnuea.go.th"
        rows[1][2] = "ห้วยน้ำขาว"  # covers ห้วยน้ำขาว instead of เพหลา
        result = self.import_rows(rows + good_rows()[2:], commit=True, name="2567.csv")

        self.assertEqual((result.created, result.updated, result.unchanged), (0, 1, 1))
        [change] = result.changes
        self.assertEqual(change.name, "อบต.คลองท่อมเหนือ")
        by_label = {item.label: (item.old, item.new) for item in change.fields}
        self.assertEqual(
            by_label["website"], ("http://www.tlpm.go.th", "https://khlongthomnuea.go.th")
        )
        self.assertEqual(
            by_label["subdistricts covered"], ("คลองท่อมเหนือ, เพหลา", "คลองท่อมเหนือ, ห้วยน้ำขาว")
        )
        sao = LAO.objects.get(code="6810403")
        self.assertEqual(
            set(sao.subdistricts.values_list("name_th", flat=True)), {"คลองท่อมเหนือ", "ห้วยน้ำขาว"}
        )
        newest, oldest = sao.history.order_by("-history_id")
        self.assertEqual((oldest.website, newest.website), (
            "http://www.tlpm.go.th", "https://khlongthomnuea.go.th"))  # fmt: skip
        self.assertEqual(newest.history_user, self.department)
        self.assertEqual(newest.history_change_reason, "registry import 2567.csv")
        self.assertEqual([c.field for c in newest.diff_against(oldest).changes], ["website"])
        self.assertEqual(LAO.objects.get(code="5810401").history.count(), 1)

    def test_a_dry_run_lists_the_changes_and_writes_nothing(self):
        result = self.import_rows(good_rows(), commit=False)
        self.assertTrue(result.ok)
        self.assertFalse(result.committed)
        self.assertEqual([c.code for c in result.changes], ["6810403", "5810401"])
        self.assertEqual(result.changes[0].district, "อำเภอคลองท่อม")
        self.assertNothingWritten()

    def test_it_reads_a_dataset_as_well_as_bytes(self):
        dataset = registry.registry_read(self.file(good_rows(), encoding="xlsx").read_bytes())
        self.assertEqual(dataset.height, 4)
        result = registry.registry_import(
            data=dataset, filename="x.xlsx", commit=True, by=self.department
        )
        self.assertEqual(result.created, 2)
        self.assertEqual(LAO.history.filter(history_user=self.department).count(), 2)
