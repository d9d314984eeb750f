"""A list type whose basis is revoked (名单类型废止, issue 21 item 2): when and why on the list type,
a removal reason for its entries, and the partial index the removal sweep walks (a revoked type's
listed entries in id order). Columns added without a default rewrite nothing; the index is built
CONCURRENTLY like 0011's and 0014's (no write lock on a 10-million-row table)."""

from django.db import migrations, models

from cases.migration_operations import AddIndexConcurrently


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ('cases', '0014_subject_name_bigrams'),
    ]

    operations = [
        migrations.AddField(
            model_name='listtype',
            name='revocation_reason',
            field=models.CharField(blank=True, max_length=500, verbose_name='reason for the revocation'),
        ),
        migrations.AddField(
            model_name='listtype',
            name='revoked_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='revoked at'),
        ),
        migrations.AlterField(
            model_name='listentry',
            name='removal_reason',
            field=models.CharField(blank=True, choices=[('EXPIRED', 'validity expired'), ('REPAIRED', 'credit repaired'), ('CORRECTED', 'corrected'), ('REVOKED', 'revoked after an objection'), ('ANNULLED', 'annulled by reconsideration or court'), ('TYPE_REVOKED', 'the list type was revoked')], max_length=16, verbose_name='removal reason'),
        ),
        migrations.AlterField(
            model_name='removalbatch',
            name='removal_reason',
            field=models.CharField(choices=[('EXPIRED', 'validity expired'), ('REPAIRED', 'credit repaired'), ('CORRECTED', 'corrected'), ('REVOKED', 'revoked after an objection'), ('ANNULLED', 'annulled by reconsideration or court'), ('TYPE_REVOKED', 'the list type was revoked')], max_length=16, verbose_name='removal reason'),
        ),
        migrations.AlterField(
            model_name='restorationtask',
            name='reason',
            field=models.CharField(choices=[('EXPIRED', 'validity expired'), ('REPAIRED', 'credit repaired'), ('CORRECTED', 'corrected'), ('REVOKED', 'revoked after an objection'), ('ANNULLED', 'annulled by reconsideration or court'), ('TYPE_REVOKED', 'the list type was revoked')], max_length=16),
        ),
        AddIndexConcurrently(
            model_name='listentry',
            index=models.Index(condition=models.Q(('state__in', ['ACTIVE', 'SUSPENDED'])), fields=['list_type', 'id'], name='entry_listed_by_list_type'),
        ),
    ]
