# The procedure rules and the holiday tables move into the deadlines app without touching the
# database: the tables keep their names, only Django's idea of which app owns them changes.

import datetime
import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("cases", "0007_import_batch"),
        ("workflow", "0004_substitutes_and_done_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
        migrations.CreateModel(
                    name='HolidayOverride',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('date', models.DateField(unique=True, verbose_name='date')),
                        ('kind', models.CharField(choices=[('HOLIDAY', 'holiday (rest day)'), ('WORKDAY', 'working day (incl. make-up working day)')], max_length=8, verbose_name='kind')),
                        ('name', models.CharField(blank=True, help_text='The holiday, e.g. 春节; for a make-up day the holiday it serves.', max_length=64, verbose_name='name')),
                        ('source_document', models.CharField(max_length=255, verbose_name='source document')),
                    ],
                    options={
                        'db_table': 'workflow_holidayoverride',
                        'verbose_name': 'holiday override',
                        'verbose_name_plural': 'holiday overrides',
                        'ordering': ['date'],
                    },
                ),
        migrations.CreateModel(
                    name='HolidayYear',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('year', models.PositiveSmallIntegerField(unique=True, validators=[django.core.validators.MinValueValidator(2000), django.core.validators.MaxValueValidator(2100)], verbose_name='year')),
                        ('source_document', models.CharField(help_text='The State Council notice the holidays come from, e.g. 国办发明电〔2026〕7号.', max_length=255, verbose_name='source document')),
                        ('declared_complete', models.BooleanField(default=False, help_text='Tick once every holiday and make-up working day of the year is entered as an override. Weekends are then rest days and other days working days unless overridden.', verbose_name='all holidays entered')),
                        ('note', models.TextField(blank=True, verbose_name='note')),
                    ],
                    options={
                        'db_table': 'workflow_holidayyear',
                        'verbose_name': 'holiday year',
                        'verbose_name_plural': 'holiday years',
                        'ordering': ['-year'],
                    },
                ),
        migrations.CreateModel(
                    name='ProcedureRule',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('case_type', models.CharField(choices=[('LIST_ENTRY', 'list entry'), ('MEASURE', 'measure execution'), ('OBJECTION', 'objection'), ('REPAIR', 'credit repair')], max_length=16, verbose_name='case type')),
                        ('step', models.SlugField(max_length=64, verbose_name='step')),
                        ('amount', models.PositiveIntegerField(verbose_name='amount')),
                        ('period_unit', models.CharField(choices=[('CALENDAR_DAYS', 'calendar days'), ('WORKING_DAYS', 'working days'), ('MONTHS', 'months')], max_length=16, verbose_name='counted in')),
                        ('regime', models.CharField(default='default', max_length=48, verbose_name='regime')),
                        ('basis', models.CharField(help_text='The clause the figure comes from.', max_length=255, verbose_name='basis')),
                        ('description', models.CharField(max_length=255, verbose_name='description')),
                        ('effective_from', models.DateField(default=datetime.date(2000, 1, 1), verbose_name='effective from')),
                        ('effective_to', models.DateField(blank=True, null=True, verbose_name='effective to')),
                    ],
                    options={
                        'db_table': 'cases_procedurerule',
                        'verbose_name': 'procedure rule',
                        'verbose_name_plural': 'procedure rules',
                        'ordering': ['case_type', 'step', 'regime', '-effective_from'],
                        'constraints': [models.UniqueConstraint(fields=('case_type', 'step', 'regime', 'effective_from'), name='procedure_rule_unique')],
                    },
                ),
            ],
        ),
    ]
