"""Loads the real provinces, districts and subdistricts from the geothai package.

A fresh `migrate` therefore already holds all 77 provinces, 928 districts and 7,436
subdistricts. Re-running is safe: rows are created or updated by code.
"""

from django.db import migrations


def load_geography(apps, schema_editor):
    import geothai

    Province = apps.get_model("records", "Province")
    District = apps.get_model("records", "District")
    Subdistrict = apps.get_model("records", "Subdistrict")

    provinces = geothai.provinces()
    districts = [d for p in provinces for d in geothai.districts(p.code)]
    subdistricts = [s for d in districts for s in geothai.subdistricts(d.code)]

    Province.objects.bulk_create(
        [Province(code=p.code, name_th=p.name_th, name_en=p.name_en) for p in provinces],
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name_th", "name_en"],
    )
    District.objects.bulk_create(
        [
            District(code=d.code, province_id=d.province_code, name_th=d.name_th, name_en=d.name_en)
            for d in districts
        ],
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name_th", "name_en", "province"],
    )
    Subdistrict.objects.bulk_create(
        [
            Subdistrict(
                code=s.code,
                district_id=s.district_code,
                name_th=s.name_th,
                name_en=s.name_en,
                postal_codes=" ".join(s.postal_codes),
            )
            for s in subdistricts
        ],
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name_th", "name_en", "district", "postal_codes"],
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [("records", "0001_initial")]

    operations = [migrations.RunPython(load_geography, migrations.RunPython.noop)]
