"""The name search's index (cases.selectors.names): pg_trgm and a GIN ``gin_trgm_ops`` index on
``cases_subject.name``. pg_trgm is a trusted extension: the database owner (credit, docs/adr/0006)
may create it. The index is built CONCURRENTLY like 0006's: on a province's 10 million subjects a
plain CREATE INDEX would block registrations and imports for minutes (docs/operations.md)."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

from cases.migration_operations import AddIndexConcurrently


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("cases", "0010_query_code_lockouts"),
    ]

    operations = [
        TrigramExtension(),
        AddIndexConcurrently(
            model_name="subject",
            index=GinIndex(fields=["name"], opclasses=["gin_trgm_ops"], name="subject_name_trgm"),
        ),
    ]
