from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from records.schema import SchemaError, schema_files, schema_load


class Command(BaseCommand):
    help = "Loads the record schema file(s) (records/schema/lao-record-v*.yaml); safe to repeat."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", type=Path, help="default: every file in the repo")

    def handle(self, *args, files, **options):
        for path in files or schema_files():
            try:
                result = schema_load(path=path)
            except (SchemaError, OSError) as exc:
                raise CommandError(str(exc)) from exc
            schema = result.schema
            state = "loaded" if result.created else "already loaded"
            self.stdout.write(
                f"{path.name}: version {schema.version} {state} "
                f"({schema.sections.count()} sections, "
                f"{sum(s.fields.count() for s in schema.sections.all())} fields, "
                f"{schema.rules.count()} rules)"
            )
