# State only: the holiday tables now belong to the deadlines app (same tables, no data touched).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("workflow", "0004_substitutes_and_done_index"),
        ("deadlines", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="HolidayOverride"),
                migrations.DeleteModel(name="HolidayYear"),
            ],
        ),
    ]
