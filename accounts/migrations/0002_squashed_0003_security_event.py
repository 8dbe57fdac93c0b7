"""The user's scope (LAO, district, province) and the security log: accounts' migrations 0002
and 0003, merged.

A database that applied all of the merged migrations counts this one as applied. One that
stopped part-way is first upgraded with the last release that holds them, and `migrate`
refuses it until then (lgdata/migration_cutover.py, docs/DEPLOYMENT.md).
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    replaces = [
        ('accounts', '0002_initial'),
        ('accounts', '0003_security_event'),
    ]

    dependencies = [
        ('accounts', '0001_initial'),
        ('auth', '0012_alter_user_first_name_max_length'),
        ('records', '0001_squashed_0006_field_gap_rollups'),
    ]

    operations = [
        migrations.CreateModel(
            name='SecurityEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('login', 'Login'), ('login_failed', 'Failed login'), ('lockout', 'Lockout'), ('denied', 'Denied access'), ('export', 'Export'), ('token', 'API token use'), ('role_change', 'Role or scope change')], db_index=True, max_length=16, verbose_name='kind')),
                ('at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='when')),
                ('username', models.CharField(blank=True, max_length=150, verbose_name='username')),
                ('ip_address', models.GenericIPAddressField(blank=True, null=True, verbose_name='address')),
                ('path', models.CharField(blank=True, max_length=300, verbose_name='address in the portal')),
                ('detail', models.CharField(blank=True, max_length=500, verbose_name='detail')),
            ],
            options={
                'verbose_name': 'security event',
                'verbose_name_plural': 'security events',
                'ordering': ['-at', '-pk'],
            },
        ),
        migrations.AddField(
            model_name='user',
            name='district',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='users', to='records.district', verbose_name='district'),
        ),
        migrations.AddField(
            model_name='user',
            name='groups',
            field=models.ManyToManyField(blank=True, help_text='The groups this user belongs to. A user will get all permissions granted to each of their groups.', related_name='user_set', related_query_name='user', to='auth.group', verbose_name='groups'),
        ),
        migrations.AddField(
            model_name='user',
            name='lao',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='users', to='records.lao', verbose_name='LAO'),
        ),
        migrations.AddField(
            model_name='user',
            name='province',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='users', to='records.province', verbose_name='province'),
        ),
        migrations.AddField(
            model_name='user',
            name='user_permissions',
            field=models.ManyToManyField(blank=True, help_text='Specific permissions for this user.', related_name='user_set', related_query_name='user', to='auth.permission', verbose_name='user permissions'),
        ),
        migrations.AddConstraint(
            model_name='user',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('district__isnull', True), ('lao__isnull', False), ('province__isnull', True), ('role', 'clerk')), models.Q(('district__isnull', False), ('lao__isnull', True), ('province__isnull', True), ('role', 'district')), models.Q(('district__isnull', True), ('lao__isnull', True), ('province__isnull', False), ('role', 'province')), models.Q(('district__isnull', True), ('lao__isnull', True), ('province__isnull', True), ('role__in', ['department', 'executive', 'admin'])), _connector='OR'), name='user_scope_matches_role'),
        ),
        migrations.AddField(
            model_name='securityevent',
            name='user',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='security_events', to=settings.AUTH_USER_MODEL, verbose_name='user'),
        ),
    ]
