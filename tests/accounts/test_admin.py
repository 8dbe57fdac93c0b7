from accounts.models import Role, User
from tests.base import PersonasTestCase
from tests.factories import make_user


class ProvinceUserAdminTestCase(PersonasTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.admin = User.objects.create_superuser("root", "root@example.go.th", "x-2567-admin")
        cls.krabi_clerk = make_user("krabi_clerk", Role.CLERK, lao=cls.lao_krabi)

    def add_user(self, username: str, **data):
        """The admin's "add user" form, sent with a good password and ``data``."""
        return self.client.post(
            "/admin/accounts/user/add/",
            {
                "username": username,
                "password1": "ยาวพอแล้ว-2568",
                "password2": "ยาวพอแล้ว-2568",
                **data,
            },
        )

    def test_a_province_officer_lists_only_users_of_their_province(self):
        self.login(self.province_officer)
        response = self.client.get("/admin/accounts/user/")
        self.assertEqual(response.status_code, 200)
        shown = {u.username for u in response.context["cl"].result_list}
        self.assertEqual(
            shown, {"clerk_a", "clerk_b", "district_6701", "district_6702", "province_67"}
        )

    def test_a_province_officer_cannot_open_a_user_of_another_province(self):
        self.login(self.province_officer)
        response = self.client.get(f"/admin/accounts/user/{self.krabi_clerk.pk}/change/")
        self.assertIn(response.status_code, (302, 403, 404))
        self.assertNotContains(response, "krabi_clerk", status_code=response.status_code)

    def test_a_province_officer_adds_a_clerk_of_their_province(self):
        self.login(self.province_officer)
        response = self.add_user("new_clerk", role=Role.CLERK, lao=self.lao_c.pk)
        self.assertEqual(response.status_code, 302, response.content[:2000])
        user = User.objects.get(username="new_clerk")
        self.assertEqual(user.lao, self.lao_c)
        self.assertFalse(user.is_staff)

    def test_a_province_officer_cannot_grant_a_wider_role_or_a_foreign_scope(self):
        self.login(self.province_officer)
        for data in (
            {"role": Role.DEPARTMENT},
            {"role": Role.CLERK, "lao": self.lao_krabi.pk},
            {"role": Role.PROVINCE, "province": "81"},
        ):
            with self.subTest(data=data):
                response = self.add_user("sneaky", **data)
                self.assertEqual(response.status_code, 200)
                self.assertFalse(User.objects.filter(username="sneaky").exists())

    def test_a_province_officer_cannot_touch_the_hierarchy_admin(self):
        self.login(self.province_officer)
        self.assertEqual(self.client.get("/admin/records/lao/").status_code, 403)

    def test_clerks_and_district_officers_cannot_enter_the_admin(self):
        for persona in ["clerk_a", "district_officer", "executive"]:
            with self.subTest(persona=persona):
                self.login(getattr(self, persona))
                response = self.client.get("/admin/")
                self.assertRedirects(response, "/admin/login/?next=/admin/")

    def test_the_administrator_manages_everyone_in_thai(self):
        self.login(self.admin)
        response = self.client.get("/admin/accounts/user/")
        self.assertEqual(response.context["cl"].result_count, User.objects.count())
        self.assertContains(response, "ผู้ใช้")
        response = self.client.get("/admin/records/lao/", {"q": "นาป่า"})
        self.assertContains(response, self.lao_a.code)
