"""The expiry night's batches (docs/adr/0007-expiry-batch-audit.md): ``RemovalBatch`` and the entry's
pointer to the batch that removed it. The new column is NULL everywhere (no rewrite of the table)
and has no index: nothing looks entries up by batch; an entry's page reads its own pointer."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0012_catalogue_version'),
    ]

    operations = [
        migrations.CreateModel(
            name='RemovalBatch',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('removal_reason', models.CharField(choices=[('EXPIRED', 'validity expired'), ('REPAIRED', 'credit repaired'), ('CORRECTED', 'corrected'), ('REVOKED', 'revoked after an objection'), ('ANNULLED', 'annulled by reconsideration or court')], max_length=16, verbose_name='removal reason')),
                ('removed_at', models.DateTimeField(verbose_name='removed at')),
                ('entries_removed', models.PositiveIntegerField(default=0, verbose_name='entries removed')),
            ],
            options={
                'verbose_name': 'removal batch',
                'verbose_name_plural': 'removal batches',
            },
        ),
        migrations.AddField(
            model_name='listentry',
            name='removal_batch',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='cases.removalbatch'),
        ),
    ]
