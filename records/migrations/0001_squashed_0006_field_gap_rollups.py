"""The hierarchy, the registry, the record schema and the roll-ups, with the real provinces,
districts and subdistricts loaded from geothai: records' migrations 0001 to 0006, merged.

A database that applied all of the merged migrations counts this one as applied. One that
stopped part-way is first upgraded with the last release that holds them, and `migrate`
refuses it until then (lgdata/migration_cutover.py, docs/DEPLOYMENT.md).
"""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


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

    initial = True

    replaces = [
        ('records', '0001_initial'),
        ('records', '0002_load_geography'),
        ('records', '0003_record_schema'),
        ('records', '0004_key_figure_rollups'),
        ('records', '0005_dashboard_indexes'),
        ('records', '0006_field_gap_rollups'),
    ]

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='District',
            fields=[
                ('code', models.CharField(max_length=4, primary_key=True, serialize=False, verbose_name='code')),
                ('name_th', models.CharField(max_length=100, verbose_name='Thai name')),
                ('name_en', models.CharField(max_length=100, verbose_name='English name')),
            ],
            options={
                'verbose_name': 'district',
                'verbose_name_plural': 'districts',
                'ordering': ['code'],
            },
        ),
        migrations.CreateModel(
            name='Province',
            fields=[
                ('code', models.CharField(max_length=2, primary_key=True, serialize=False, verbose_name='code')),
                ('name_th', models.CharField(max_length=100, verbose_name='Thai name')),
                ('name_en', models.CharField(max_length=100, verbose_name='English name')),
            ],
            options={
                'verbose_name': 'province',
                'verbose_name_plural': 'provinces',
                'ordering': ['code'],
            },
        ),
        migrations.CreateModel(
            name='Schema',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('version', models.PositiveIntegerField(unique=True, verbose_name='version')),
                ('title_th', models.CharField(max_length=200, verbose_name='Thai title')),
                ('title_en', models.CharField(max_length=200, verbose_name='English title')),
                ('source_sha256', models.CharField(max_length=64)),
                ('loaded_at', models.DateTimeField(auto_now_add=True, verbose_name='loaded')),
            ],
            options={
                'verbose_name': 'record schema',
                'verbose_name_plural': 'record schemas',
                'ordering': ['-version'],
            },
        ),
        migrations.CreateModel(
            name='LAO',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.CharField(max_length=7, unique=True, verbose_name='DLA code')),
                ('type', models.CharField(choices=[('pao', 'Provincial Administrative Organisation (อบจ.)'), ('city', 'City municipality (เทศบาลนคร)'), ('town', 'Town municipality (เทศบาลเมือง)'), ('subdistrict', 'Subdistrict municipality (เทศบาลตำบล)'), ('sao', 'Subdistrict Administrative Organisation (อบต.)'), ('special', 'Special form (รูปแบบพิเศษ)')], db_index=True, max_length=12, verbose_name='type')),
                ('name_th', models.CharField(max_length=200, verbose_name='Thai name')),
                ('name_en', models.CharField(blank=True, max_length=200, verbose_name='English name')),
                ('office_house_no', models.CharField(blank=True, max_length=40, verbose_name='office house number')),
                ('office_moo', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='village number (หมู่ที่)')),
                ('office_postcode', models.CharField(blank=True, max_length=5, verbose_name='postcode')),
                ('area_km2', models.DecimalField(blank=True, decimal_places=2, max_digits=10, null=True, verbose_name='area (km²)')),
                ('latitude', models.DecimalField(blank=True, decimal_places=6, max_digits=9, null=True, verbose_name='latitude')),
                ('longitude', models.DecimalField(blank=True, decimal_places=6, max_digits=9, null=True, verbose_name='longitude')),
                ('website', models.URLField(blank=True, verbose_name='website')),
                ('active_from', models.DateField(blank=True, null=True, verbose_name='active from')),
                ('active_until', models.DateField(blank=True, help_text='Last day before the LAO was upgraded, merged or dissolved.', null=True, verbose_name='active until')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                ('district', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='laos', to='records.district', verbose_name='district')),
            ],
            options={
                'verbose_name': 'LAO',
                'verbose_name_plural': 'LAOs',
                'ordering': ['code'],
            },
        ),
        migrations.AddField(
            model_name='district',
            name='province',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='districts', to='records.province', verbose_name='province'),
        ),
        migrations.CreateModel(
            name='Record',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('fiscal_year', models.PositiveSmallIntegerField(verbose_name='fiscal year (BE)')),
                ('required_count', models.PositiveSmallIntegerField(default=0)),
                ('filled_count', models.PositiveSmallIntegerField(default=0)),
                ('updated_at', models.DateTimeField(blank=True, null=True)),
                ('lao', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='records', to='records.lao')),
                ('updated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('schema', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='records', to='records.schema')),
            ],
            options={
                'verbose_name': 'record',
                'verbose_name_plural': 'records',
                'ordering': ['lao', '-fiscal_year'],
            },
        ),
        migrations.CreateModel(
            name='FieldGapRollup',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('fiscal_year', models.PositiveSmallIntegerField()),
                ('lao_type', models.CharField(choices=[('pao', 'Provincial Administrative Organisation (อบจ.)'), ('city', 'City municipality (เทศบาลนคร)'), ('town', 'Town municipality (เทศบาลเมือง)'), ('subdistrict', 'Subdistrict municipality (เทศบาลตำบล)'), ('sao', 'Subdistrict Administrative Organisation (อบต.)'), ('special', 'Special form (รูปแบบพิเศษ)')], max_length=12)),
                ('kind', models.CharField(choices=[('section', 'section'), ('field', 'field'), ('rule', 'check')], max_length=7)),
                ('code', models.CharField(max_length=80)),
                ('applicable', models.IntegerField(default=0)),
                ('missing', models.IntegerField(default=0)),
                ('flagged', models.IntegerField(default=0)),
                ('failing', models.IntegerField(default=0)),
                ('province', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='records.province')),
                ('schema', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='records.schema')),
            ],
        ),
        migrations.CreateModel(
            name='Section',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.SlugField(max_length=40, verbose_name='code')),
                ('order', models.PositiveSmallIntegerField(verbose_name='order')),
                ('label_th', models.CharField(max_length=200, verbose_name='Thai label')),
                ('label_en', models.CharField(max_length=200, verbose_name='English label')),
                ('schema', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='sections', to='records.schema')),
            ],
            options={
                'verbose_name': 'section',
                'verbose_name_plural': 'sections',
                'ordering': ['schema', 'order'],
            },
        ),
        migrations.CreateModel(
            name='Rule',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.SlugField(max_length=80)),
                ('kind', models.CharField(choices=[('sum', 'parts add up to the total'), ('requires_positive', 'one needs the other'), ('not_greater', 'not more than')], max_length=20)),
                ('params', models.JSONField(default=dict)),
                ('message_th', models.CharField(max_length=500)),
                ('message_en', models.CharField(max_length=500)),
                ('schema', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='rules', to='records.schema')),
                ('section', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='rules', to='records.section')),
            ],
        ),
        migrations.CreateModel(
            name='Field',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.SlugField(max_length=60, verbose_name='code')),
                ('order', models.PositiveSmallIntegerField(verbose_name='order')),
                ('label_th', models.CharField(max_length=300, verbose_name='Thai label')),
                ('label_en', models.CharField(max_length=300, verbose_name='English label')),
                ('type', models.CharField(choices=[('integer', 'whole number'), ('decimal', 'decimal number'), ('money', 'amount of money'), ('text', 'text'), ('choice', 'choice'), ('date', 'date'), ('boolean', 'yes/no')], max_length=10, verbose_name='type')),
                ('unit_th', models.CharField(blank=True, max_length=40, verbose_name='Thai unit')),
                ('unit_en', models.CharField(blank=True, max_length=40, verbose_name='English unit')),
                ('required', models.BooleanField(default=False, verbose_name='required')),
                ('min_value', models.DecimalField(blank=True, decimal_places=2, max_digits=20, null=True)),
                ('max_value', models.DecimalField(blank=True, decimal_places=2, max_digits=20, null=True)),
                ('help_th', models.CharField(blank=True, max_length=500)),
                ('help_en', models.CharField(blank=True, max_length=500)),
                ('choices', models.JSONField(blank=True, default=list)),
                ('applies_to', models.JSONField(blank=True, default=list)),
                ('section', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='fields', to='records.section')),
            ],
            options={
                'verbose_name': 'field',
                'verbose_name_plural': 'fields',
                'ordering': ['section', 'order'],
            },
        ),
        migrations.CreateModel(
            name='SectionEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('values', models.JSONField(blank=True, default=dict)),
                ('version', models.PositiveIntegerField(default=0)),
                ('required_count', models.PositiveSmallIntegerField(default=0)),
                ('filled_count', models.PositiveSmallIntegerField(default=0)),
                ('rules_pass', models.BooleanField(default=True)),
                ('flags', models.JSONField(blank=True, default=list)),
                ('updated_at', models.DateTimeField(blank=True, null=True)),
                ('record', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='entries', to='records.record')),
                ('section', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='records.section')),
                ('updated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
        ),
        migrations.CreateModel(
            name='Subdistrict',
            fields=[
                ('code', models.CharField(max_length=6, primary_key=True, serialize=False, verbose_name='code')),
                ('name_th', models.CharField(max_length=100, verbose_name='Thai name')),
                ('name_en', models.CharField(max_length=100, verbose_name='English name')),
                ('postal_codes', models.CharField(blank=True, max_length=60, verbose_name='postcodes')),
                ('district', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='subdistricts', to='records.district', verbose_name='district')),
            ],
            options={
                'verbose_name': 'subdistrict',
                'verbose_name_plural': 'subdistricts',
                'ordering': ['code'],
            },
        ),
        migrations.AddField(
            model_name='lao',
            name='office_subdistrict',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='records.subdistrict', verbose_name='office subdistrict'),
        ),
        migrations.AddField(
            model_name='lao',
            name='subdistricts',
            field=models.ManyToManyField(blank=True, related_name='laos', to='records.subdistrict', verbose_name='subdistricts covered'),
        ),
        migrations.CreateModel(
            name='HistoricalLAO',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('code', models.CharField(db_index=True, max_length=7, verbose_name='DLA code')),
                ('type', models.CharField(choices=[('pao', 'Provincial Administrative Organisation (อบจ.)'), ('city', 'City municipality (เทศบาลนคร)'), ('town', 'Town municipality (เทศบาลเมือง)'), ('subdistrict', 'Subdistrict municipality (เทศบาลตำบล)'), ('sao', 'Subdistrict Administrative Organisation (อบต.)'), ('special', 'Special form (รูปแบบพิเศษ)')], db_index=True, max_length=12, verbose_name='type')),
                ('name_th', models.CharField(max_length=200, verbose_name='Thai name')),
                ('name_en', models.CharField(blank=True, max_length=200, verbose_name='English name')),
                ('office_house_no', models.CharField(blank=True, max_length=40, verbose_name='office house number')),
                ('office_moo', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='village number (หมู่ที่)')),
                ('office_postcode', models.CharField(blank=True, max_length=5, verbose_name='postcode')),
                ('area_km2', models.DecimalField(blank=True, decimal_places=2, max_digits=10, null=True, verbose_name='area (km²)')),
                ('latitude', models.DecimalField(blank=True, decimal_places=6, max_digits=9, null=True, verbose_name='latitude')),
                ('longitude', models.DecimalField(blank=True, decimal_places=6, max_digits=9, null=True, verbose_name='longitude')),
                ('website', models.URLField(blank=True, verbose_name='website')),
                ('active_from', models.DateField(blank=True, null=True, verbose_name='active from')),
                ('active_until', models.DateField(blank=True, help_text='Last day before the LAO was upgraded, merged or dissolved.', null=True, verbose_name='active until')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('district', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='records.district', verbose_name='district')),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('office_subdistrict', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='records.subdistrict', verbose_name='office subdistrict')),
            ],
            options={
                'verbose_name': 'historical LAO',
                'verbose_name_plural': 'historical LAOs',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='ValueChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('field_code', models.CharField(db_index=True, max_length=60)),
                ('old_value', models.JSONField(null=True)),
                ('new_value', models.JSONField(null=True)),
                ('changed_at', models.DateTimeField(db_index=True)),
                ('source', models.CharField(choices=[('form', 'form'), ('import', 'import'), ('admin', 'administrator')], default='form', max_length=10)),
                ('changed_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('record', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='changes', to='records.record')),
                ('section', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='records.section')),
            ],
            options={
                'ordering': ['-changed_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='KeyFigureRollup',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('fiscal_year', models.PositiveSmallIntegerField()),
                ('level', models.CharField(choices=[('province', 'province'), ('district', 'district')], max_length=8)),
                ('area', models.CharField(max_length=4)),
                ('indicator', models.CharField(max_length=60)),
                ('numerator', models.BigIntegerField(default=0)),
                ('denominator', models.BigIntegerField(default=0)),
                ('contributing', models.IntegerField(default=0)),
                ('approved', models.IntegerField(default=0)),
                ('approved_numerator', models.BigIntegerField(default=0)),
                ('approved_denominator', models.BigIntegerField(default=0)),
                ('province', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='records.province')),
            ],
            options={
                'indexes': [models.Index(fields=['fiscal_year', 'level', 'province'], name='rollup_level_province')],
                'constraints': [models.UniqueConstraint(fields=('fiscal_year', 'area', 'indicator'), name='rollup_one_per_area')],
            },
        ),
        migrations.AddIndex(
            model_name='record',
            index=models.Index(fields=['fiscal_year', 'updated_at'], name='record_year_updated'),
        ),
        migrations.AddConstraint(
            model_name='record',
            constraint=models.UniqueConstraint(fields=('lao', 'fiscal_year'), name='record_one_per_year'),
        ),
        migrations.AddIndex(
            model_name='fieldgaprollup',
            index=models.Index(fields=['fiscal_year', 'schema', 'kind', 'code', 'applicable', 'missing', 'flagged', 'failing'], name='field_gap_rollup_sums'),
        ),
        migrations.AddConstraint(
            model_name='fieldgaprollup',
            constraint=models.UniqueConstraint(fields=('fiscal_year', 'province', 'lao_type', 'schema', 'kind', 'code'), name='field_gap_rollup_one_per_code'),
        ),
        migrations.AddConstraint(
            model_name='section',
            constraint=models.UniqueConstraint(fields=('schema', 'code'), name='section_code_unique'),
        ),
        migrations.AddConstraint(
            model_name='rule',
            constraint=models.UniqueConstraint(fields=('schema', 'code'), name='rule_code_unique'),
        ),
        migrations.AddConstraint(
            model_name='field',
            constraint=models.UniqueConstraint(fields=('section', 'code'), name='field_code_unique'),
        ),
        migrations.AddConstraint(
            model_name='sectionentry',
            constraint=models.UniqueConstraint(fields=('record', 'section'), name='entry_one_per_section'),
        ),
        migrations.AddIndex(
            model_name='lao',
            index=models.Index(fields=['active_from'], name='lao_active_from'),
        ),
        migrations.AddIndex(
            model_name='lao',
            index=models.Index(fields=['active_until'], name='lao_active_until'),
        ),
        migrations.AddIndex(
            model_name='lao',
            index=models.Index(fields=['updated_at'], name='lao_updated_at'),
        ),
        migrations.AddConstraint(
            model_name='lao',
            constraint=models.CheckConstraint(condition=models.Q(('active_until__isnull', True), ('active_from__isnull', True), ('active_until__gte', models.F('active_from')), _connector='OR'), name='lao_active_period_in_order'),
        ),
        migrations.RunPython(load_geography, migrations.RunPython.noop),
    ]
