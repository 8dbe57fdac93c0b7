from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin
from simple_history.admin import SimpleHistoryAdmin

from records.models import LAO, District, Province, Subdistrict


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["code", "name_th", "name_en"]
    search_fields = ["code", "name_th", "name_en"]


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["code", "name_th", "name_en", "province"]
    list_filter = ["province"]
    search_fields = ["code", "name_th", "name_en"]
    list_select_related = ["province"]


@admin.register(Subdistrict)
class SubdistrictAdmin(admin.ModelAdmin):
    list_display = ["code", "name_th", "name_en", "district", "postal_codes"]
    search_fields = ["code", "name_th", "name_en", "postal_codes"]
    list_select_related = ["district"]
    autocomplete_fields = ["district"]


@admin.register(LAO)
class LAOAdmin(ExportMixin, SimpleHistoryAdmin):
    list_display = ["code", "name", "type", "district", "active_from", "active_until"]
    list_filter = ["type", "district__province", "active_until"]
    search_fields = ["code", "name_th", "name_en"]
    list_select_related = ["district"]
    autocomplete_fields = ["district", "office_subdistrict", "subdistricts"]
    readonly_fields = ["updated_at"]

    @admin.display(description=_("name"), ordering="name_th")
    def name(self, obj: LAO) -> str:
        return obj.display_name

    fieldsets = [
        (None, {"fields": ["code", "type", "name_th", "name_en", "district", "subdistricts"]}),
        (
            _("Office"),
            {
                "fields": [
                    "office_house_no",
                    "office_moo",
                    "office_subdistrict",
                    "office_postcode",
                    "website",
                ]
            },
        ),
        (_("Geography"), {"fields": ["area_km2", "latitude", "longitude"]}),
        (_("Lifetime"), {"fields": ["active_from", "active_until", "updated_at"]}),
    ]
