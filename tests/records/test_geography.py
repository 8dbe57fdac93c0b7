from django.test import TestCase

from records.models import District, Province, Subdistrict


class GeographyTestCase(TestCase):
    def test_a_fresh_migrate_holds_the_real_hierarchy(self):
        self.assertEqual(Province.objects.count(), 77)
        self.assertEqual(District.objects.count(), 928)
        self.assertEqual(Subdistrict.objects.count(), 7436)

    def test_codes_and_names_are_dopa(self):
        district = District.objects.select_related("province").get(code="6701")
        self.assertEqual(district.name_th, "เมืองเพชรบูรณ์")
        self.assertEqual(district.province.name_en, "Phetchabun")
        self.assertEqual(district.display_name, "อำเภอเมืองเพชรบูรณ์")
        self.assertEqual(District.objects.get(code="1001").display_name, "เขตพระนคร")
        self.assertEqual(Province.objects.get(code="10").districts.count(), 50)
