"""The handling chain (issue 12): `Referral` gets a subject of one kind among several
(only `suggestion` today; `referral_exactly_one_subject`), the reply letter, the 代录 mark,
rounds (`ReferralRound`), co-handling opinions (`ReferralOpinion`) and department users
(`DepartmentAccount`).

Data: every referral keeps its suggestion, and every reply recorded so far was recorded by
staff (the departments had no logins): marked as recorded on the department's behalf, in
the referrals and in their audit rows."""

import apps.core.dates
import apps.core.uploads
import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


def mark_replies_on_behalf(apps, schema_editor):
    for name in ("Referral", "HistoricalReferral"):
        model = apps.get_model("consultation", name)
        model.objects.filter(replied_on__isnull=False).update(reply_on_behalf=True)


class Migration(migrations.Migration):

    dependencies = [
        ('consultation', '0006_date_and_number_bounds'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='DepartmentAccount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
            ],
            options={
                'verbose_name': 'department account',
                'verbose_name_plural': 'department accounts',
            },
        ),
        migrations.CreateModel(
            name='HistoricalDepartmentAccount',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
            ],
            options={
                'verbose_name': 'historical department account',
                'verbose_name_plural': 'historical department accounts',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalReferralOpinion',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('round_number', models.PositiveSmallIntegerField(default=1, verbose_name='round of handling')),
                ('text', models.TextField(verbose_name='opinion')),
                ('given_on', models.DateField(validators=[apps.core.dates.WorkDateValidator()], verbose_name='given on')),
                ('on_behalf', models.BooleanField(default=False, verbose_name="recorded on the department's behalf")),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('created_at', models.DateTimeField(blank=True, editable=False, verbose_name='created at')),
                ('updated_at', models.DateTimeField(blank=True, editable=False, verbose_name='updated at')),
            ],
            options={
                'verbose_name': 'historical co-handling opinion',
                'verbose_name_plural': 'historical co-handling opinions',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalReferralRound',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('number', models.PositiveSmallIntegerField(verbose_name='round of handling')),
                ('due_on', models.DateField(validators=[apps.core.dates.WorkDateValidator()], verbose_name='reply due by')),
                ('reply_text', models.TextField(verbose_name='reply')),
                ('replied_on', models.DateField(validators=[apps.core.dates.WorkDateValidator()], verbose_name='replied on')),
                ('implementation', models.CharField(choices=[('A', 'A · Solved'), ('B', 'B · Being solved'), ('C', 'C · Planned')], max_length=1, verbose_name='implementation')),
                ('reply_letter', models.TextField(blank=True, max_length=200, verbose_name='reply letter')),
                ('reply_letter_name', models.CharField(blank=True, max_length=200, verbose_name='file name')),
                ('reply_on_behalf', models.BooleanField(default=False, verbose_name="reply recorded on the department's behalf")),
                ('satisfaction', models.CharField(choices=[('satisfied', 'Satisfied'), ('basically', 'Basically satisfied'), ('unsatisfied', 'Not satisfied')], max_length=12, verbose_name="proposers' satisfaction")),
                ('closed_on', models.DateField(validators=[apps.core.dates.WorkDateValidator()], verbose_name='closed on')),
                ('reopened_on', models.DateField(validators=[apps.core.dates.WorkDateValidator()], verbose_name='reopened on')),
                ('reason', models.TextField(verbose_name='why it is handled again')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('created_at', models.DateTimeField(blank=True, editable=False, verbose_name='created at')),
            ],
            options={
                'verbose_name': 'historical closed round of handling',
                'verbose_name_plural': 'historical closed rounds of handling',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='ReferralOpinion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('round_number', models.PositiveSmallIntegerField(default=1, verbose_name='round of handling')),
                ('text', models.TextField(verbose_name='opinion')),
                ('given_on', models.DateField(validators=[apps.core.dates.WorkDateValidator()], verbose_name='given on')),
                ('on_behalf', models.BooleanField(default=False, verbose_name="recorded on the department's behalf")),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
            ],
            options={
                'verbose_name': 'co-handling opinion',
                'verbose_name_plural': 'co-handling opinions',
                'ordering': ['given_on', 'id'],
            },
        ),
        migrations.CreateModel(
            name='ReferralRound',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.PositiveSmallIntegerField(verbose_name='round of handling')),
                ('due_on', models.DateField(validators=[apps.core.dates.WorkDateValidator()], verbose_name='reply due by')),
                ('reply_text', models.TextField(verbose_name='reply')),
                ('replied_on', models.DateField(validators=[apps.core.dates.WorkDateValidator()], verbose_name='replied on')),
                ('implementation', models.CharField(choices=[('A', 'A · Solved'), ('B', 'B · Being solved'), ('C', 'C · Planned')], max_length=1, verbose_name='implementation')),
                ('reply_letter', models.FileField(blank=True, max_length=200, upload_to=apps.core.uploads.RandomFileName('replies'), verbose_name='reply letter')),
                ('reply_letter_name', models.CharField(blank=True, max_length=200, verbose_name='file name')),
                ('reply_on_behalf', models.BooleanField(default=False, verbose_name="reply recorded on the department's behalf")),
                ('satisfaction', models.CharField(choices=[('satisfied', 'Satisfied'), ('basically', 'Basically satisfied'), ('unsatisfied', 'Not satisfied')], max_length=12, verbose_name="proposers' satisfaction")),
                ('closed_on', models.DateField(validators=[apps.core.dates.WorkDateValidator()], verbose_name='closed on')),
                ('reopened_on', models.DateField(validators=[apps.core.dates.WorkDateValidator()], verbose_name='reopened on')),
                ('reason', models.TextField(verbose_name='why it is handled again')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
            ],
            options={
                'verbose_name': 'closed round of handling',
                'verbose_name_plural': 'closed rounds of handling',
                'ordering': ['referral', 'number'],
            },
        ),
        migrations.AlterModelOptions(
            name='referral',
            options={'ordering': ['-referred_on', '-id'], 'permissions': [('reply_referral', "Can record a department's reply"), ('close_referral', 'Can close a referral'), ('reopen_referral', 'Can reopen a referral for another round'), ('handle_referral', 'Can handle the referrals sent to their department')], 'verbose_name': 'referral', 'verbose_name_plural': 'referrals'},
        ),
        migrations.AddField(
            model_name='historicalreferral',
            name='reply_letter',
            field=models.TextField(blank=True, max_length=200, verbose_name='reply letter'),
        ),
        migrations.AddField(
            model_name='historicalreferral',
            name='reply_letter_name',
            field=models.CharField(blank=True, max_length=200, verbose_name='file name'),
        ),
        migrations.AddField(
            model_name='historicalreferral',
            name='reply_letter_size',
            field=models.PositiveIntegerField(default=0, verbose_name='file size'),
        ),
        migrations.AddField(
            model_name='historicalreferral',
            name='reply_on_behalf',
            field=models.BooleanField(default=False, verbose_name="reply recorded on the department's behalf"),
        ),
        migrations.AddField(
            model_name='historicalreferral',
            name='round_number',
            field=models.PositiveSmallIntegerField(default=1, verbose_name='round of handling'),
        ),
        migrations.AddField(
            model_name='referral',
            name='reply_letter',
            field=models.FileField(blank=True, max_length=200, upload_to=apps.core.uploads.RandomFileName('replies'), verbose_name='reply letter'),
        ),
        migrations.AddField(
            model_name='referral',
            name='reply_letter_name',
            field=models.CharField(blank=True, max_length=200, verbose_name='file name'),
        ),
        migrations.AddField(
            model_name='referral',
            name='reply_letter_size',
            field=models.PositiveIntegerField(default=0, verbose_name='file size'),
        ),
        migrations.AddField(
            model_name='referral',
            name='reply_on_behalf',
            field=models.BooleanField(default=False, verbose_name="reply recorded on the department's behalf"),
        ),
        migrations.AddField(
            model_name='referral',
            name='round_number',
            field=models.PositiveSmallIntegerField(default=1, verbose_name='round of handling'),
        ),
        migrations.AlterField(
            model_name='referral',
            name='suggestion',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='referrals', to='consultation.suggestion', verbose_name='suggestion'),
        ),
        migrations.AddConstraint(
            model_name='referral',
            constraint=models.CheckConstraint(condition=models.Q(('suggestion__isnull', False)), name='referral_exactly_one_subject', violation_error_message='A referral concerns exactly one subject.'),
        ),
        migrations.AddConstraint(
            model_name='referral',
            constraint=models.CheckConstraint(condition=models.Q(('reply_letter', ''), ('replied_on__isnull', False), _connector='OR'), name='referral_letter_with_reply', violation_error_message='A reply letter comes with a reply.'),
        ),
        migrations.AddConstraint(
            model_name='referral',
            constraint=models.CheckConstraint(condition=models.Q(('round_number__gte', 1), ('round_number__lte', 2)), name='referral_round_in_range', violation_error_message='A referral is handled at most twice.'),
        ),
        migrations.AddField(
            model_name='departmentaccount',
            name='department',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='accounts', to='consultation.department', verbose_name='handling department'),
        ),
        migrations.AddField(
            model_name='departmentaccount',
            name='user',
            field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='department_account', to=settings.AUTH_USER_MODEL, verbose_name='user'),
        ),
        migrations.AddField(
            model_name='historicaldepartmentaccount',
            name='department',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='consultation.department', verbose_name='handling department'),
        ),
        migrations.AddField(
            model_name='historicaldepartmentaccount',
            name='history_user',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='historicaldepartmentaccount',
            name='user',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='user'),
        ),
        migrations.AddField(
            model_name='historicalreferralopinion',
            name='department',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='consultation.department', verbose_name='co-handling department'),
        ),
        migrations.AddField(
            model_name='historicalreferralopinion',
            name='history_user',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='historicalreferralopinion',
            name='recorded_by',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recorded by'),
        ),
        migrations.AddField(
            model_name='historicalreferralopinion',
            name='referral',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='consultation.referral', verbose_name='referral'),
        ),
        migrations.AddField(
            model_name='historicalreferralround',
            name='history_user',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='historicalreferralround',
            name='referral',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='consultation.referral', verbose_name='referral'),
        ),
        migrations.AddField(
            model_name='historicalreferralround',
            name='reopened_by',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='reopened by'),
        ),
        migrations.AddField(
            model_name='historicalreferralround',
            name='reply_recorded_by',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='reply recorded by'),
        ),
        migrations.AddField(
            model_name='referralopinion',
            name='department',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='opinions', to='consultation.department', verbose_name='co-handling department'),
        ),
        migrations.AddField(
            model_name='referralopinion',
            name='recorded_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recorded by'),
        ),
        migrations.AddField(
            model_name='referralopinion',
            name='referral',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='opinions', to='consultation.referral', verbose_name='referral'),
        ),
        migrations.AddField(
            model_name='referralround',
            name='referral',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='rounds', to='consultation.referral', verbose_name='referral'),
        ),
        migrations.AddField(
            model_name='referralround',
            name='reopened_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='reopened by'),
        ),
        migrations.AddField(
            model_name='referralround',
            name='reply_recorded_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='reply recorded by'),
        ),
        migrations.AddConstraint(
            model_name='referralopinion',
            constraint=models.UniqueConstraint(fields=('referral', 'department', 'round_number'), name='referralopinion_one_per_department_and_round', violation_error_message='This department has given its opinion already.'),
        ),
        migrations.AddConstraint(
            model_name='referralopinion',
            constraint=models.CheckConstraint(condition=models.Q(('text', ''), _negated=True), name='referralopinion_has_text', violation_error_message='Write the opinion.'),
        ),
        migrations.AddConstraint(
            model_name='referralround',
            constraint=models.UniqueConstraint(fields=('referral', 'number'), name='referralround_one_per_number'),
        ),
        migrations.RunPython(mark_replies_on_behalf, migrations.RunPython.noop),
    ]
