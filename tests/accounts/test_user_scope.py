from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts import access
from accounts.models import Role, User
from tests.base import PersonasTestCase


class UserScopeTestCase(PersonasTestCase):
    def test_a_role_needs_exactly_its_own_scope(self):
        user = User(username="x", role=Role.CLERK)
        with self.assertRaises(ValidationError) as caught:
            user.full_clean()
        self.assertIn("lao", caught.exception.message_dict)
        user = User(username="y", role=Role.DISTRICT, district_id="6701", lao=self.lao_a)
        with self.assertRaises(ValidationError) as caught:
            user.full_clean()
        self.assertIn("lao", caught.exception.message_dict)

    def test_the_database_refuses_a_scope_that_does_not_match_the_role(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            User.objects.create(username="z", role=Role.DEPARTMENT, province_id="67")

    def test_scope_labels_read_as_officials_write_them(self):
        self.assertEqual(self.clerk_a.scope_label, "อบต.นาป่า")
        self.assertEqual(self.district_officer.scope_label, "อำเภอเมืองเพชรบูรณ์")
        self.assertIn("เพชรบูรณ์", self.province_officer.scope_label)

    def test_visible_laos_per_persona(self):
        expected = {
            "clerk_a": {self.lao_a},
            "district_officer": {self.lao_a, self.lao_b},
            "other_district_officer": {self.lao_c},
            "province_officer": {self.lao_a, self.lao_b, self.lao_c},
            "other_province_officer": {self.lao_krabi},
            "executive": {self.lao_a, self.lao_b, self.lao_c, self.lao_krabi},
        }
        for persona, laos in expected.items():
            with self.subTest(persona=persona):
                self.assertEqual(set(access.laos_visible_to(getattr(self, persona))), laos)

    def test_only_the_laos_own_clerk_may_edit_its_record(self):
        self.assertTrue(access.can_edit_lao_record(self.clerk_a, self.lao_a))
        for persona in [
            "clerk_b",
            "district_officer",
            "province_officer",
            "department",
            "executive",
        ]:
            with self.subTest(persona=persona):
                self.assertFalse(access.can_edit_lao_record(getattr(self, persona), self.lao_a))

    def test_a_deactivated_user_sees_nothing(self):
        self.district_officer.is_active = False
        self.assertFalse(access.laos_visible_to(self.district_officer).exists())
