"""/api/v1/changes/: records saved since a time, walked with a cursor that stays complete and
stable while clerks keep saving."""

import datetime
from urllib.parse import quote

from tests.api.helpers import APITestCase
from tests.base import at, on
from tests.factories import POPULATION, fill_section, make_lao

DAY = datetime.date(2025, 1, 10)


def day(n: int) -> datetime.date:
    return DAY + datetime.timedelta(days=n)


class ChangesAPITestCase(APITestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.more = [make_lao("6701", name=f"เพิ่ม{n}") for n in range(4)]
        cls.saved = {}
        for n, lao in enumerate([cls.lao_a, cls.lao_b, cls.lao_c, cls.lao_krabi, *cls.more]):
            with on(day(n)):
                fill_section(lao, 2568, "population", cls.clerk_a, POPULATION)
            cls.saved[lao.code] = day(n)

    def in_order(self) -> list[str]:
        return [
            lao.code for lao in [self.lao_a, self.lao_b, self.lao_c, self.lao_krabi, *self.more]
        ]

    def changes(self, query: str, persona: str = "department", when=None):
        with on(when or day(30)):
            return self.as_(persona, f"/api/v1/changes/?{query}")

    def walk(self, query: str, persona="department", page_size=3, between=None):
        """Every page from ``query`` to the end; ``between`` runs after the first page."""
        seen, response = [], self.changes(f"{query}&page_size={page_size}", persona)
        while True:
            self.assertEqual(response.status_code, 200, response.content)
            data = response.json()
            seen += [r["lao"] for r in data["results"]]
            if between:
                between()
                between = None
            if not data["next"]:
                return seen, data["cursor"]
            response = self.changes(f"after={data['cursor']}&page_size={page_size}", persona)

    def test_everything_since_a_time_in_the_order_it_was_saved(self):
        response = self.changes(f"since={quote(at(day(2)).isoformat())}")
        data = response.json()
        codes = [r["lao"] for r in data["results"]]
        expected = [lao.code for lao in [self.lao_c, self.lao_krabi, *self.more]]
        self.assertEqual(codes, expected)
        first = data["results"][0]
        self.assertEqual(first["fiscal_year"], 2568)
        self.assertTrue(first["url"].endswith(f"/api/v1/laos/{self.lao_c.code}/?year=2568"))

    def test_the_pages_are_complete_and_then_only_what_changed_since(self):
        seen, cursor = self.walk("year=2568")
        self.assertEqual(
            seen,
            [lao.code for lao in [self.lao_a, self.lao_b, self.lao_c, self.lao_krabi, *self.more]],
        )
        with on(day(31)):
            fill_section(self.lao_b, 2568, "population", self.clerk_a, {"population_total": "26"})
        response = self.changes(f"after={cursor}", when=day(32))
        self.assertEqual([r["lao"] for r in response.json()["results"]], [self.lao_b.code])
        nothing = self.changes(f"after={response.json()['cursor']}", when=day(33))
        self.assertEqual(nothing.json()["results"], [])
        self.assertEqual(nothing.json()["cursor"], response.json()["cursor"])

    def test_saves_during_the_walk_are_neither_lost_nor_reordered(self):
        newcomer = make_lao("6702", name="ใหม่")

        def saves():
            with on(day(20)):
                fill_section(
                    self.lao_a, 2568, "population", self.clerk_a, {"population_total": "2700"}
                )
                fill_section(newcomer, 2568, "population", self.clerk_a, POPULATION)

        seen, _cursor = self.walk("year=2568", between=saves)
        before = [
            lao.code for lao in [self.lao_a, self.lao_b, self.lao_c, self.lao_krabi, *self.more]
        ]
        # Every record saved before the walk, once in its place; the two saved during it after.
        self.assertEqual(seen[: len(before)], before)
        self.assertEqual(seen[len(before) :], [self.lao_a.code, newcomer.code])

    def test_a_save_in_the_last_seconds_waits_for_the_next_call(self):
        moment = at(day(40))
        with on(day(40)):
            fill_section(self.lao_a, 2568, "population", self.clerk_a, {"population_total": "2800"})
            response = self.as_("department", f"/api/v1/changes/?since={quote(moment.isoformat())}")
        self.assertEqual(response.json()["results"], [])

    def test_only_records_in_the_scope(self):
        data = self.changes("year=2568", persona="district_officer").json()
        codes = {r["lao"] for r in data["results"]}
        self.assertEqual(
            codes, {self.lao_a.code, self.lao_b.code, *(lao.code for lao in self.more)}
        )

    def test_bad_parameters(self):
        for query, parameter in (
            ("since=yesterday", "since"),
            ("after=not-a-cursor-at-all", "after"),
            (f"since={quote(at(DAY).isoformat())}&after=QUJDREVGR0g=", "after"),
            ("page_size=0", "page_size"),
        ):
            with self.subTest(query):
                response = self.changes(query)
                self.assertEqual(response.status_code, 400)
                self.assertIn(parameter, response.json()["parameters"])

    def test_an_unchanged_feed_answers_304(self):
        first = self.changes("year=2568")
        with on(day(30)):
            again = self.as_(
                "department", "/api/v1/changes/?year=2568", HTTP_IF_NONE_MATCH=first["ETag"]
            )
        self.assertEqual(again.status_code, 304)
