from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _record_edit_guard(lao, fiscal_year, today):
    from deadlines.services import record_edit_block

    block = record_edit_block(lao=lao, fiscal_year=fiscal_year, today=today)
    return block.reason if block else None


def _approved_laos(fiscal_years, lao_ids):
    from deadlines.models import RoundLAO

    return RoundLAO.approved_laos(fiscal_years, lao_ids)


def _areas_changed(district_ids, fiscal_year, resave=None):
    from deadlines import progress_rollups

    progress_rollups.refresh(district_ids, fiscal_year, resave=resave)


PROGRESS_MIGRATION = ("deadlines", "0004_progress_rollups")


def _fill_progress(sender, plan=None, **kwargs) -> None:
    # A database upgraded past the migration that adds the progress roll-ups gets them counted
    # from its records at once (docs/dashboards.md, "Stored roll-ups"); later migrates leave
    # them to the writes that keep them.
    applied = {(m.app_label, m.name) for m, backwards in plan or () if not backwards}
    if PROGRESS_MIGRATION in applied:
        from deadlines import progress_rollups

        progress_rollups.rebuild()


class DeadlinesConfig(AppConfig):
    name = "deadlines"
    verbose_name = _("Circulars and deadlines")

    def ready(self) -> None:
        from records.hooks import (
            register_approved_laos,
            register_areas_changed,
            register_edit_guard,
        )

        post_migrate.connect(_fill_progress, sender=self, dispatch_uid="deadlines.fill_progress")
        register_areas_changed(_areas_changed)

        register_edit_guard(_record_edit_guard)
        register_approved_laos(_approved_laos)
