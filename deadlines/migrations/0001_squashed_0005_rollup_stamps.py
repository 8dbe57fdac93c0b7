"""Circulars, rounds, reminders and the progress roll-ups: deadlines' migrations 0001 to 0005,
merged.

A database that applied all of the merged migrations counts this one as applied. One that
stopped part-way is first upgraded with the last release that holds them, and `migrate`
refuses it until then (lgdata/migration_cutover.py, docs/DEPLOYMENT.md).
"""

import deadlines.models
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('deadlines', '0001_initial'),
        ('deadlines', '0002_reminder_workflow_notices'),
        ('deadlines', '0003_supervision_by_lao_type'),
        ('deadlines', '0004_progress_rollups'),
        ('deadlines', '0005_rollup_stamps'),
    ]

    dependencies = [
        ('records', '0001_squashed_0006_field_gap_rollups'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='RollupStamp',
            fields=[
                ('area', models.CharField(max_length=4, primary_key=True, serialize=False)),
                ('writes', models.BigIntegerField(default=0)),
            ],
        ),
        migrations.CreateModel(
            name='Circular',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('level', models.CharField(choices=[('department', 'Department'), ('province', 'Province'), ('district', 'District')], max_length=10, verbose_name='level')),
                ('reference', models.CharField(max_length=100, verbose_name='reference number')),
                ('reference_normalised', models.CharField(db_index=True, max_length=100)),
                ('date', models.DateField(verbose_name='date')),
                ('subject', models.CharField(max_length=500, verbose_name='subject')),
                ('issuer', models.CharField(blank=True, max_length=300, verbose_name='issuer')),
                ('addressees', models.JSONField(blank=True, default=list, verbose_name='addressees')),
                ('references', models.JSONField(blank=True, default=list, verbose_name='references')),
                ('enclosures', models.JSONField(blank=True, default=list, verbose_name='enclosures')),
                ('body', models.TextField(blank=True, verbose_name='text')),
                ('deadline', models.DateField(blank=True, null=True, verbose_name='deadline')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('district', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='circulars', to='records.district')),
                ('forwards', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='forwarded_by', to='deadlines.circular', verbose_name='forwards')),
                ('linked', models.ManyToManyField(blank=True, related_name='cited_by', to='deadlines.circular', verbose_name='cites')),
                ('province', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='circulars', to='records.province')),
            ],
            options={
                'verbose_name': 'circular',
                'verbose_name_plural': 'circulars',
                'ordering': ['-date', '-id'],
            },
        ),
        migrations.CreateModel(
            name='Attachment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('file', models.FileField(upload_to=deadlines.models.attachment_path, verbose_name='file')),
                ('name', models.CharField(max_length=200, verbose_name='name')),
                ('size', models.PositiveIntegerField()),
                ('uploaded_at', models.DateTimeField(auto_now_add=True)),
                ('circular', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attachments', to='deadlines.circular')),
            ],
        ),
        migrations.CreateModel(
            name='Round',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('fiscal_year', models.PositiveSmallIntegerField(verbose_name='fiscal year (BE)')),
                ('section_codes', models.JSONField(default=list, verbose_name='required sections')),
                ('lao_types', models.JSONField(blank=True, default=list, verbose_name='LAO types')),
                ('starts_on', models.DateField(verbose_name='starts on')),
                ('deadline', models.DateField(verbose_name='deadline for on-time submission')),
                ('lock_date', models.DateField(blank=True, help_text='After this day the record can only be changed with an exception.', null=True, verbose_name='lock date')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('circular', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='round', to='deadlines.circular', verbose_name='circular')),
            ],
            options={
                'verbose_name': 'round',
                'verbose_name_plural': 'rounds',
                'ordering': ['-deadline', '-id'],
            },
        ),
        migrations.CreateModel(
            name='ProgressRollup',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('fiscal_year', models.PositiveSmallIntegerField()),
                ('level', models.CharField(choices=[('province', 'province'), ('district', 'district')], max_length=8)),
                ('area', models.CharField(max_length=4)),
                ('lao_type', models.CharField(max_length=12)),
                ('laos', models.IntegerField(default=0)),
                ('recorded', models.IntegerField(default=0)),
                ('required', models.IntegerField(default=0)),
                ('filled', models.IntegerField(default=0)),
                ('last_updated', models.DateTimeField(blank=True, null=True)),
                ('participants', models.IntegerField(default=0)),
                ('acknowledged', models.IntegerField(default=0)),
                ('current', models.IntegerField(default=0)),
                ('approved', models.IntegerField(default=0)),
                ('submitted_on_time', models.IntegerField(default=0)),
                ('submitted_late', models.IntegerField(default=0)),
                ('returned', models.IntegerField(default=0)),
                ('open_started', models.IntegerField(default=0)),
                ('open_not_started', models.IntegerField(default=0)),
                ('province', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='records.province')),
                ('round', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='deadlines.round')),
            ],
        ),
        migrations.CreateModel(
            name='RoundLAO',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('state', models.CharField(choices=[('open', 'open'), ('submitted', 'submitted'), ('returned', 'returned'), ('district_approved', 'approved by the district'), ('approved', 'approved')], default='open', max_length=20)),
                ('submitted_at', models.DateTimeField(blank=True, null=True)),
                ('on_time', models.BooleanField(null=True)),
                ('acknowledged_at', models.DateTimeField(blank=True, null=True)),
                ('return_comment', models.TextField(blank=True)),
                ('return_targets', models.JSONField(blank=True, default=list)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('acknowledged_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('lao', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='rounds', to='records.lao')),
                ('round', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='participants', to='deadlines.round')),
            ],
        ),
        migrations.CreateModel(
            name='Reminder',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('before', 'before the deadline'), ('on_day', 'on the deadline'), ('after', 'after the deadline'), ('digest', 'district digest'), ('manual', 'sent by an officer'), ('submitted', 'a record was submitted'), ('returned', 'a record was returned'), ('approved', 'a record was approved'), ('informed', 'a district approved a record')], max_length=10)),
                ('day', models.DateField()),
                ('subject', models.CharField(max_length=300)),
                ('text', models.TextField()),
                ('emailed', models.BooleanField(default=False)),
                ('read_at', models.DateTimeField(blank=True, null=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('recipient', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reminders', to=settings.AUTH_USER_MODEL)),
                ('round', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reminders', to='deadlines.round')),
                ('participant', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='reminders', to='deadlines.roundlao')),
            ],
            options={
                'ordering': ['-created_at'],
            },
        ),
        migrations.CreateModel(
            name='LockException',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('reason', models.TextField(verbose_name='reason')),
                ('until', models.DateField(verbose_name='until')),
                ('granted_at', models.DateTimeField(auto_now_add=True)),
                ('granted_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL)),
                ('participant', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='exceptions', to='deadlines.roundlao')),
            ],
            options={
                'ordering': ['-granted_at'],
            },
        ),
        migrations.CreateModel(
            name='Transition',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('from_state', models.CharField(choices=[('open', 'open'), ('submitted', 'submitted'), ('returned', 'returned'), ('district_approved', 'approved by the district'), ('approved', 'approved')], max_length=20)),
                ('to_state', models.CharField(choices=[('open', 'open'), ('submitted', 'submitted'), ('returned', 'returned'), ('district_approved', 'approved by the district'), ('approved', 'approved')], max_length=20)),
                ('at', models.DateTimeField(default=django.utils.timezone.now)),
                ('comment', models.TextField(blank=True)),
                ('targets', models.JSONField(blank=True, default=list)),
                ('by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL)),
                ('participant', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='transitions', to='deadlines.roundlao')),
            ],
            options={
                'ordering': ['at', 'id'],
            },
        ),
        migrations.AddConstraint(
            model_name='circular',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('district__isnull', True), ('level', 'department'), ('province__isnull', True)), models.Q(('district__isnull', True), ('level', 'province'), ('province__isnull', False)), models.Q(('district__isnull', False), ('level', 'district')), _connector='OR'), name='circular_issuer_matches_level'),
        ),
        migrations.AddConstraint(
            model_name='round',
            constraint=models.CheckConstraint(condition=models.Q(('lock_date__isnull', True), ('lock_date__gte', models.F('deadline')), _connector='OR'), name='round_lock_after_deadline'),
        ),
        migrations.AddIndex(
            model_name='progressrollup',
            index=models.Index(fields=['fiscal_year', 'level', 'province'], name='progress_rollup_period'),
        ),
        migrations.AddConstraint(
            model_name='progressrollup',
            constraint=models.UniqueConstraint(condition=models.Q(('round__isnull', True)), fields=('fiscal_year', 'area', 'lao_type'), name='progress_rollup_one_per_year'),
        ),
        migrations.AddConstraint(
            model_name='progressrollup',
            constraint=models.UniqueConstraint(condition=models.Q(('round__isnull', False)), fields=('round', 'area', 'lao_type'), name='progress_rollup_one_per_round'),
        ),
        migrations.AddIndex(
            model_name='roundlao',
            index=models.Index(fields=['round', 'state'], name='deadlines_r_round_i_c47c29_idx'),
        ),
        migrations.AddConstraint(
            model_name='roundlao',
            constraint=models.UniqueConstraint(fields=('round', 'lao'), name='round_lao_unique'),
        ),
        migrations.AddConstraint(
            model_name='reminder',
            constraint=models.UniqueConstraint(condition=models.Q(('kind__in', ['before', 'on_day', 'after', 'digest', 'manual'])), fields=('round', 'recipient', 'kind', 'day'), name='reminder_once_a_day'),
        ),
    ]
