import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from records.models import LAO
from tests.api import scenario
from tests.api.helpers import APITestCase
from tests.base import on
from tests.factories import POPULATION, fill_section, make_lao

PATHS = (
    "/api/v1/laos/?province=67",
    "/api/v1/laos/{lao}/",
    "/api/v1/completeness/?level=district&parent=67",
    "/api/v1/circulars/",
)


class ConditionalGetTestCase(APITestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        scenario.build(cls)

    def get(self, path: str, persona: str = "province_officer", day=scenario.TODAY, **headers):
        with on(day):
            return self.as_(persona, path.format(lao=self.lao_b.code), **headers)

    def test_an_unchanged_answer_is_an_empty_304_for_if_none_match(self):
        for path in PATHS:
            with self.subTest(path):
                first = self.get(path)
                self.assertEqual(first.status_code, 200)
                self.assertTrue(first["ETag"].startswith('"'))
                self.assertIn("Last-Modified", first)
                self.assertEqual(first["Cache-Control"], "private, no-cache")
                again = self.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
                self.assertEqual(again.status_code, 304)
                self.assertEqual(again.content, b"")
                self.assertEqual(again["ETag"], first["ETag"])

    def test_a_304_costs_the_token_and_one_aggregate_only(self):
        path = "/api/v1/laos/?province=67"
        etag = self.get(path)["ETag"]
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(self.get(path, HTTP_IF_NONE_MATCH=etag).status_code, 304)
        self.assertEqual(len(queries), 2)

    def test_a_change_gives_a_new_etag_and_a_200(self):
        etags = {path: self.get(path)["ETag"] for path in PATHS}
        with on(scenario.TODAY):
            fill_section(self.lao_b, 2568, "population", self.clerk_a, POPULATION)
        for path in PATHS[:3]:
            with self.subTest(path):
                response = self.get(path, HTTP_IF_NONE_MATCH=etags[path])
                self.assertEqual(response.status_code, 200)
                self.assertNotEqual(response["ETag"], etags[path])

    def test_registry_changes_and_new_laos_change_the_list(self):
        path = "/api/v1/laos/?province=67"
        etag = self.get(path)["ETag"]
        LAO.objects.filter(pk=self.lao_c.pk).update(name_th="ชนแดนใหม่")  # no auto_now here
        self.lao_c.save()
        changed = self.get(path, HTTP_IF_NONE_MATCH=etag)
        self.assertEqual(changed.status_code, 200)
        make_lao("6703")
        self.assertEqual(self.get(path, HTTP_IF_NONE_MATCH=changed["ETag"]).status_code, 200)

    def test_if_modified_since_gives_a_304_until_something_changes(self):
        path = "/api/v1/laos/{lao}/"
        first = self.get(path)
        since = first["Last-Modified"]
        self.assertEqual(self.get(path, HTTP_IF_MODIFIED_SINCE=since).status_code, 304)
        later = datetime.date(2025, 3, 2)
        with on(later):
            fill_section(self.lao_b, 2568, "population", self.clerk_a, POPULATION)
        self.assertEqual(self.get(path, day=later, HTTP_IF_MODIFIED_SINCE=since).status_code, 200)

    def test_etags_differ_between_scopes_and_days(self):
        path = "/api/v1/completeness/?level=province"
        self.assertNotEqual(self.get(path)["ETag"], self.get(path, "department")["ETag"])
        etag = self.get(path)["ETag"]
        response = self.get(path, day=datetime.date(2025, 3, 2), HTTP_IF_NONE_MATCH=etag)
        self.assertEqual(response.status_code, 200)

    def test_a_round_move_changes_the_circulars(self):
        from deadlines.models import RoundLAO
        from deadlines.services import round_approve

        etag = self.get("/api/v1/circulars/")["ETag"]
        participant = RoundLAO.objects.select_related("round", "lao__district").get(
            round=self.round, lao=self.lao_a
        )
        with on(scenario.TODAY):
            round_approve(participant=participant, by=self.district_officer)
        response = self.get("/api/v1/circulars/", HTTP_IF_NONE_MATCH=etag)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["results"][0]["round"]["status_counts"]["approved"], 1)
