# State only: the procedure rules now belong to the deadlines app (same table, no data touched).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0007_import_batch"),
        ("deadlines", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[migrations.DeleteModel(name="ProcedureRule")],
        ),
    ]
