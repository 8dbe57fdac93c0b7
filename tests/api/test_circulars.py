from tests.api import scenario
from tests.api.helpers import APITestCase
from tests.base import on


class CircularListTestCase(APITestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        scenario.build(cls)

    def get(self, persona: str, query: str = ""):
        with on(scenario.TODAY):
            response = self.as_(persona, "/api/v1/circulars/" + query)
        self.assertEqual(response.status_code, 200, response.content)
        return response.json()

    def test_a_department_circular_carries_its_round_and_status_counts(self):
        body = self.get("department")
        self.assertEqual(body["count"], 3)
        circular = body["results"][0]
        department = self.round.circular
        self.assertEqual(circular["id"], department.pk)
        self.assertEqual(circular["level"], "department")
        self.assertEqual(circular["reference"], "มท ๐๘๐๖/ว ๓๑๓๗")
        self.assertEqual(circular["date"], "2024-11-19")
        self.assertEqual(circular["deadline"], "2024-12-30")
        self.assertEqual(circular["addressees"], department.addressees)
        self.assertIsNone(circular["forwards"])
        round_ = circular["round"]
        self.assertEqual(round_["fiscal_year"], 2568)
        self.assertEqual(round_["section_codes"], ["population"])
        self.assertEqual(round_["deadline"], "2024-12-30")
        self.assertTrue(round_["overdue"])
        self.assertEqual(
            round_["status_counts"],
            scenario.counts(submitted_on_time=1, submitted_late=1, overdue=2),
        )
        self.assertEqual(
            [(p["code"], p["status_counts"]) for p in round_["provinces"]],
            [
                ("67", scenario.counts(submitted_on_time=1, overdue=2)),
                ("81", scenario.counts(submitted_late=1)),
            ],
        )
        letter = body["results"][1]
        self.assertEqual(letter["forwards"], department.pk)
        self.assertEqual(letter["province"], "67")
        self.assertIsNone(letter["round"])

    def test_counts_and_letters_stay_within_the_scope(self):
        body = self.get("other_province_officer")
        self.assertEqual(
            [c["id"] for c in body["results"]],
            [self.round.circular_id, self.district_letter.pk],
        )
        round_ = body["results"][0]["round"]
        self.assertEqual(round_["status_counts"], scenario.counts(submitted_late=1))
        self.assertEqual([p["code"] for p in round_["provinces"]], ["81"])
        clerk = self.get("clerk_a")
        self.assertEqual(
            clerk["results"][0]["round"]["status_counts"], scenario.counts(submitted_on_time=1)
        )

    def test_filters_and_pages(self):
        self.assertEqual(
            [c["id"] for c in self.get("department", "?level=province")["results"]],
            [self.province_letter.pk],
        )
        self.assertEqual(self.get("department", "?year=2567")["results"], [])
        first = self.get("department", "?page_size=2")
        self.assertEqual(len(first["results"]), 2)
        with on(scenario.TODAY):
            second = self.as_("department", first["next"]).json()
        self.assertEqual([c["id"] for c in second["results"]], [self.district_letter.pk])
