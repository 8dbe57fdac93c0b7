"""Refuses to migrate a database that stopped part-way through migrations merged since.

Merged migrations list the ones they replace (`replaces`). A database that applied all of
those counts the merged one as applied, and a new one applies it whole. A database that
applied some but not all would get neither: Django drops the merged migration from its plan
and the rest of the graph no longer says what is missing. Such a database is upgraded first
with the last release that still holds the originals (docs/DEPLOYMENT.md, "Merged migrations").
"""

from django.core.management.base import CommandError
from django.db import connections
from django.db.migrations.loader import MigrationLoader

# The last commit whose tree holds every migration that a later one merged.
LAST_RELEASE_WITH_ORIGINALS = "00f8c8d"


def stopped_part_way(using: str = "default") -> list[str]:
    """The merged migrations of which the database applied some, not all, of the originals."""
    loader = MigrationLoader(connections[using], ignore_no_migrations=True)
    applied = loader.applied_migrations
    found = []
    for (app_label, name), migration in sorted(loader.disk_migrations.items()):
        done = [target in applied for target in migration.replaces]
        if any(done) and not all(done):
            missing = ", ".join(
                n for (_, n), ok in zip(migration.replaces, done, strict=True) if not ok
            )
            found.append(f"{app_label}.{name} (not applied: {missing})")
    return found


def refuse_partial(using: str = "default") -> None:
    """Stop `migrate` before anything is applied, saying what to do instead."""
    found = stopped_part_way(using)
    if found:
        raise CommandError(
            "This database stopped part-way through migrations that were later merged: "
            + "; ".join(found)
            + f". Upgrade it first with release {LAST_RELEASE_WITH_ORIGINALS} "
            f"(git checkout {LAST_RELEASE_WITH_ORIGINALS} && python manage.py migrate), "
            "then migrate with this release. See docs/DEPLOYMENT.md, 'Merged migrations'."
        )
