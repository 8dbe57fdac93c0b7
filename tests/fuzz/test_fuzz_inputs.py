"""Fuzzing what people type and send: no input gives a 500 or writes half, and every refusal
has a message. Hypothesis draws the inputs; max_examples stay modest (the whole fuzz set runs
in well under a minute)."""

import string
import unittest

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from deadlines.parsing import CircularError, parse_circular
from records import values
from records.models import Field, SectionEntry
from records.services import record_get_or_create
from tests.api import scenario
from tests.api.helpers import APITestCase, on
from tests.base import PersonasTestCase

FAST = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
REQUESTS = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))

THAI = "".join(chr(c) for c in range(0x0E01, 0x0E5C))
TYPED = st.text(
    alphabet=st.sampled_from(
        string.digits + THAI[:20] + "๐๑๒๓๔๕๖๗๘๙" + ",./- eE+NAna\u200b\u200f\u00a0\x00\t"
    ),
    max_size=40,
)
ANY_TEXT = st.one_of(TYPED, st.text(max_size=200))


def field(kind: str, **bounds) -> Field:
    return Field(code="f", type=kind, label_th="ช่อง", label_en="field", **bounds)


FIELDS = [
    field(Field.Type.INTEGER, min_value=0, max_value=10**9),
    field(Field.Type.INTEGER),
    field(Field.Type.DECIMAL, min_value=-100),
    field(Field.Type.DATE),
    field(Field.Type.BOOLEAN),
    field(Field.Type.TEXT),
]


class ValuesFuzzTestCase(unittest.TestCase):
    @FAST
    @given(text=ANY_TEXT)
    @example(text="1e9999999")  # once a 500: formatting a billion digits overflowed
    @example(text="9" * 2000)
    @example(text="9" * 30)  # once stored rounded to 10^30: past the context's 28 digits
    @example(text=",")  # once an AttributeError: separators alone parsed to no number
    def test_typed_values_are_stored_or_refused_with_a_message(self, text):
        for f in FIELDS:
            try:
                stored = values.cell_to_stored(f, text)
            except values.InvalidValue as refused:
                self.assertTrue(str(refused))
                continue
            # What is stored shows and reads back the same.
            values.show_value(stored, f)
            self.assertEqual(
                values.cell_to_stored(f, stored if stored is not True else "yes"), stored
            )


class SectionFormFuzzTestCase(HypothesisTestCase, PersonasTestCase):
    URL = "/lao/{code}/2568/population/"

    @REQUESTS
    @given(total=ANY_TEXT, as_of=ANY_TEXT, male=TYPED)
    def test_a_post_saves_all_or_nothing_and_never_fails(self, total, as_of, male):
        self.login(self.clerk_a)
        record = record_get_or_create(lao=self.lao_a, fiscal_year=2568)
        entry = SectionEntry.objects.get(record=record, section__code="population")
        data = {"version": 0, "population_total": total, "population_as_of": as_of}
        data["population_male"] = male
        response = self.client.post(self.URL.format(code=self.lao_a.code), data)
        self.assertIn(response.status_code, (200, 302))
        entry.refresh_from_db()
        if response.status_code == 200:
            # Refused: a message beside a field, and nothing written.
            self.assertTrue(response.context["form"].errors)
            self.assertEqual((entry.version, entry.values), (0, {}))
        else:
            self.assertEqual(entry.version, 1)


CIRCULAR_PARTS = st.sampled_from(
    [
        "ที่ มท ๐๘๐๖/ว ๓๑๓๗",
        "ที่ ",
        "๑๙ พฤศจิกายน ๒๕๕๕",
        "๑ ธ. ค. ๖๘",
        "เรื่อง ",
        "เรียน ",
        "อ้างถึง ",
        "สิ่งที่ส่งมาด้วย",
        "ภายใน",
        "ให้แล้วเสร็จ",
        "จึงเรียนมา",
        "ขอแสดงความนับถือ",
        "(นายสมชาย ใจดี)",
        "รับที่ ๑๒๓ เวลา ๑๐.๓๐ น.",
        "\n",
        "  ",
        "/",
        "(",
        "\u200b",
        "\u200f",
    ]
)
LETTERS = st.one_of(
    st.lists(st.one_of(CIRCULAR_PARTS, st.text(max_size=20)), max_size=60).map("".join),
    st.text(max_size=2000),
)


class CircularFuzzTestCase(unittest.TestCase):
    @FAST
    @given(text=LETTERS)
    def test_the_reader_reads_or_refuses_with_a_message(self, text):
        try:
            parsed = parse_circular(text)
        except CircularError as refused:
            self.assertTrue(str(refused))
            return
        parsed.to_json_dict()


class CircularPageFuzzTestCase(HypothesisTestCase, PersonasTestCase):
    @REQUESTS
    @given(text=LETTERS)
    def test_the_new_circular_page_never_fails(self, text):
        self.login(self.department)
        response = self.client.post("/circulars/new/", {"step": "read", "text": text})
        self.assertEqual(response.status_code, 200)


PARAMETER_VALUES = st.one_of(
    st.sampled_from(["province", "district", "lao", "67", "6701", "1", "0", "-1", "", "x" * 300]),
    st.text(max_size=30),
)
QUERIES = st.dictionaries(
    st.sampled_from(["level", "parent", "year", "approved", "page", "page_size", "cursor", "x"]),
    PARAMETER_VALUES,
    max_size=5,
)


class APIQueryFuzzTestCase(HypothesisTestCase, APITestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        scenario.build(cls)

    def check(self, path: str, query: dict) -> None:
        with on(scenario.TODAY):
            response = self.client.get(
                path, query, HTTP_AUTHORIZATION=f"Bearer {self.tokens['province_officer']}"
            )
        self.assertLess(response.status_code, 500)
        if response.status_code >= 400 and response.status_code != 429:
            self.assertTrue(response.json()["message"])

    @REQUESTS
    @given(query=QUERIES)
    def test_completeness_answers_or_names_the_bad_parameter(self, query):
        self.check("/api/v1/completeness/", query)

    @REQUESTS
    @given(query=QUERIES, code=st.sampled_from(["population", "nothing", "ก"]))
    def test_indicator_values_answer_or_name_the_bad_parameter(self, query, code):
        self.check(f"/api/v1/indicators/{code}/values/", query)
