"""Django's migrate, refusing first a database that stopped part-way through merged migrations.

The check runs before Django builds its plan: for such a database the plan would already be
wrong (lgdata/migration_cutover.py).
"""

from django.core.management.commands import migrate

from lgdata.migration_cutover import refuse_partial


class Command(migrate.Command):
    def handle(self, *args, **options):
        refuse_partial(options["database"])
        return super().handle(*args, **options)
