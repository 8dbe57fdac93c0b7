"""How officials write an LAO (records.models.LAO): on a page, in a letter's text, and to whom a
letter is addressed; the registry's word for each type, both ways."""

from django.test import SimpleTestCase

from records.models import LAO


def lao(type: str, name: str) -> LAO:
    return LAO(code="6670101", type=type, name_th=name)


class LAONamesTestCase(SimpleTestCase):
    def test_each_type_is_written_as_officials_write_it(self):
        cases = {
            (LAO.Type.SAO, "นาป่า"): (
                "อบต.นาป่า",
                "องค์การบริหารส่วนตำบลนาป่า",
                "นายกองค์การบริหารส่วนตำบลนาป่า",
            ),
            (LAO.Type.SUBDISTRICT, "วังชมภู"): (
                "ทต.วังชมภู",
                "เทศบาลตำบลวังชมภู",
                "นายกเทศมนตรีตำบลวังชมภู",
            ),
            (LAO.Type.CITY, "ขอนแก่น"): ("ทน.ขอนแก่น", "เทศบาลนครขอนแก่น", "นายกเทศมนตรีนครขอนแก่น"),
            (LAO.Type.PAO, "เพชรบูรณ์"): (
                "อบจ.เพชรบูรณ์",
                "องค์การบริหารส่วนจังหวัดเพชรบูรณ์",
                "นายกองค์การบริหารส่วนจังหวัดเพชรบูรณ์",
            ),
            (LAO.Type.SPECIAL, "กรุงเทพมหานคร"): (
                "กรุงเทพมหานคร",
                "กรุงเทพมหานคร",
                "ผู้ว่าราชการกรุงเทพมหานคร",
            ),
            (LAO.Type.SPECIAL, "เมืองพัทยา"): ("เมืองพัทยา", "เมืองพัทยา", "นายกเมืองพัทยา"),
        }
        for (lao_type, name), (display, full, head) in cases.items():
            with self.subTest(lao_type=lao_type, name=name):
                one = lao(lao_type, name)
                self.assertEqual(
                    (one.display_name, one.full_name, one.head_title), (display, full, head)
                )
                self.assertEqual(LAO.written_name(lao_type, name), display)

    def test_the_registry_words_name_every_type_both_ways(self):
        self.assertEqual(set(LAO.TYPE_WORDS), set(LAO.Type))
        for lao_type, word in LAO.TYPE_WORDS.items():
            with self.subTest(word=word):
                self.assertEqual(LAO.REGISTRY_WORDS[word], lao_type)
        self.assertEqual(LAO.REGISTRY_WORDS["เทศบาลตำบล"], LAO.Type.SUBDISTRICT)
