import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from records.models import LAO, Record
from tests.api.helpers import APITestCase, FilledAPITestCase, owed
from tests.base import on
from tests.factories import make_lao

TODAY = datetime.date(2025, 3, 1)  # fiscal year 2568


class LAOListTestCase(FilledAPITestCase):
    def results(self, persona: str, path: str) -> list[dict]:
        with on(TODAY):
            response = self.as_(persona, path)
        self.assertEqual(response.status_code, 200, response.content)
        return response.json()["results"]

    def test_it_lists_a_provinces_laos_with_their_completeness_from_the_database(self):
        with on(TODAY):
            response = self.as_("province_officer", "/api/v1/laos/")
        body = response.json()
        codes = sorted(
            LAO.objects.filter(district__province_id="67").values_list("code", flat=True)
        )
        self.assertEqual([r["code"] for r in body["results"]], codes)
        self.assertEqual(body["count"], 3)
        self.assertIsNone(body["next"])

        record = Record.objects.get(lao=self.lao_a, fiscal_year=2568)
        row = next(r for r in body["results"] if r["code"] == self.lao_a.code)
        self.assertEqual(
            row["completeness"],
            {
                "fiscal_year": 2568,
                "required": record.required_count,
                "filled": record.filled_count,
                "completeness": round(record.filled_count / record.required_count, 4),
                "has_record": True,
                "record_updated_at": record.updated_at.astimezone(
                    datetime.timezone(datetime.timedelta(hours=7))
                ).isoformat(),
            },
        )
        self.assertEqual(record.filled_count, 8)
        self.assertEqual(row["type"], "sao")
        self.assertEqual(row["type_th"], "อบต.")
        self.assertEqual(row["display_name"], "อบต.นาป่า")
        self.assertEqual(
            row["district"],
            {"code": "6701", "name_th": "เมืองเพชรบูรณ์", "name_en": "Mueang Phetchabun"},
        )
        self.assertEqual(row["province"]["code"], "67")
        self.assertTrue(row["active"])

        without = next(r for r in body["results"] if r["code"] == self.lao_b.code)
        self.assertEqual(without["completeness"]["filled"], 0)
        self.assertFalse(without["completeness"]["has_record"])
        self.assertEqual(without["completeness"]["required"], owed(self.lao_b))

    def test_a_token_sees_only_its_users_scope(self):
        self.assertEqual(
            [r["code"] for r in self.results("other_province_officer", "/api/v1/laos/")],
            [self.lao_krabi.code],
        )
        self.assertEqual(
            [r["code"] for r in self.results("clerk_a", "/api/v1/laos/")], [self.lao_a.code]
        )
        self.assertEqual(len(self.results("district_officer", "/api/v1/laos/")), 2)
        self.assertEqual(len(self.results("executive", "/api/v1/laos/")), 4)
        # Asking for another province by filter finds nothing rather than leaking it.
        self.assertEqual(self.results("other_province_officer", "/api/v1/laos/?province=67"), [])

    def test_it_filters_by_province_district_type_and_activity(self):
        gone = make_lao("6701", name="ยุบแล้ว", active_until=datetime.date(2020, 1, 1))
        codes = lambda path: [r["code"] for r in self.results("department", path)]  # noqa: E731
        self.assertEqual(codes("/api/v1/laos/?province=81"), [self.lao_krabi.code])
        self.assertEqual(codes("/api/v1/laos/?district=6702"), [self.lao_c.code])
        self.assertEqual(codes("/api/v1/laos/?type=subdistrict"), [self.lao_b.code])
        self.assertNotIn(gone.code, codes("/api/v1/laos/"))
        self.assertEqual(codes("/api/v1/laos/?active=false"), [gone.code])
        self.assertEqual(len(codes("/api/v1/laos/?active=all")), 5)
        inactive = self.results("department", "/api/v1/laos/?active=false")[0]
        self.assertFalse(inactive["active"])
        self.assertEqual(inactive["active_until"], "2020-01-01")

    def test_the_year_chooses_whose_completeness_is_shown(self):
        row = self.results("clerk_a", "/api/v1/laos/?year=2567")[0]
        self.assertEqual(row["completeness"]["fiscal_year"], 2567)
        self.assertFalse(row["completeness"]["has_record"])
        row = self.results("clerk_a", "/api/v1/laos/")[0]
        self.assertEqual(row["completeness"]["fiscal_year"], 2568)  # the current one by default
        self.assertTrue(row["completeness"]["has_record"])

    def test_bad_parameters_are_refused_with_the_parameter_named(self):
        cases = {
            "?province=6": "province",
            "?district=67": "district",
            "?type=village": "type",
            "?active=maybe": "active",
            "?year=2024": "year",
            "?year=abc": "year",
            "?page_size=0": "page_size",
            "?page_size=501": "page_size",
            "?after=x": "after",
            "?provice=67": "provice",
        }
        for query, name in cases.items():
            with self.subTest(query):
                response = self.as_("department", "/api/v1/laos/" + query)
                self.assertEqual(response.status_code, 400)
                body = response.json()
                self.assertEqual(body["code"], "invalid_parameter")
                self.assertIn(name, body["parameters"])
                self.assertTrue(body["message"].startswith(name + ":"))

    def test_a_bce_year_gets_a_message_that_says_buddhist_era(self):
        response = self.as_("department", "/api/v1/laos/?year=2025", HTTP_ACCEPT_LANGUAGE="en")
        self.assertIn("Buddhist-Era", response.json()["message"])


class LAOPaginationTestCase(APITestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        for n in range(7):
            make_lao("6703", code=f"60703{n * 10 + 10:02d}", name=f"หน้า{n}")

    def walk(self, path: str, between=None) -> list[str]:
        codes, url, pages = [], path, 0
        while url:
            response = self.as_("department", url)
            self.assertEqual(response.status_code, 200, response.content)
            body = response.json()
            codes += [r["code"] for r in body["results"]]
            url = body["next"]
            pages += 1
            if between and pages == 1:
                between()
        return codes

    def test_pages_follow_the_code_order_to_the_end(self):
        codes = self.walk("/api/v1/laos/?district=6703&page_size=3")
        self.assertEqual(
            codes, sorted(LAO.objects.filter(district_id="6703").values_list("code", flat=True))
        )
        self.assertEqual(len(codes), 7)

    def test_pages_are_stable_while_laos_are_added_and_removed(self):
        before = sorted(LAO.objects.filter(district_id="6703").values_list("code", flat=True))

        def change():
            make_lao("6703", code="6070301", name="ใหม่ก่อน")  # sorts before the cursor
            make_lao("6703", code="6070399", name="ใหม่หลัง")  # sorts after it
            LAO.objects.filter(code=before[0]).delete()  # already seen

        codes = self.walk("/api/v1/laos/?district=6703&page_size=3", between=change)
        self.assertEqual(len(codes), len(set(codes)), "no LAO twice")
        self.assertTrue(set(before) <= set(codes), "no LAO that existed throughout is skipped")
        self.assertNotIn("6070301", codes)
        self.assertIn("6070399", codes)

    def test_the_query_count_does_not_grow_with_the_page_size(self):
        counts = {}
        self.as_("department", "/api/v1/laos/")  # records the token's use (a write) once
        for size in (2, 7):
            with CaptureQueriesContext(connection) as queries:
                response = self.as_("department", f"/api/v1/laos/?district=6703&page_size={size}")
            self.assertEqual(len(response.json()["results"]), size)
            counts[size] = len(queries)
        self.assertEqual(counts[2], counts[7])
        # The token, the ETag's aggregate, the page, the schema's required fields.
        self.assertEqual(counts[7], 4)
