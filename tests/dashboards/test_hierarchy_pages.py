from django.urls import reverse

from records.models import LAO
from tests.base import PersonasTestCase
from tests.factories import make_lao


class HomeTestCase(PersonasTestCase):
    def test_it_sends_anonymous_users_to_log_in(self):
        response = self.client.get("/")
        self.assertRedirects(response, "/accounts/login/?next=/")

    def test_each_role_lands_on_its_own_scope(self):
        expected = {
            "clerk_a": f"/lao/{self.lao_a.code}/",
            "district_officer": "/district/6701/",
            "province_officer": "/province/67/",
            "department": "/national/",
            "executive": "/national/",
        }
        for persona, url in expected.items():
            with self.subTest(persona=persona):
                self.login(getattr(self, persona))
                self.assertRedirects(self.client.get("/"), url)


class LAOOverviewTestCase(PersonasTestCase):
    def url(self, lao: LAO) -> str:
        return reverse("records:lao-overview", args=[lao.code])

    def test_who_may_read_the_lao_card(self):
        for persona in [
            "clerk_a",
            "district_officer",
            "province_officer",
            "department",
            "executive",
        ]:
            with self.subTest(persona=persona):
                self.login(getattr(self, persona))
                response = self.client.get(self.url(self.lao_a))
                self.assertContains(response, "อบต.นาป่า")
                self.assertContains(response, "อำเภอเมืองเพชรบูรณ์")

    def test_a_clerk_guessing_another_laos_url_gets_not_found(self):
        for persona in ["clerk_b", "other_district_officer", "other_province_officer"]:
            with self.subTest(persona=persona):
                self.login(getattr(self, persona))
                response = self.client.get(self.url(self.lao_a))
                self.assertEqual(response.status_code, 404)
                self.assertNotContains(response, "นาป่า", status_code=404)

    def test_an_unknown_code_is_not_found_in_thai(self):
        self.login(self.department)
        response = self.client.get("/lao/9999999/")
        self.assertContains(response, "ไม่พบหน้า", status_code=404)


class DistrictPageTestCase(PersonasTestCase):
    def test_the_district_officer_sees_the_laos_of_the_district_only(self):
        self.login(self.district_officer)
        response = self.client.get("/district/6701/")
        self.assertContains(response, "อบต.นาป่า")
        self.assertContains(response, "ทต.วังชมภู")
        self.assertNotContains(response, "ชนแดน")

    def test_other_districts_and_clerks_may_not_open_it(self):
        self.assertStatusFor(
            ["other_district_officer", "clerk_a", "other_province_officer"], "/district/6701/", 404
        )

    def test_province_and_national_users_may_open_it(self):
        for persona in ["province_officer", "department", "executive"]:
            with self.subTest(persona=persona):
                self.login(getattr(self, persona))
                self.assertContains(self.client.get("/district/6701/"), "อบต.นาป่า")

    def test_it_searches_filters_and_sorts(self):
        self.login(self.district_officer)
        response = self.client.get("/district/6701/", {"q": "วังชม"})
        self.assertContains(response, "ทต.วังชมภู")
        self.assertNotContains(response, "อบต.นาป่า")
        response = self.client.get("/district/6701/", {"type": "sao"})
        self.assertContains(response, "อบต.นาป่า")
        self.assertNotContains(response, "ทต.วังชมภู")
        response = self.client.get("/district/6701/", {"sort": "-name"})
        names = [row.lao.name_th for row in response.context["rows"]]
        self.assertEqual(names, sorted(names, reverse=True))

    def test_a_dissolved_lao_is_not_listed(self):
        make_lao("6701", name="ยุบแล้ว", active_until="2020-01-01")
        self.login(self.district_officer)
        self.assertNotContains(self.client.get("/district/6701/"), "ยุบแล้ว")


class ProvincePageTestCase(PersonasTestCase):
    def test_the_province_officer_sees_every_district_with_lao_counts(self):
        self.login(self.province_officer)
        response = self.client.get("/province/67/")
        districts = list(response.context["rows"])
        self.assertEqual(len(districts), 11)  # Phetchabun has 11 districts
        counts = {d.code: d.laos for d in districts}
        self.assertEqual(counts["6701"], 2)
        self.assertEqual(counts["6702"], 1)
        self.assertContains(response, "อำเภอเมืองเพชรบูรณ์")

    def test_other_provinces_districts_and_clerks_may_not_open_it(self):
        self.assertStatusFor(
            ["other_province_officer", "district_officer", "clerk_a"], "/province/67/", 404
        )


class NationalPageTestCase(PersonasTestCase):
    def test_department_and_executives_see_all_provinces(self):
        for persona in ["department", "executive"]:
            with self.subTest(persona=persona):
                self.login(getattr(self, persona))
                response = self.client.get("/national/")
                provinces = list(response.context["rows"])
                self.assertEqual(len(provinces), 77)
                by_code = {p.code: p for p in provinces}
                self.assertEqual(by_code["67"].laos, 3)
                self.assertEqual(by_code["81"].laos, 1)

    def test_lower_levels_may_not_open_it(self):
        self.assertStatusFor(["province_officer", "district_officer", "clerk_a"], "/national/", 404)


class LAOSearchTestCase(PersonasTestCase):
    def test_it_lists_only_the_users_scope(self):
        self.login(self.province_officer)
        response = self.client.get("/lao/")
        codes = {lao.code for lao in response.context["page"].object_list}
        self.assertEqual(codes, {self.lao_a.code, self.lao_b.code, self.lao_c.code})
        self.login(self.clerk_b)
        response = self.client.get("/lao/")
        self.assertEqual(
            [lao.code for lao in response.context["page"].object_list], [self.lao_b.code]
        )

    def test_it_finds_by_code_prefix(self):
        self.login(self.department)
        response = self.client.get("/lao/", {"q": self.lao_krabi.code})
        self.assertContains(response, "อบต.คลองท่อมเหนือ")
        self.assertContains(response, "กระบี่")

    def test_the_next_page_keeps_the_search(self):
        for number in range(55):
            make_lao("6701", type=LAO.Type.SAO, name=f"ทดสอบหน้า{number}")
        self.login(self.province_officer)
        response = self.client.get("/lao/", {"q": "ทดสอบหน้า", "sort": "name"})
        self.assertEqual(response.context["page"].paginator.count, 55)
        self.assertContains(response, 'href="?q=%E0%B8%97')  # the query, encoded, is kept
        self.assertContains(response, "page=2")
        second = self.client.get("/lao/", {"q": "ทดสอบหน้า", "sort": "name", "page": 2})
        self.assertEqual(len(second.context["page"].object_list), 5)
