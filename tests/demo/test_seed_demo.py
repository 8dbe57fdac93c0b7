import datetime
import re
from collections import defaultdict
from decimal import Decimal
from io import StringIO

from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count
from django.http import HttpRequest
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from accounts.models import Role, User
from demo.management.commands.seed_demo import Command
from demo.registry import CITY_MUNICIPALITIES, TYPE_DIGITS, registry_plan
from demo.users import DEMO_PASSWORD
from lgdata.thai import fiscal_year_of
from records.models import LAO, District, Field, Record, SectionEntry, Subdistrict, ValueChange
from records.rules import failing_rules
from records.schema import current_schema
from records.services import applicable_fields, completeness
from records.values import NOT_APPLICABLE, is_outlier

MUNICIPALITIES = (LAO.Type.CITY, LAO.Type.TOWN, LAO.Type.SUBDISTRICT)
# Hashing at full strength would make these tests slow without testing anything more.


def seed(*args: str) -> str:
    out = StringIO()
    with translation.override("en"):
        call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def writes(queries: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]


@override_settings(DEBUG=True)
class SeedPhetchabunTestCase(TestCase):
    """Province 67 with the demo users, seeded once for the class."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.output = seed("--provinces", "67")
        cls.laos = list(LAO.objects.in_province("67").select_related("office_subdistrict"))

    def of_type(self, lao_type: str) -> list[LAO]:
        return [lao for lao in self.laos if lao.type == lao_type]

    def test_it_makes_one_pao_named_after_the_province_in_the_capital_district(self):
        [pao] = self.of_type(LAO.Type.PAO)
        self.assertEqual(pao.name_th, "เพชรบูรณ์")
        self.assertEqual(pao.display_name, "อบจ.เพชรบูรณ์")
        self.assertEqual(pao.district_id, "6701")
        self.assertEqual(
            pao.subdistricts.count(), Subdistrict.objects.filter(district__province_id="67").count()
        )

    def test_every_district_seat_has_a_municipality(self):
        for district in District.objects.filter(province_id="67"):
            seat = district.subdistricts.order_by("code").first()
            with self.subTest(district=district.code):
                municipality = LAO.objects.get(type__in=MUNICIPALITIES, office_subdistrict=seat)
                self.assertEqual(municipality.district_id, district.code)
                self.assertIn(seat, municipality.subdistricts.all())

    def test_the_capital_municipality_is_a_town_named_after_the_province(self):
        town = LAO.objects.get(type=LAO.Type.TOWN, office_subdistrict_id="670101")
        self.assertEqual(town.display_name, "ทม.เพชรบูรณ์")

    def test_saos_carry_the_real_name_of_the_subdistrict_they_cover(self):
        saos = self.of_type(LAO.Type.SAO)
        self.assertTrue(saos)
        covered = dict(
            LAO.subdistricts.through.objects.filter(lao__in=saos).values_list(
                "lao_id", "subdistrict_id"
            )
        )
        for sao in saos:
            with self.subTest(sao=sao.code):
                self.assertEqual(sao.name_th, sao.office_subdistrict.name_th)
                self.assertEqual(sao.name_en, sao.office_subdistrict.name_en)
                self.assertEqual(sao.office_subdistrict.district_id, sao.district_id)
                self.assertEqual(covered[sao.pk], sao.office_subdistrict_id)

    def test_every_subdistrict_has_a_local_lao(self):
        uncovered = Subdistrict.objects.filter(district__province_id="67").exclude(
            laos__type__in=[*MUNICIPALITIES, LAO.Type.SAO]
        )
        self.assertFalse(uncovered.exists())

    def test_codes_are_seven_unique_digits_that_tell_type_and_district(self):
        codes = [lao.code for lao in self.laos]
        self.assertEqual(len(codes), len(set(codes)))
        for lao in self.laos:
            with self.subTest(code=lao.code):
                self.assertRegex(lao.code, r"^\d{7}$")
                self.assertEqual(lao.code[0], TYPE_DIGITS[lao.type])
                self.assertEqual(lao.code[1:5], lao.district_id)

    def test_the_office_address_and_figures_are_plausible(self):
        for lao in self.laos:
            with self.subTest(code=lao.code):
                self.assertRegex(lao.office_house_no, r"^\d{1,3}(/\d{1,2})?$")
                self.assertTrue(1 <= lao.office_moo <= 15)
                self.assertIn(lao.office_postcode, lao.office_subdistrict.postal_codes.split())
                self.assertTrue(5.6 <= lao.latitude <= 20.5 and 97.3 <= lao.longitude <= 105.7)
                self.assertIsNone(lao.active_from)
                if lao.website:
                    self.assertRegex(lao.website, r"^https://www\.[a-z0-9]+\.go\.th$")
        bounds = {
            LAO.Type.SAO: (30, 200),
            LAO.Type.SUBDISTRICT: (2, 40),
            LAO.Type.TOWN: (5, 60),
        }
        for lao in self.laos:
            if lao.type in bounds:
                low, high = bounds[lao.type]
                self.assertTrue(low <= lao.area_km2 <= high, lao.code)
        [pao] = self.of_type(LAO.Type.PAO)
        self.assertGreater(pao.area_km2, 5000)  # Phetchabun is 12,668 km²

    def test_the_proportions_are_those_of_a_province_without_a_city(self):
        counts = {t: len(self.of_type(t)) for t in LAO.Type.values}
        self.assertEqual(counts[LAO.Type.PAO], 1)
        self.assertEqual(counts[LAO.Type.CITY], 0)
        self.assertEqual(counts[LAO.Type.SPECIAL], 0)
        self.assertGreaterEqual(counts[LAO.Type.TOWN], 1)
        self.assertGreater(counts[LAO.Type.SAO], counts[LAO.Type.SUBDISTRICT])
        self.assertGreaterEqual(
            counts[LAO.Type.SUBDISTRICT] + counts[LAO.Type.TOWN],
            District.objects.filter(province_id="67").count(),
        )

    def test_it_writes_the_first_history_row_of_each_lao(self):
        self.assertEqual(LAO.history.filter(history_type="+").count(), len(self.laos))

    def test_a_rerun_writes_nothing(self):
        before = sorted(LAO.objects.values_list("code", "updated_at"))
        history = LAO.history.count()
        links = LAO.subdistricts.through.objects.count()
        with CaptureQueriesContext(connection) as queries:
            output = seed("--provinces", "67")
        self.assertEqual(writes(queries), [])
        self.assertEqual(sorted(LAO.objects.values_list("code", "updated_at")), before)
        self.assertEqual(LAO.history.count(), history)
        self.assertEqual(LAO.subdistricts.through.objects.count(), links)
        self.assertEqual(User.objects.count(), 7)
        self.assertRegex(output, rf"all types\s+0\s+0\s+{len(self.laos)}\s+{len(self.laos)}")
        self.assertIn("0 created, 0 updated, 7 unchanged", output)

    def test_a_rerun_puts_back_what_was_changed_and_keeps_it_in_the_history(self):
        lao = self.of_type(LAO.Type.SAO)[0]
        LAO.objects.filter(pk=lao.pk).update(name_th="แก้ไขแล้ว", website="")
        lao.subdistricts.clear()
        output = seed("--provinces", "67", "--no-users")
        lao.refresh_from_db()
        self.assertEqual(lao.name_th, lao.office_subdistrict.name_th)
        self.assertEqual(list(lao.subdistricts.all()), [lao.office_subdistrict])
        self.assertEqual(lao.history.filter(history_type="~").count(), 1)
        self.assertRegex(output, r"all types\s+0\s+1\s+")
        self.assertIn("1 links added, 0 removed", output)

    def test_the_demo_users_have_their_roles_and_scopes_and_log_in(self):
        first_sao = LAO.objects.filter(district_id="6701", type=LAO.Type.SAO).order_by("code")[0]
        first_town = LAO.objects.filter(district__province_id="67", type=LAO.Type.TOWN).order_by(
            "code"
        )[0]
        expected = {
            "clerk": (Role.CLERK, {"lao": first_sao}),
            "clerk-town": (Role.CLERK, {"lao": first_town}),
            "district": (Role.DISTRICT, {"district_id": "6701"}),
            "province": (Role.PROVINCE, {"province_id": "67"}),
            "department": (Role.DEPARTMENT, {}),
            "executive": (Role.EXECUTIVE, {}),
            "admin": (Role.ADMIN, {}),
        }
        self.assertEqual(User.objects.count(), len(expected))
        for username, (role, scope) in expected.items():
            with self.subTest(username=username):
                user = User.objects.get(username=username)
                self.assertEqual(user.role, role)
                for name, value in scope.items():
                    self.assertEqual(getattr(user, name), value)
                user.full_clean()  # the scope matches the role
                self.assertEqual(user.is_staff, role == Role.ADMIN)
                self.assertEqual(user.is_superuser, role == Role.ADMIN)
                self.assertTrue(user.email.endswith("@example.go.th"))
                self.assertTrue(re.match(r"^[\u0e00-\u0e7f]+$", user.first_name))
                # django-axes wants the request it guards.
                self.assertTrue(
                    self.client.login(
                        request=HttpRequest(), username=username, password=DEMO_PASSWORD
                    )
                )
                self.client.logout()

    def test_the_output_lists_the_demo_logins(self):
        self.assertIn("Demo logins", self.output)
        self.assertRegex(self.output, r"clerk\s+.+อบต\..+\s+demo-2555")
        self.assertRegex(self.output, r"province\s+.+เพชรบูรณ์\s+demo-2555")

    def test_a_rerun_resets_the_demo_users(self):
        clerk = User.objects.get(username="clerk")
        clerk.set_password("something-else-1")
        clerk.first_name = "อื่น"
        clerk.save()
        User.objects.filter(username="province").update(is_staff=True)
        output = seed("--provinces", "67")
        self.assertIn("0 created, 2 updated, 5 unchanged", output)
        clerk.refresh_from_db()
        self.assertTrue(clerk.check_password(DEMO_PASSWORD))
        self.assertEqual(clerk.first_name, "สมศรี")
        self.assertFalse(User.objects.get(username="province").is_staff)
        self.assertEqual(User.objects.count(), 7)


@override_settings(DEBUG=True)
class SeedDemoOptionsTestCase(TestCase):
    def assertNothingWritten(self) -> None:
        self.assertEqual(LAO.objects.count(), 0)
        self.assertEqual(User.objects.count(), 0)

    @override_settings(DEBUG=False)
    def test_with_debug_off_it_refuses_to_create_users_and_writes_nothing(self):
        with self.assertRaisesMessage(CommandError, "refusing to create demo users with DEBUG off"):
            seed("--provinces", "67")
        self.assertNothingWritten()

    @override_settings(DEBUG=False)
    def test_with_debug_off_no_users_seeds_the_registry_only(self):
        output = seed("--provinces", "81", "--no-users")
        self.assertTrue(LAO.objects.in_province("81").exists())
        self.assertFalse(LAO.objects.in_province("67").exists())
        self.assertEqual(User.objects.count(), 0)
        self.assertIn("skipped (--no-users)", output)

    def test_an_unknown_province_is_refused_and_nothing_is_written(self):
        with self.assertRaisesMessage(CommandError, "Unknown province code: 99"):
            seed("--provinces", "81,99")
        self.assertNothingWritten()

    def test_an_empty_province_list_is_refused(self):
        with self.assertRaisesMessage(CommandError, "at least one province code"):
            seed("--provinces", " , ")
        self.assertNothingWritten()

    def test_fill_must_be_a_fraction(self):
        for value in ("2", "-0.1", "abc", "nan"):
            with self.subTest(value=value), self.assertRaisesMessage(CommandError, "--fill"):
                seed("--provinces", "81", "--fill", value)
        self.assertNothingWritten()
        seed("--provinces", "81", "--no-users", "--fill", "๐.๕")
        self.assertTrue(LAO.objects.exists())

    def test_a_seed_must_be_a_whole_number(self):
        with self.assertRaisesMessage(CommandError, "--seed"):
            seed("--provinces", "81", "--seed", "x")

    def test_thai_digits_are_accepted(self):
        seed("--provinces", "๘๑", "--no-users", "--seed", "๒๕๕๕")
        self.assertEqual(set(LAO.objects.values_list("district__province_id", flat=True)), {"81"})

    def test_province_67_is_added_for_the_demo_clerk(self):
        output = seed("--provinces", "81")
        self.assertIn("Province 67 added", output)
        self.assertTrue(LAO.objects.in_province("67").exists())
        self.assertEqual(User.objects.get(username="clerk").lao.district_id, "6701")

    def test_bangkok_is_one_special_lao_covering_every_khwaeng(self):
        seed("--provinces", "10", "--no-users")
        [bma] = LAO.objects.all()
        self.assertEqual(
            (bma.type, bma.name_th, bma.district_id), (LAO.Type.SPECIAL, "กรุงเทพมหานคร", "1001")
        )
        self.assertEqual(bma.code, "1100101")
        self.assertEqual(
            bma.subdistricts.count(), Subdistrict.objects.filter(district__province_id="10").count()
        )

    def test_chon_buri_has_pattaya_and_nothing_else_in_its_subdistricts(self):
        seed("--provinces", "20", "--no-users")
        bang_lamung = District.objects.get(province_id="20", name_th="บางละมุง")
        pattaya = LAO.objects.get(type=LAO.Type.SPECIAL)
        self.assertEqual((pattaya.name_th, pattaya.district), ("เมืองพัทยา", bang_lamung))
        self.assertEqual(
            set(pattaya.subdistricts.values_list("name_th", flat=True)), {"หนองปรือ", "นาเกลือ"}
        )
        others = LAO.objects.filter(subdistricts__in=pattaya.subdistricts.all()).exclude(
            type__in=[LAO.Type.SPECIAL, LAO.Type.PAO]
        )
        self.assertFalse(others.exists())
        self.assertEqual(LAO.objects.filter(type=LAO.Type.PAO).get().name_th, "ชลบุรี")
        # Chon Buri's real city municipalities are both in Si Racha.
        self.assertEqual(
            set(LAO.objects.filter(type=LAO.Type.CITY).values_list("name_th", flat=True)),
            {"แหลมฉบัง", "เจ้าพระยาสุรศักดิ์"},
        )

    def test_a_province_on_the_city_list_has_its_city_municipality(self):
        seed("--provinces", "50,90", "--no-users")
        cities = LAO.objects.filter(type=LAO.Type.CITY)
        self.assertEqual({c.display_name for c in cities}, {"ทน.เชียงใหม่", "ทน.สงขลา", "ทน.หาดใหญ่"})
        self.assertFalse(
            LAO.objects.filter(
                type=LAO.Type.TOWN,
                district_id__in=["5001", "9001"],
                office_subdistrict__code__endswith="01",
            ).exists()
        )

    def test_the_same_seed_gives_the_same_plan_whatever_else_is_seeded(self):
        alone = {p.code: p.fields for p in registry_plan(province_codes=["81"], seed=7)}
        together = {
            p.code: p.fields
            for p in registry_plan(province_codes=["67", "81"], seed=7)
            if p.fields["district_id"].startswith("81")
        }
        self.assertEqual(alone, together)
        other_seed = {p.code: p.fields for p in registry_plan(province_codes=["81"], seed=8)}
        self.assertNotEqual(alone, other_seed)

    def test_the_whole_country_has_realistic_proportions(self):
        # Timings belong to benchmarks, not tests: see docs/benchmarks.md.
        seed("--no-users", "--fill", "0")
        counts = dict(LAO.objects.values_list("type").annotate(n=Count("id")))
        self.assertEqual(counts[LAO.Type.SPECIAL], 2)
        self.assertEqual(counts[LAO.Type.PAO], 76)
        self.assertEqual(counts[LAO.Type.CITY], len(CITY_MUNICIPALITIES))
        self.assertTrue(150 <= counts[LAO.Type.TOWN] <= 240, counts)
        self.assertTrue(2000 <= counts[LAO.Type.SUBDISTRICT] <= 2500, counts)
        self.assertTrue(5000 <= counts[LAO.Type.SAO] <= 5600, counts)
        self.assertTrue(7700 <= sum(counts.values()) <= 8000, counts)
        self.assertFalse(Subdistrict.objects.filter(laos__isnull=True).exists())


class SeedDemoHelpTestCase(TestCase):
    def test_the_help_says_what_fill_is_for(self):
        with translation.override("en"):
            text = " ".join(Command().create_parser("manage.py", "seed_demo").format_help().split())
        self.assertIn("Share of the required fields filled", text)
        self.assertIn("0 makes no sample records", text)
        self.assertIn("Seeded values have no history", text)
        self.assertIn("--no-users", text)


def fiscal_years() -> tuple[int, int]:
    current = fiscal_year_of(datetime.date.today())
    return current - 1, current


def check_value(test: TestCase, f: Field, value) -> None:
    """A stored value is what the section form would have stored for this field."""
    if value == NOT_APPLICABLE:
        return
    if f.is_numeric:
        test.assertIsInstance(value, str)
        number = Decimal(value)
        test.assertEqual(value, f"{number.normalize():f}")  # as records.services stores it
        if f.type == Field.Type.INTEGER:
            test.assertEqual(number, number.to_integral_value())
        test.assertGreaterEqual(number.as_tuple().exponent, -2)
        if f.min_value is not None:
            test.assertGreaterEqual(number, f.min_value)
        if f.max_value is not None:
            test.assertLessEqual(number, f.max_value)
    elif f.type == Field.Type.DATE:
        datetime.date.fromisoformat(value)
    elif f.type == Field.Type.BOOLEAN:
        test.assertIsInstance(value, bool)
    elif f.type == Field.Type.CHOICE:
        test.assertIn(value, [choice["value"] for choice in f.choices])
    else:
        test.assertTrue(isinstance(value, str) and value.strip())


@override_settings(DEBUG=True)
class SeedSampleRecordsTestCase(TestCase):
    """Province 67 with the demo users and sample records at --fill 0.6."""

    FILL = 0.6

    @classmethod
    def setUpTestData(cls) -> None:
        cls.output = seed("--provinces", "67", "--fill", str(cls.FILL))
        cls.schema = current_schema()
        cls.sections = list(cls.schema.sections.prefetch_related("fields", "rules"))
        cls.laos = {lao.pk: lao for lao in LAO.objects.in_province("67")}
        cls.records = {r.pk: r for r in Record.objects.all()}
        cls.entries = list(SectionEntry.objects.all())

    def records_of(self, fiscal_year: int) -> list[Record]:
        return [r for r in self.records.values() if r.fiscal_year == fiscal_year]

    def test_every_lao_has_a_record_for_this_year_and_the_last_with_every_section(self):
        previous, current = fiscal_years()
        years = defaultdict(set)
        for record in self.records.values():
            years[record.lao_id].add(record.fiscal_year)
            self.assertEqual(record.schema, self.schema)
        self.assertEqual(dict(years), {pk: {previous, current} for pk in self.laos})
        per_record = defaultdict(set)
        for entry in self.entries:
            per_record[entry.record_id].add(entry.section_id)
        self.assertEqual(set(per_record), set(self.records))
        for sections in per_record.values():
            self.assertEqual(sections, {s.pk for s in self.sections})
        self.assertRegex(self.output, rf"{previous}\s+{len(self.laos)}\s+0\s+\d+%")
        self.assertRegex(self.output, rf"{current}\s+{len(self.laos)}\s+0\s+\d+%")

    def test_values_are_valid_for_their_field_and_complete_sections_keep_the_rules(self):
        sections = {s.pk: s for s in self.sections}
        complete = 0
        whole_record: dict[int, dict] = defaultdict(dict)
        for entry in self.entries:
            lao = self.laos[self.records[entry.record_id].lao_id]
            section = sections[entry.section_id]
            fields = {f.code: f for f in applicable_fields(section, lao.type)}
            with self.subTest(lao=lao.code, section=section.code):
                self.assertLessEqual(set(entry.values), set(fields))  # only applicable fields
                for code, value in entry.values.items():
                    check_value(self, fields[code], value)
                self.assertTrue(entry.rules_pass)
                if entry.filled_count == entry.required_count:
                    complete += 1
                    self.assertEqual(failing_rules(list(section.rules.all()), entry.values), [])
            whole_record[entry.record_id].update(entry.values)
        self.assertGreater(complete, len(self.entries) // 2)
        # Rules that name another section's field hold across the whole record too.
        rules = list(self.schema.rules.all())
        for record_id, values in whole_record.items():
            record = self.records[record_id]
            if record.filled_count == record.required_count:
                self.assertEqual(failing_rules(rules, values), [], record)

    def test_the_stored_counts_are_what_the_services_compute(self):
        sections = {s.pk: s for s in self.sections}
        totals = defaultdict(lambda: [0, 0, None])
        for entry in self.entries:
            lao = self.laos[self.records[entry.record_id].lao_id]
            fields = applicable_fields(sections[entry.section_id], lao.type)
            self.assertEqual(
                (entry.required_count, entry.filled_count), completeness(fields, entry.values)
            )
            self.assertEqual(entry.version, 1 if entry.values else 0)
            self.assertEqual(entry.updated_at is not None, bool(entry.values))
            total = totals[entry.record_id]
            total[0] += entry.required_count
            total[1] += entry.filled_count
            if entry.updated_at and (total[2] is None or entry.updated_at > total[2]):
                total[2] = entry.updated_at
        for record in self.records.values():
            self.assertEqual(
                [record.required_count, record.filled_count, record.updated_at],
                totals[record.pk],
            )

    def test_this_years_share_of_filled_required_fields_is_about_the_fill(self):
        previous, current = fiscal_years()
        this_year = self.records_of(current)
        share = sum(r.filled_count for r in this_year) / sum(r.required_count for r in this_year)
        self.assertAlmostEqual(share, self.FILL, delta=0.08)
        states = {
            "not started"
            if r.filled_count == 0
            else "complete"
            if r.completeness == 1
            else "partly"
            for r in this_year
        }
        self.assertEqual(states, {"not started", "partly", "complete"})
        last_year = self.records_of(previous)
        done = sum(1 for r in last_year if r.filled_count == r.required_count)
        self.assertGreaterEqual(done / len(last_year), 0.85)

    def test_this_years_values_are_near_last_years_and_not_flagged(self):
        previous, current = fiscal_years()
        values = defaultdict(dict)
        for entry in self.entries:
            record = self.records[entry.record_id]
            values[record.lao_id, record.fiscal_year].update(entry.values)
        numeric = {f.code for s in self.sections for f in s.fields.all() if f.is_numeric}
        compared = 0
        for lao_id in self.laos:
            before, after = values[lao_id, previous], values[lao_id, current]
            for code in numeric & before.keys() & after.keys():
                if NOT_APPLICABLE in (before[code], after[code]):
                    continue
                old, new = Decimal(before[code]), Decimal(after[code])
                compared += 1
                self.assertFalse(is_outlier(old, new), (code, old, new))
                if old >= 100:
                    self.assertLessEqual(abs(new - old) / old, Decimal("0.1"), (code, old, new))
        self.assertGreater(compared, 1000)

    def test_the_demo_clerks_saved_their_laos_and_still_have_work_this_year(self):
        previous, current = fiscal_years()
        clerks = User.objects.filter(username__in=["clerk", "clerk-town"])
        self.assertEqual(len(clerks), 2)
        for clerk in clerks:
            with self.subTest(clerk=clerk.username):
                mine = Record.objects.get(lao=clerk.lao, fiscal_year=current)
                self.assertEqual(mine.updated_by, clerk)
                self.assertTrue(0 < mine.filled_count < mine.required_count)
                self.assertEqual(
                    Record.objects.get(lao=clerk.lao, fiscal_year=previous).updated_by, clerk
                )
        laos = [clerk.lao_id for clerk in clerks]
        others = Record.objects.exclude(lao__in=laos)
        self.assertFalse(others.filter(updated_by__isnull=False).exists())
        self.assertFalse(
            SectionEntry.objects.filter(updated_by__isnull=False)
            .exclude(record__lao__in=laos)
            .exists()
        )

    def test_saves_are_spread_over_the_last_weeks(self):
        previous, current = fiscal_years()
        now = datetime.datetime.now(datetime.UTC)
        years = {r.pk: r.fiscal_year for r in self.records.values()}
        saved = [e.updated_at for e in self.entries if years[e.record_id] == current and e.values]
        self.assertTrue(all(now - datetime.timedelta(weeks=7) < t <= now for t in saved))
        self.assertGreater(max(saved) - min(saved), datetime.timedelta(weeks=4))
        last_year = [r.updated_at for r in self.records_of(previous) if r.updated_at]
        self.assertTrue(all(t < now - datetime.timedelta(weeks=50) for t in last_year))

    def test_seeded_values_have_no_history(self):
        self.assertEqual(ValueChange.objects.count(), 0)

    def test_a_rerun_changes_no_record(self):
        before = sorted(Record.objects.values_list("pk", "updated_at", "filled_count"))
        entries = sorted(SectionEntry.objects.values_list("pk", "version", "values"))
        with CaptureQueriesContext(connection) as queries:
            output = seed("--provinces", "67", "--fill", str(self.FILL))
        self.assertEqual(writes(queries), [])
        self.assertEqual(
            sorted(Record.objects.values_list("pk", "updated_at", "filled_count")), before
        )
        self.assertEqual(
            sorted(SectionEntry.objects.values_list("pk", "version", "values")), entries
        )
        previous, current = fiscal_years()
        self.assertRegex(output, rf"{current}\s+0\s+{len(self.laos)}\s+-")

    def test_the_same_seed_draws_the_same_values_and_another_seed_others(self):
        def snapshot() -> dict:
            return {
                (e.record.lao.code, e.record.fiscal_year, e.section.code): e.values
                for e in SectionEntry.objects.select_related("record__lao", "section")
            }

        first = snapshot()
        Record.objects.all().delete()
        seed("--provinces", "67", "--fill", str(self.FILL))
        self.assertEqual(snapshot(), first)
        Record.objects.all().delete()
        seed("--provinces", "67", "--fill", str(self.FILL), "--seed", "7")
        self.assertNotEqual(snapshot(), first)

    def test_a_lao_with_a_record_already_keeps_it_and_the_others_get_theirs(self):
        previous, current = fiscal_years()
        lao = next(iter(self.laos.values()))
        Record.objects.exclude(lao=lao).delete()
        kept = sorted(SectionEntry.objects.values_list("pk", "values"))
        output = seed("--provinces", "67", "--fill", str(self.FILL), "--no-users")
        self.assertEqual(
            sorted(SectionEntry.objects.filter(record__lao=lao).values_list("pk", "values")), kept
        )
        self.assertEqual(Record.objects.count(), 2 * len(self.laos))
        self.assertRegex(output, rf"{current}\s+{len(self.laos) - 1}\s+1\s+")


@override_settings(DEBUG=True)
class SeedFillOptionTestCase(TestCase):
    def test_fill_0_makes_no_records_and_a_later_run_makes_them(self):
        output = seed("--provinces", "81", "--no-users", "--fill", "0")
        self.assertTrue(LAO.objects.exists())
        self.assertFalse(Record.objects.exists())
        self.assertIn("Sample records: none (--fill 0).", output)
        seed("--provinces", "81", "--no-users")
        self.assertEqual(Record.objects.count(), 2 * LAO.objects.count())

    def test_fill_1_completes_every_record_of_both_years(self):
        seed("--provinces", "81", "--no-users", "--fill", "1")
        self.assertEqual(Record.objects.count(), 2 * LAO.objects.count())
        for record in Record.objects.all():
            self.assertEqual(record.filled_count, record.required_count, record)
        self.assertFalse(SectionEntry.objects.filter(rules_pass=False).exists())

    def test_other_laos_in_a_seeded_province_get_no_sample_record(self):
        imported = LAO.objects.create(
            code="6810199", type=LAO.Type.SAO, name_th="นำเข้า", district_id="8101"
        )
        seed("--provinces", "81", "--no-users")
        self.assertFalse(Record.objects.filter(lao=imported).exists())
        self.assertTrue(Record.objects.exists())
