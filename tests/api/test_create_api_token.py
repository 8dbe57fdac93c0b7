import io

from django.core.management import CommandError, call_command

from api.models import APIToken
from tests.api.helpers import APITestCase


class CreateAPITokenTestCase(APITestCase):
    def run_command(self, *args) -> tuple[str, str]:
        out, err = io.StringIO(), io.StringIO()
        call_command("create_api_token", *args, stdout=out, stderr=err)
        return out.getvalue().strip(), err.getvalue()

    def test_it_prints_a_working_token_once_and_keeps_only_its_hash(self):
        text, message = self.run_command("executive", "--name", "MOC Operations Center")
        token = APIToken.objects.get(name="MOC Operations Center")
        self.assertEqual(token.user, self.executive)
        self.assertEqual(token.key_hash, APIToken.hash_text(text))
        self.assertIn(token.prefix, message)
        self.assertNotIn(text, message)
        self.assertEqual(self.api("/api/v1/laos/", text).json()["count"], 4)

    def test_the_name_defaults_to_the_username(self):
        self.run_command("province_67")
        self.assertTrue(APIToken.objects.filter(name="province_67").exists())

    def test_unknown_and_inactive_users_are_refused(self):
        self.executive.is_active = False
        self.executive.save()
        for username in ("nobody", "executive"):
            with self.subTest(username), self.assertRaises(CommandError):
                self.run_command(username)
        self.assertEqual(APIToken.objects.count(), len(self.PERSONAS))
