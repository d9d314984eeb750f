"""The listed subjects' two name indexes (``cases.selectors.names``), built CONCURRENTLY after 0018's
backfill has released its lock on the entries: trigrams for 3+ characters, two-character pieces."""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import migrations, models
from django.db.models import F, Func

from cases.migration_operations import AddIndexConcurrently


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("cases", "0018_listed_subjects"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="listedsubject",
            index=GinIndex(fields=["name"], opclasses=["gin_trgm_ops"], name="listed_subject_name_trgm"),
        ),
        AddIndexConcurrently(
            model_name="listedsubject",
            index=GinIndex(Func(F("name"), function="cases_name_bigrams", output_field=ArrayField(models.TextField())),
                           name="listed_subject_name_bigrams"),
        ),
    ]
