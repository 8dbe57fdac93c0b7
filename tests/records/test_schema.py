import io
import tempfile
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase

from records.models import Field, Rule, Schema
from records.schema import SchemaError, schema_files, schema_load


class SchemaLoadTestCase(TestCase):
    def test_the_repository_schema_loads_with_its_sections_fields_and_rules(self):
        out = io.StringIO()
        call_command("load_schema", stdout=out)
        self.assertIn("already loaded", out.getvalue())
        schema = Schema.objects.get()
        self.assertGreaterEqual(schema.sections.count(), 10)
        self.assertGreaterEqual(Field.objects.filter(section__schema=schema).count(), 150)
        total = Field.objects.get(code="population_total")
        self.assertEqual(total.type, Field.Type.INTEGER)
        self.assertTrue(total.required)
        self.assertTrue(total.label_th)
        self.assertTrue(total.label_en)
        villages = Field.objects.get(code="villages_count")
        self.assertFalse(villages.applies("pao"))
        self.assertTrue(villages.applies("sao"))
        rule = Rule.objects.get(code="population_total_is_sum")
        self.assertEqual(rule.params["total"], "population_total")

    def test_migrate_loads_it_and_loading_again_changes_nothing(self):
        self.assertEqual(Schema.objects.get().version, 1)  # loaded after migrate
        again = schema_load(path=schema_files()[0])
        self.assertFalse(again.created)
        self.assertEqual(Schema.objects.count(), 1)

    def test_a_new_version_is_loaded_beside_the_old_one(self):
        original = schema_files()[0].read_text(encoding="utf-8")
        path = self.write(original.replace("version: 1", "version: 2", 1))
        self.assertTrue(schema_load(path=path).created)
        self.assertEqual(list(Schema.objects.values_list("version", flat=True)), [2, 1])

    def write(self, text: str) -> Path:
        folder = Path(tempfile.mkdtemp())
        path = folder / "lao-record-v9.yaml"
        path.write_text(text, encoding="utf-8")
        return path

    def test_a_changed_file_under_the_same_version_is_refused(self):
        original = schema_files()[0].read_text(encoding="utf-8")
        path = self.write(original.replace("title_en:", "# edited\ntitle_en:", 1))
        with self.assertRaisesMessage(SchemaError, "new version number"):
            schema_load(path=path)

    def test_a_rule_naming_a_missing_field_is_refused_and_nothing_is_loaded(self):
        path = self.write(
            """
version: 9
sections:
  - code: s
    label_th: ส
    label_en: S
    fields:
      - {code: a, label_th: ก, label_en: A, type: integer}
rules:
  - {code: r, section: s, kind: sum, parts: [a, b], total: a, message_th: x, message_en: x}
"""
        )
        with self.assertRaisesMessage(SchemaError, "'b' is not a numeric field"):
            schema_load(path=path)
        self.assertFalse(Schema.objects.filter(version=9).exists())
        with self.assertRaises(CommandError):
            call_command("load_schema", str(path))

    def test_an_unknown_type_is_refused(self):
        path = self.write(
            "version: 9\nsections:\n  - code: s\n    label_th: ส\n    label_en: S\n"
            "    fields:\n      - {code: a, label_th: ก, label_en: A, type: colour}\n"
        )
        with self.assertRaisesMessage(SchemaError, "unknown type 'colour'"):
            schema_load(path=path)
