"""import_laos FILE [--commit]: the department's LAO registry from XLSX or CSV.

A dry run by default: it says what would change and lists every bad row. With --commit it
applies the file all or nothing. A file with errors ends with a non-zero exit status.
"""

from dataclasses import replace
from pathlib import Path

from django.utils.translation import gettext as _

from records import registry, uploads
from records.management.base import ImportCommand


class Command(ImportCommand):
    help = "Imports the DLA LAO registry (XLSX or CSV). Dry run unless --commit is given."
    file_help = "The registry file, .xlsx or .csv."

    def import_file(self, file: Path, *, commit: bool, **options) -> registry.RegistryImportResult:
        # No request waits here: the national registry as XLSX may take its time.
        bounds = replace(uploads.REGISTRY_BOUNDS, seconds=uploads.SERVER_SECONDS)
        return self.read(
            file,
            lambda data: registry.registry_import(
                data=data, filename=file.name, commit=commit, by=None, bounds=bounds
            ),
        )

    def report(self, result: registry.RegistryImportResult, *, verbosity: int) -> None:
        counts = {
            "rows": result.rows,
            "laos": result.laos,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "absent": result.not_in_file,
        }
        if result.committed:
            summary = _(
                "Imported %(rows)s rows, %(laos)s LAOs: %(created)s created, %(updated)s "
                "updated, %(unchanged)s unchanged. %(absent)s LAOs in the portal are not in "
                "the file and were left alone."
            )
        else:
            summary = _(
                "Dry run, nothing written. %(rows)s rows, %(laos)s LAOs: %(created)s would be "
                "created, %(updated)s updated, %(unchanged)s unchanged. %(absent)s LAOs in the "
                "portal are not in the file and would be left alone."
            )
        self.stdout.write(summary % counts)
        if verbosity >= 2:
            self._report_changes(result)
        if result.errors:
            self.write_errors(result.errors)
        if result.warnings:
            self.stdout.write(_("Warnings (%(count)s):") % {"count": result.warnings.total})
            for issue in result.warnings:
                self.stdout.write(f"  {issue}")
        if result.ok and not result.committed:
            self.stdout.write(_("Run again with --commit to apply."))

    def _report_changes(self, result: registry.RegistryImportResult) -> None:
        for change in result.changes:
            if change.created:
                self.stdout.write(
                    _("+ %(code)s %(name)s (%(district)s)")
                    % {"code": change.code, "name": change.name, "district": change.district}
                )
                continue
            self.stdout.write(f"~ {change.code} {change.name}")
            for item in change.fields:
                self.stdout.write(f"    {item.label}: {item.old} → {item.new}")
