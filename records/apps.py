from django.apps import AppConfig
from django.db.models.signals import post_migrate, post_save, pre_save
from django.utils.translation import gettext_lazy as _


def _load_schema(sender, using: str = "default", **kwargs) -> None:
    # Like contenttypes and permissions: every migrate (and test database) holds the record
    # schema files of the repository. Loading is idempotent and refuses edited versions.
    from records import gap_rollups
    from records.schema import schema_load_all

    loaded = schema_load_all(using=using)
    # A new version changes what the field-level view counts: its rows are counted again
    # (records/gap_rollups.py).
    if any(result.created for result in loaded):
        gap_rollups.rebuild()


def _lao_place_before(sender, instance, raw: bool = False, **kwargs) -> None:
    # An LAO saved one at a time (the admin) with another district or type takes its key
    # figures with it; the registry import does the same for its bulk update.
    if raw or instance.pk is None:
        return
    instance._place_before = (
        sender.objects.filter(pk=instance.pk).values_list("district_id", "type").first()
    )


def _lao_place_after(sender, instance, raw: bool = False, created: bool = False, **kwargs) -> None:
    from records import gap_rollups, hooks, rollups

    before = getattr(instance, "_place_before", None)
    if not raw and before and before != (instance.district_id, instance.type):
        rollups.lock_provinces([before[0][:2], instance.district_id[:2]])
        rollups.laos_moved({instance.pk: before})
        gap_rollups.laos_moved({instance.pk: before})
    if not raw and (created or (before and before != (instance.district_id, instance.type))):
        hooks.areas_changed({instance.district_id, *(before[:1] if before else ())})


class RecordsConfig(AppConfig):
    name = "records"
    verbose_name = _("Hierarchy and records")

    def ready(self) -> None:
        post_migrate.connect(_load_schema, sender=self, dispatch_uid="records.load_schema")
        lao = self.get_model("LAO")
        pre_save.connect(_lao_place_before, sender=lao, dispatch_uid="records.lao_place_before")
        post_save.connect(_lao_place_after, sender=lao, dispatch_uid="records.lao_place_after")
