"""How the API writes a stored value: records.values decides what it means."""

from django.test import SimpleTestCase

from api.reads import api_value
from records.models import Field


def field(type: str) -> Field:
    return Field(code="x", type=type)


class ApiValueTestCase(SimpleTestCase):
    def test_each_stored_value_as_the_api_gives_it(self):
        table = [
            (Field.Type.INTEGER, "1500", (1500, False)),
            (Field.Type.INTEGER, "NA", (None, True)),
            (Field.Type.DECIMAL, "12.5", ("12.5", False)),
            (Field.Type.BOOLEAN, True, (True, False)),
            (Field.Type.BOOLEAN, "ใช่", (True, False)),
            (Field.Type.DATE, "2025-09-30", ("2025-09-30", False)),
            # NA typed in a text field is the text NA, not "not applicable".
            (Field.Type.TEXT, "NA", ("NA", False)),
            (Field.Type.TEXT, "", (None, False)),
        ]
        for type, stored, expected in table:
            with self.subTest(type=type, stored=stored):
                self.assertEqual(api_value(field(type), stored), expected)
