from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _load_schema(sender, using: str = "default", **kwargs) -> None:
    # Like contenttypes and permissions: every migrate (and test database) holds the record
    # schema files of the repository. Loading is idempotent and refuses edited versions.
    from records.schema import schema_load_all

    schema_load_all(using=using)


class RecordsConfig(AppConfig):
    name = "records"
    verbose_name = _("Hierarchy and records")

    def ready(self) -> None:
        post_migrate.connect(_load_schema, sender=self, dispatch_uid="records.load_schema")
