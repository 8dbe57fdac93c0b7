from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _record_edit_guard(lao, fiscal_year, today):
    from deadlines.services import record_edit_block

    block = record_edit_block(lao=lao, fiscal_year=fiscal_year, today=today)
    return block.reason if block else None


def _approved_laos(fiscal_years, lao_ids):
    from deadlines.models import RoundLAO

    return RoundLAO.approved_laos(fiscal_years, lao_ids)


class DeadlinesConfig(AppConfig):
    name = "deadlines"
    verbose_name = _("Circulars and deadlines")

    def ready(self) -> None:
        from records.hooks import register_approved_laos, register_edit_guard

        register_edit_guard(_record_edit_guard)
        register_approved_laos(_approved_laos)
