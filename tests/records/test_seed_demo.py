import re
import time
from io import StringIO

from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count
from django.http import HttpRequest
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from accounts.models import Role, User
from records.demo import CITY_MUNICIPALITIES, DEMO_PASSWORD, TYPE_DIGITS, registry_plan
from records.management.commands.seed_demo import Command
from records.models import LAO, District, Subdistrict

MUNICIPALITIES = (LAO.Type.CITY, LAO.Type.TOWN, LAO.Type.SUBDISTRICT)
# Hashing at full strength would make these tests slow without testing anything more.
FAST_HASHING = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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


@override_settings(DEBUG=True, PASSWORD_HASHERS=FAST_HASHING)
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
        self.assertEqual(User.objects.count(), 6)
        self.assertRegex(output, rf"all types\s+0\s+0\s+{len(self.laos)}\s+{len(self.laos)}")
        self.assertIn("0 created, 0 updated, 6 unchanged", output)

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
        expected = {
            "clerk": (Role.CLERK, {"lao": first_sao}),
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
        self.assertIn("0 created, 2 updated, 4 unchanged", output)
        clerk.refresh_from_db()
        self.assertTrue(clerk.check_password(DEMO_PASSWORD))
        self.assertEqual(clerk.first_name, "สมศรี")
        self.assertFalse(User.objects.get(username="province").is_staff)
        self.assertEqual(User.objects.count(), 6)


@override_settings(DEBUG=True, PASSWORD_HASHERS=FAST_HASHING)
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
        started = time.monotonic()
        seed("--no-users")
        seconds = time.monotonic() - started
        counts = dict(LAO.objects.values_list("type").annotate(n=Count("id")))
        self.assertEqual(counts[LAO.Type.SPECIAL], 2)
        self.assertEqual(counts[LAO.Type.PAO], 76)
        self.assertEqual(counts[LAO.Type.CITY], len(CITY_MUNICIPALITIES))
        self.assertTrue(150 <= counts[LAO.Type.TOWN] <= 240, counts)
        self.assertTrue(2000 <= counts[LAO.Type.SUBDISTRICT] <= 2500, counts)
        self.assertTrue(5000 <= counts[LAO.Type.SAO] <= 5600, counts)
        self.assertTrue(7700 <= sum(counts.values()) <= 8000, counts)
        self.assertFalse(Subdistrict.objects.filter(laos__isnull=True).exists())
        self.assertLess(seconds, 20)


class SeedDemoHelpTestCase(TestCase):
    def test_the_help_says_what_fill_is_for(self):
        with translation.override("en"):
            text = Command().create_parser("manage.py", "seed_demo").format_help()
        self.assertIn("used once records exist", text)
        self.assertIn("--no-users", text)
