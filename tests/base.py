from django.test import TestCase

from tests.factories import make_personas


class PersonasTestCase(TestCase):
    """A test case with the named personas of the permission matrix (see tests/factories.py)."""

    @classmethod
    def setUpTestData(cls) -> None:
        for name, obj in make_personas().items():
            setattr(cls, name, obj)

    def login(self, user) -> None:
        self.client.force_login(user)
