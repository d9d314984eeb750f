"""Indexes for the auditors' finder (cases newest first). Built CONCURRENTLY: on a province's
10 million entries a plain CREATE INDEX would block writes while the old version still serves
(docs/operations.md, rules for migrations)."""

from cases.migration_operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("cases", "0005_imports"),
    ]

    operations = [
        AddIndexConcurrently(model_name="listentry", index=models.Index(fields=["created_at"], name="entry_by_created")),
        AddIndexConcurrently(model_name="objectioncase", index=models.Index(fields=["filed_at"], name="objection_by_filed")),
        AddIndexConcurrently(model_name="repaircase", index=models.Index(fields=["filed_at"], name="repair_by_filed")),
    ]
