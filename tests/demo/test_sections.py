import random

from django.test import TestCase

from demo.records.facts import Draw, lao_facts
from demo.records.sections import GENERATORS, drawn_values
from demo.registry import lao_registry_seed
from records.models import LAO
from records.schema import current_schema


class SectionGeneratorsTestCase(TestCase):
    """The sample values are drawn by one generator per section of the record schema."""

    @classmethod
    def setUpTestData(cls) -> None:
        # Bangkok and Chon Buri: the BMA, Pattaya, a PAO and every kind of municipality and SAO.
        lao_registry_seed(province_codes=["10", "20"], seed=2555)
        laos = LAO.objects.select_related("district__province", "office_subdistrict")
        cls.facts = {}
        for facts in lao_facts(list(laos.order_by("code")), {}, province_codes=None, seed=1):
            cls.facts.setdefault(facts.kind, facts)
        cls.fields = {
            section.code: {f.code for f in section.fields.all()}
            for section in current_schema().sections.prefetch_related("fields")
        }

    def test_there_is_one_generator_for_each_section_of_the_schema(self):
        self.assertCountEqual(GENERATORS, self.fields)

    def test_each_generator_draws_its_own_sections_fields_and_no_other(self):
        kinds = ["bma", "pattaya", "pao", "city", "town", "subdistrict", "sao"]
        self.assertCountEqual(self.facts, kinds)
        for kind, facts in self.facts.items():
            draw = Draw(facts=facts, rng=random.Random(1))
            for code, generate in GENERATORS.items():
                values = generate(draw)
                with self.subTest(kind=kind, section=code):
                    self.assertTrue(values)
                    self.assertLessEqual(set(values), self.fields[code])
                draw.values.update(values)

    def test_the_same_seed_draws_the_same_values(self):
        facts = self.facts[LAO.Type.SAO]
        first = drawn_values(facts, random.Random("2555:sao"))
        self.assertEqual(drawn_values(facts, random.Random("2555:sao")), first)
        self.assertNotEqual(drawn_values(facts, random.Random("2556:sao")), first)
